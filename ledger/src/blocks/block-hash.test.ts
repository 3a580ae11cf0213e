import { createHash } from 'node:crypto';
import { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (value: string): Uint8Array => Buffer.from(value, 'hex');
const DATA_HASH = 'aa'.repeat(32);
const PREVIOUS_HASH = 'bb'.repeat(32);

describe('blockHeaderBytes (Fabric protoutil.BlockHeaderBytes: DER SEQUENCE { INTEGER, OCTET STRING, OCTET STRING })', () => {
  it('encodes a genesis header: number 0, empty previous hash', () => {
    // 30 27 | 02 01 00 | 04 00 | 04 20 <32 bytes>  (3 + 2 + 34 = 39 = 0x27 content bytes)
    const bytes = blockHeaderBytes({
      number: 0,
      previousHash: new Uint8Array(0),
      dataHash: fromHex(DATA_HASH),
    });
    expect(hex(bytes)).toBe(`3027020100040004 20${DATA_HASH}`.replace(/ /g, ''));
  });

  it('encodes a chained header with both hashes', () => {
    // 30 47 | 02 01 05 | 04 20 <prev> | 04 20 <data>  (3 + 34 + 34 = 71 = 0x47)
    const bytes = blockHeaderBytes({
      number: 5,
      previousHash: fromHex(PREVIOUS_HASH),
      dataHash: fromHex(DATA_HASH),
    });
    expect(hex(bytes)).toBe(`3047020105 0420${PREVIOUS_HASH} 0420${DATA_HASH}`.replace(/ /g, ''));
  });

  it.each([
    [127, '02017f'],
    [128, '02020080'], // high bit set: DER needs a leading zero to stay non-negative
    [255, '020200ff'],
    [256, '02020100'],
    [65_535, '020300ffff'],
    [2 ** 40, '0206010000000000'],
    [BigInt('18446744073709551615'), '020900ffffffffffffffff'], // uint64 max, as Go's big.Int encodes it
  ])('encodes block number %s minimally as %s', (number, integer) => {
    const bytes = blockHeaderBytes({ number, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) });
    const content = `${integer}04000400`;
    expect(hex(bytes)).toBe(`30${(content.length / 2).toString(16).padStart(2, '0')}${content}`);
  });

  it('uses the long length form once the content passes 127 bytes', () => {
    const previousHash = new Uint8Array(200).fill(1);
    const bytes = blockHeaderBytes({ number: 1, previousHash, dataHash: new Uint8Array(0) });
    // content: 02 01 01 (3) + 04 81 c8 <200> (203) + 04 00 (2) = 208 = 0xd0
    expect(hex(bytes.subarray(0, 9))).toBe('3081d00201010481c8');
    expect(bytes.length).toBe(3 + 208);
  });

  it('rejects a block number outside uint64', () => {
    expect(() =>
      blockHeaderBytes({ number: -1, previousHash: new Uint8Array(0), dataHash: new Uint8Array(0) }),
    ).toThrow(RangeError);
  });
});

describe('blockHeaderHash', () => {
  it('is SHA-256 of the DER header bytes', () => {
    const header = { number: 5, previousHash: fromHex(PREVIOUS_HASH), dataHash: fromHex(DATA_HASH) };
    expect(hex(blockHeaderHash(header))).toBe(
      createHash('sha256').update(blockHeaderBytes(header)).digest('hex'),
    );
  });

  it('matches a header hash reported by a Fabric 2.5.15 peer (qscc GetChainInfo, block 28)', () => {
    // Public golden values (prev hash, data hash → current block hash at height 29) published by a
    // Fabric client SDK test suite that captured them from a real Fabric 2.5.15 network.
    const hash = blockHeaderHash({
      number: 28,
      previousHash: fromHex('003ef1053b17f9cf286bd087f03dbd72cddb7c1fb8f2e680128c32e5c6db6b8d'),
      dataHash: fromHex('9cd1500e262501b40b0c9c7dba2dc17fd7282d3b9f91c04f26f6564d774d3655'),
    });
    expect(hex(hash)).toBe('5f896f60ee4a5a755dacd92ba162a707299621442683754c2469de8a123c43da');
  });
});

describe('blockDataHash (Fabric protoutil.BlockDataHash)', () => {
  it('is SHA-256 over the envelopes concatenated, so envelope boundaries do not matter but order does', () => {
    const a = Buffer.from('first envelope');
    const b = Buffer.from('second');
    expect(hex(blockDataHash([a, b]))).toBe(
      createHash('sha256')
        .update(Buffer.concat([a, b]))
        .digest('hex'),
    );
    expect(hex(blockDataHash([b, a]))).not.toBe(hex(blockDataHash([a, b])));
  });

  it('of an empty block is SHA-256 of nothing', () => {
    expect(hex(blockDataHash([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
