import { createHash } from 'node:crypto';
import { nextCommitHash, updateBatchBytes, versionBytes } from './commit-hash';
import { collectUpdates } from './updates';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

describe('versionBytes (Fabric version.Height.ToBytes, order-preserving varints)', () => {
  it.each([
    [{ blockNum: 0, txNum: 0 }, '0000'],
    [{ blockNum: 1, txNum: 0 }, '010100'],
    [{ blockNum: 256, txNum: 5 }, '0201000105'],
  ])('%j → %s', (version, expected) => {
    expect(hex(versionBytes(version))).toBe(expected);
  });
});

describe('updateBatchBytes (Fabric deterministicBytesForPubAndHashUpdates, public data)', () => {
  it('encodes one write as txmgr.Updates{ KVWrite{namespace, key, value, version_bytes} }', () => {
    const batch = collectUpdates(1, [
      {
        txNum: 0,
        rwsets: [
          {
            namespace: 'cc',
            reads: [],
            rangeQueries: [],
            writes: [{ key: 'k', isDelete: false, value: Buffer.from('v') }],
          },
        ],
      },
    ]);
    // KVWrite: 0a 02 "cc" | 1a 01 "k" | 2a 01 "v" | 32 03 01 01 00   (15 bytes), wrapped as field 1 of Updates
    expect(hex(updateBatchBytes(batch))).toBe('0a0f' + '0a026363' + '1a016b' + '2a0176' + '3203010100');
  });

  it('sorts namespaces and keys by bytes, names a namespace once, keeps the last write, marks deletes', () => {
    const batch = collectUpdates(2, [
      {
        txNum: 0,
        rwsets: [
          {
            namespace: 'b',
            reads: [],
            rangeQueries: [],
            writes: [{ key: 'y', isDelete: false, value: Buffer.from('1') }],
          },
          {
            namespace: 'a',
            reads: [],
            rangeQueries: [],
            writes: [{ key: 'z', isDelete: false, value: Buffer.from('old') }],
          },
        ],
      },
      {
        txNum: 1,
        rwsets: [
          {
            namespace: 'a',
            reads: [],
            rangeQueries: [],
            writes: [
              { key: 'z', isDelete: true, value: new Uint8Array(0) },
              { key: 'x', isDelete: false, value: Buffer.from('2') },
            ],
          },
        ],
      },
    ]);
    const expected = [
      '0a0f' + '0a0161' + '1a0178' + '2a0132' + '320401020101', // a/x = "2" @ (2,1), first of namespace a
      '0a0b' + '1a017a' + '2001' + '320401020101', // a/z deleted @ (2,1): no namespace, no value
      '0a0e' + '0a0162' + '1a0179' + '2a0131' + '3203010200', // b/y = "1" @ (2,0)
    ].join('');
    expect(hex(updateBatchBytes(batch))).toBe(expected);
  });
});

describe('nextCommitHash (Fabric kvLedger.addBlockCommitHash)', () => {
  it('hashes varint(len(filter)) ‖ filter ‖ updates ‖ previous commit hash', () => {
    const previous = Buffer.alloc(32, 0xab);
    const filter = Uint8Array.of(0, 11);
    const updates = Buffer.from('0a0f0a0263631a016b2a01763203010100', 'hex');
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.of(2), filter, updates, previous]))
      .digest('hex');
    expect(hex(nextCommitHash(previous, filter, updates))).toBe(expected);
  });

  it('changes when a validation code changes, so the filter is bound to the state it produced', () => {
    const updates = new Uint8Array(0);
    expect(hex(nextCommitHash(new Uint8Array(0), Uint8Array.of(0), updates))).not.toBe(
      hex(nextCommitHash(new Uint8Array(0), Uint8Array.of(11), updates)),
    );
  });
});
