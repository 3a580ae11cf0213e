import { peer } from '@hyperledger/fabric-protos';
import type { KeyRead, RangeQueryRead, ReadWriteSet, StateReader, Version } from '@custodia/ledger';
import { compareKeys, lowerBound } from '@custodia/ledger';
import { addUpdates } from './updates';
import type { StateUpdate, UpdateBatch } from './updates';

export type TxValidationCode = peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap];

/** A transaction of the block being validated. */
export interface ValidationCandidate {
  readonly txId: string;
  /**
   * The caller's verdict before MVCC (the hook for BAD_CREATOR_SIGNATURE, ENDORSEMENT_POLICY_FAILURE,
   * BAD_PAYLOAD, …): anything but VALID is final; VALID lets duplicate-id and MVCC checks decide.
   */
  readonly precheck: TxValidationCode;
  readonly rwsets: readonly ReadWriteSet[];
}

const { VALID, DUPLICATE_TXID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT } = peer.TxValidationCode;

function sameVersion(a: Version | null | undefined, b: Version | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

/** The smallest key after `key` in byte order: turns an inclusive end into an exclusive one. */
function successor(key: string): string {
  return `${key}\u0000`;
}

/** The writes of the block's earlier valid transactions, with each namespace's keys kept in byte order. */
class BlockWrites {
  private readonly updates: UpdateBatch = new Map();
  private readonly sorted = new Map<string, string[]>();

  add(blockNum: number, txNum: number, rwsets: readonly ReadWriteSet[]): void {
    for (const set of rwsets) {
      const known = this.updates.get(set.namespace);
      let sorted = this.sorted.get(set.namespace);
      if (!sorted) {
        sorted = [];
        this.sorted.set(set.namespace, sorted);
      }
      for (const write of set.writes) {
        if (!known?.has(write.key)) sorted.splice(lowerBound(sorted, write.key), 0, write.key);
      }
    }
    addUpdates(this.updates, blockNum, { txNum, rwsets });
  }

  has(namespace: string, key: string): boolean {
    return this.updates.get(namespace)?.has(key) ?? false;
  }

  /** Writes to keys in [startKey, endKey) of a namespace (empty endKey: unbounded), in key order. */
  *inRange(namespace: string, startKey: string, endKey: string): Iterable<[string, StateUpdate]> {
    const sorted = this.sorted.get(namespace) ?? [];
    const updates = this.updates.get(namespace);
    for (let i = lowerBound(sorted, startKey); i < sorted.length; i++) {
      const key = sorted[i] as string;
      if (endKey !== '' && compareKeys(key, endKey) >= 0) return;
      const update = updates?.get(key);
      if (update) yield [key, update];
    }
  }
}

async function readsConflict(
  namespace: string,
  reads: readonly KeyRead[],
  state: StateReader,
  written: BlockWrites,
): Promise<boolean> {
  for (const read of reads) {
    // A key written by an earlier valid transaction of this block is stale for every later reader.
    if (written.has(namespace, read.key)) return true;
    const committed = await state.get(namespace, read.key);
    if (!sameVersion(committed?.version, read.version)) return true;
  }
  return false;
}

/**
 * The exclusive end of the stretch of a range query that validation re-runs: its end key when the
 * iterator was exhausted; otherwise just past the last key read (Fabric's itr_exhausted = false).
 */
export function recheckedRangeEnd(query: RangeQueryRead): string {
  if (query.itrExhausted) return query.endKey;
  const inclusiveEnd = query.reads[query.reads.length - 1]?.key ?? query.endKey;
  return inclusiveEnd === '' ? '' : successor(inclusiveEnd);
}

/**
 * Re-runs a range query over committed state merged with the block's earlier valid writes and compares
 * it with what simulation saw, as Fabric's rangeQueryResultsValidator does.
 */
async function rangeChanged(
  namespace: string,
  query: RangeQueryRead,
  state: StateReader,
  written: BlockWrites,
): Promise<boolean> {
  const endKey = recheckedRangeEnd(query);
  const now = new Map<string, Version>();
  for await (const entry of state.range(namespace, query.startKey, endKey)) now.set(entry.key, entry.version);
  for (const [key, update] of written.inRange(namespace, query.startKey, endKey)) {
    if (update.value === null) now.delete(key);
    else now.set(key, update.version);
  }
  if (now.size !== query.reads.length) return true;
  const keys = [...now.keys()].sort(compareKeys);
  return query.reads.some(
    (read, index) => read.key !== keys[index] || !sameVersion(now.get(read.key), read.version),
  );
}

async function mvccConflict(
  rwsets: readonly ReadWriteSet[],
  state: StateReader,
  written: BlockWrites,
): Promise<TxValidationCode> {
  for (const set of rwsets) {
    if (await readsConflict(set.namespace, set.reads, state, written)) return MVCC_READ_CONFLICT;
  }
  for (const set of rwsets) {
    for (const query of set.rangeQueries) {
      if (await rangeChanged(set.namespace, query, state, written)) return PHANTOM_READ_CONFLICT;
    }
  }
  return VALID;
}

/**
 * Validation codes for a block's transactions, in order, as a Fabric committer decides them: the
 * caller's precheck; DUPLICATE_TXID for an id already committed or seen earlier in the block;
 * MVCC_READ_CONFLICT when a read version differs from committed state or the key was written by an
 * earlier valid transaction of the block; PHANTOM_READ_CONFLICT when a range query's results changed.
 */
export async function validateBlock(
  blockNum: number,
  candidates: readonly ValidationCandidate[],
  state: StateReader,
  committedTxIds: ReadonlySet<string>,
): Promise<TxValidationCode[]> {
  const seen = new Set<string>();
  const written = new BlockWrites();
  const codes: TxValidationCode[] = [];
  for (const [txNum, candidate] of candidates.entries()) {
    let code = candidate.precheck;
    if (code === VALID && (committedTxIds.has(candidate.txId) || seen.has(candidate.txId)))
      code = DUPLICATE_TXID;
    seen.add(candidate.txId);
    if (code === VALID) code = await mvccConflict(candidate.rwsets, state, written);
    if (code === VALID) written.add(blockNum, txNum, candidate.rwsets);
    codes.push(code);
  }
  return codes;
}
