import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peer } from '@hyperledger/fabric-protos';
import type { KeyRead, RangeQueryRead, ReadWriteSet } from '@custodia/ledger';
import { StateDb } from './state-db';
import { validateBlock } from './validator';
import type { ValidationCandidate } from './validator';

const {
  VALID,
  MVCC_READ_CONFLICT,
  PHANTOM_READ_CONFLICT,
  DUPLICATE_TXID,
  ENDORSEMENT_POLICY_FAILURE,
  BAD_CREATOR_SIGNATURE,
} = peer.TxValidationCode;
const NS = 'custodia';
let dir: string;
let state: StateDb;

/** Committed state: block 0 is empty (genesis); block 1 writes a, b and three keys of patient p1. */
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-validator-'));
  state = await StateDb.open(dir);
  await state.applyBlock(0, []);
  await state.applyBlock(1, [
    {
      txNum: 0,
      txId: 'seed',
      timestamp: { seconds: 1, nanos: 0 },
      rwsets: [
        {
          namespace: NS,
          reads: [],
          rangeQueries: [],
          writes: ['a', 'b', 'p1/r1', 'p1/r2', 'p1/r4'].map((key) => ({
            key,
            isDelete: false,
            value: Buffer.from(key),
          })),
        },
      ],
    },
  ]);
});
afterEach(async () => {
  await state.close();
  rmSync(dir, { recursive: true, force: true });
});

const AT_SEED = { blockNum: 1, txNum: 0 };
const read = (key: string, version = AT_SEED as KeyRead['version']): KeyRead => ({ key, version });
const write = (key: string, isDelete = false): ReadWriteSet['writes'][number] => ({
  key,
  isDelete,
  value: Buffer.from(`new ${key}`),
});
const range = (reads: KeyRead[], itrExhausted = true, endKey = 'p1/~'): RangeQueryRead => ({
  startKey: 'p1/',
  endKey,
  itrExhausted,
  reads,
});

function candidate(
  txId: string,
  set: Partial<Omit<ReadWriteSet, 'namespace'>>,
  precheck: ValidationCandidate['precheck'] = VALID,
): ValidationCandidate {
  return { txId, precheck, rwsets: [{ namespace: NS, reads: [], rangeQueries: [], writes: [], ...set }] };
}

const validate = (candidates: ValidationCandidate[], committed: string[] = []): Promise<number[]> =>
  validateBlock(2, candidates, state, new Set(committed));

describe('validateBlock (Fabric MVCC)', () => {
  it('accepts reads at the committed version, reads of absent keys, and blind writes', async () => {
    expect(
      await validate([
        candidate('t1', { reads: [read('a'), read('absent', null)], writes: [write('a')] }),
        candidate('t2', { writes: [write('a')] }),
      ]),
    ).toEqual([VALID, VALID]);
  });

  it('marks a stale read MVCC_READ_CONFLICT: the version moved, the key appeared, or it vanished', async () => {
    expect(
      await validate([
        candidate('stale', { reads: [read('a', { blockNum: 0, txNum: 5 })] }),
        candidate('appeared', { reads: [read('b', null)] }),
        candidate('vanished', { reads: [read('gone')] }),
      ]),
    ).toEqual([MVCC_READ_CONFLICT, MVCC_READ_CONFLICT, MVCC_READ_CONFLICT]);
  });

  it('marks a later transaction that read a key written earlier in the same block MVCC_READ_CONFLICT', async () => {
    expect(
      await validate([
        candidate('first', { reads: [read('a')], writes: [write('a')] }),
        candidate('second', { reads: [read('a')], writes: [write('a')] }),
        candidate('deleter', { writes: [write('b', true)] }),
        candidate('reader-of-b', { reads: [read('b')] }),
      ]),
    ).toEqual([VALID, MVCC_READ_CONFLICT, VALID, MVCC_READ_CONFLICT]);
  });

  it('ignores writes of invalid transactions when checking later ones', async () => {
    expect(
      await validate([
        candidate('refused', { writes: [write('a')] }, ENDORSEMENT_POLICY_FAILURE),
        candidate('stale', { reads: [read('b', null)], writes: [write('a')] }),
        candidate('reader', { reads: [read('a')] }),
      ]),
    ).toEqual([ENDORSEMENT_POLICY_FAILURE, MVCC_READ_CONFLICT, VALID]);
  });

  it('accepts a range query whose results did not change', async () => {
    const unchanged = range([read('p1/r1'), read('p1/r2'), read('p1/r4')]);
    expect(await validate([candidate('t', { rangeQueries: [unchanged] })])).toEqual([VALID]);
  });

  it('marks PHANTOM_READ_CONFLICT when a range gained, lost or changed a key (committed or earlier in the block)', async () => {
    const seen = range([read('p1/r1'), read('p1/r2'), read('p1/r4')]);
    expect(
      await validate([
        candidate('inserter', { writes: [write('p1/r3')] }),
        candidate('phantom-insert', { rangeQueries: [seen] }),
      ]),
    ).toEqual([VALID, PHANTOM_READ_CONFLICT]);
    expect(
      await validate([
        candidate('deleter', { writes: [write('p1/r2', true)] }),
        candidate('phantom-delete', { rangeQueries: [seen] }),
      ]),
    ).toEqual([VALID, PHANTOM_READ_CONFLICT]);
    expect(
      await validate([
        candidate('stale-version', {
          rangeQueries: [range([read('p1/r1', { blockNum: 0, txNum: 0 }), read('p1/r2'), read('p1/r4')])],
        }),
      ]),
    ).toEqual([PHANTOM_READ_CONFLICT]);
    expect(
      await validate([candidate('missed-one', { rangeQueries: [range([read('p1/r1'), read('p1/r4')])] })]),
    ).toEqual([PHANTOM_READ_CONFLICT]);
  });

  it('checks an unexhausted (paged) iteration only up to the last key it read', async () => {
    const firstPage = range([read('p1/r1'), read('p1/r2')], false, 'p1/r2');
    expect(
      await validate([
        candidate('after-page', { writes: [write('p1/r3')] }),
        candidate('paged', { rangeQueries: [firstPage] }),
      ]),
    ).toEqual([VALID, VALID]);
    expect(
      await validate([
        candidate('inside-page', { writes: [write('p1/r15')] }),
        candidate('paged', { rangeQueries: [firstPage] }),
      ]),
    ).toEqual([VALID, PHANTOM_READ_CONFLICT]);
  });

  it('marks DUPLICATE_TXID for an id already on the ledger or seen earlier in the block', async () => {
    expect(
      await validate(
        [
          candidate('replayed', { writes: [write('a')] }),
          candidate('fresh', {}),
          candidate('fresh', { writes: [write('b')] }),
        ],
        ['replayed'],
      ),
    ).toEqual([DUPLICATE_TXID, VALID, DUPLICATE_TXID]);
  });

  it("keeps the caller's verdict (bad signature, endorsement policy) and never lets such a transaction write", async () => {
    expect(
      await validate([
        candidate('forged', { writes: [write('a')] }, BAD_CREATOR_SIGNATURE),
        candidate('honest', { reads: [read('a')], writes: [write('a')] }),
      ]),
    ).toEqual([BAD_CREATOR_SIGNATURE, VALID]);
  });
});
