import { readCertificate } from './certificate';
import { boundedMemo } from './bounded-memo';
import { testIdentity } from '../../test/fixtures/identity';

describe('boundedMemo', () => {
  it('computes each key once while it is kept', () => {
    const compute = jest.fn((key: string) => ({ key }));
    const memo = boundedMemo({ limit: 10, maxKeyLength: 100 }, compute);
    const first = memo('a');
    expect(memo('a')).toBe(first);
    memo('b');
    expect(compute.mock.calls.map(([key]) => key)).toEqual(['a', 'b']);
  });

  it('keeps nothing of a computation that throws', () => {
    let attempts = 0;
    const memo = boundedMemo({ limit: 10, maxKeyLength: 100 }, (key: string) => {
      attempts += 1;
      if (attempts === 1) throw new Error('malformed');
      return key.length;
    });
    expect(() => memo('abc')).toThrow('malformed');
    expect(memo('abc')).toBe(3);
    expect(attempts).toBe(2);
  });

  it('holds at most its limit, forgetting what it held when full', () => {
    const compute = jest.fn((key: string) => key.toUpperCase());
    const memo = boundedMemo({ limit: 2, maxKeyLength: 100 }, compute);
    memo('a');
    memo('b');
    memo('c');
    memo('c');
    expect(compute).toHaveBeenCalledTimes(3);
    memo('a');
    expect(compute).toHaveBeenCalledTimes(4);
  });

  it('keeps nothing of a key longer than its bound (what an attacker inflates is computed, not kept)', () => {
    const compute = jest.fn((key: string) => key.length);
    const memo = boundedMemo({ limit: 10, maxKeyLength: 4 }, compute);
    expect(memo('padded')).toBe(6);
    expect(memo('padded')).toBe(6);
    expect(compute).toHaveBeenCalledTimes(2);
    memo('abcd');
    memo('abcd');
    expect(compute).toHaveBeenCalledTimes(3);
  });
});

describe('readCertificate, kept once read', () => {
  it('answers again with what it read, and a caller changing its answer changes nothing for the next', async () => {
    const { certificate } = await testIdentity('Org1MSP', 'reader');
    const first = readCertificate(certificate);
    const expected = structuredClone(first);
    (first.organizationalUnits as string[]).push('admin');
    first.notAfter.setFullYear(2999);
    (first.attrs as Record<string, string>)['custodia.role'] = 'admin';
    (first as { enrollmentId: string }).enrollmentId = 'someone-else';
    expect(readCertificate(certificate)).toEqual(expected);
  });
});
