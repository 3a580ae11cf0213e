import { DEFAULT_CHUNK_SIZE, EARLIER_CHUNK_SIZE, isWholeSealedSize, sealedSize } from './format';

describe('the length of a whole sealed object', () => {
  const sizes = [DEFAULT_CHUNK_SIZE, EARLIER_CHUNK_SIZE];
  const plain = 3 * DEFAULT_CHUNK_SIZE + 10;

  it('accepts an object sealed at the chunk size of now or of before', () => {
    expect(isWholeSealedSize(plain, sealedSize(plain, DEFAULT_CHUNK_SIZE), sizes)).toBe(true);
    expect(isWholeSealedSize(plain, sealedSize(plain, EARLIER_CHUNK_SIZE), sizes)).toBe(true);
  });

  it('refuses an object cut short or padded, at either chunk size', () => {
    for (const chunkSize of sizes) {
      const whole = sealedSize(plain, chunkSize);
      // The last chunk dropped, one byte lost, one byte added.
      for (const stored of [whole - 10 - 16, whole - 1, whole + 1])
        expect(isWholeSealedSize(plain, stored, sizes)).toBe(false);
    }
  });
});
