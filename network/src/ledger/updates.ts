import type { ReadWriteSet, Version } from '@custodia/ledger';

/** A valid transaction's effect, as the committer applies it. */
export interface ValidTransaction {
  /** Position of the transaction in its block; with the block number it is the version of its writes. */
  readonly txNum: number;
  readonly rwsets: readonly ReadWriteSet[];
}

/** The final value of a key after a block: `null` when the block deleted it. */
export interface StateUpdate {
  readonly value: Uint8Array | null;
  readonly version: Version;
}

/** namespace → key → final update; a later transaction's write replaces an earlier one's, as in Fabric. */
export type UpdateBatch = Map<string, Map<string, StateUpdate>>;

/** Adds one valid transaction's writes to `batch` (a later write to a key replaces an earlier one). */
export function addUpdates(batch: UpdateBatch, blockNum: number, transaction: ValidTransaction): void {
  const version = { blockNum, txNum: transaction.txNum };
  for (const set of transaction.rwsets) {
    let namespace = batch.get(set.namespace);
    if (!namespace) {
      namespace = new Map();
      batch.set(set.namespace, namespace);
    }
    for (const write of set.writes) {
      namespace.set(write.key, { value: write.isDelete ? null : write.value, version });
    }
  }
}

/** The block's net state change from its valid transactions, in block order. */
export function collectUpdates(blockNum: number, transactions: readonly ValidTransaction[]): UpdateBatch {
  const batch: UpdateBatch = new Map();
  for (const transaction of transactions) addUpdates(batch, blockNum, transaction);
  return batch;
}
