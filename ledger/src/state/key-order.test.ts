import fc from 'fast-check';
import { compareKeys, inRange } from './key-order';

const utf8Order = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));

describe('key order', () => {
  it('orders any two well-formed strings as their UTF-8 bytes compare', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(Math.sign(compareKeys(a, b))).toBe(utf8Order(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('puts U+FFFD below U+1F600, where UTF-16 order says the opposite', () => {
    expect(compareKeys('\uFFFD', '\u{1F600}')).toBeLessThan(0);
    expect('\uFFFD' < '\u{1F600}').toBe(false);
  });

  it('treats an empty end key as unbounded', () => {
    expect(inRange('zzz', 'a', '')).toBe(true);
    expect(inRange('b', 'a', 'b')).toBe(false);
    expect(inRange('a', 'a', 'b')).toBe(true);
  });
});
