import { ClassicLevel } from 'classic-level';
import type {
  KeyModification,
  ReadWriteSet,
  StateReader,
  TxTimestamp,
  VersionedValue,
} from '@custodia/ledger';
import {
  SAVEPOINT_KEY,
  decodeHeight,
  decodeModification,
  decodeVersionedValue,
  encodeHeight,
  encodeModification,
  encodeVersionedValue,
  historyKey,
  historyRange,
  keyOfStateKey,
  stateKey,
  stateRange,
} from './state-keys';

/** A valid transaction of a committed block, with what history needs to record it. */
export interface AppliedTransaction {
  readonly txNum: number;
  readonly txId: string;
  readonly timestamp: TxTimestamp;
  readonly rwsets: readonly ReadWriteSet[];
}

type Db = ClassicLevel<Buffer, Buffer>;

/**
 * World state and key history in LevelDB, versioned by (block, tx) as in Fabric. A block's writes,
 * its history entries and the savepoint go in one atomic batch, so state is always exactly "blocks
 * [0, height)"; the batch is not fsynced because the block store holds the block durably and the
 * ledger replays any block the state missed.
 */
export class StateDb implements StateReader {
  private constructor(
    private readonly db: Db,
    private savepoint: number,
  ) {}

  static async open(location: string): Promise<StateDb> {
    const db: Db = new ClassicLevel<Buffer, Buffer>(location, {
      keyEncoding: 'buffer',
      valueEncoding: 'buffer',
    });
    await db.open();
    const stored = await db.get(SAVEPOINT_KEY);
    return new StateDb(db, stored ? decodeHeight(stored) : 0);
  }

  /** Number of blocks applied: the next block to apply. */
  get height(): number {
    return this.savepoint;
  }

  async get(namespace: string, key: string): Promise<VersionedValue | undefined> {
    const stored = await this.db.get(stateKey(namespace, key));
    return stored ? decodeVersionedValue(stored) : undefined;
  }

  /** Many keys of one namespace in one LevelDB round trip (MVCC validation reads them all at once). */
  async getMany(namespace: string, keys: readonly string[]): Promise<(VersionedValue | undefined)[]> {
    const stored = await this.db.getMany(keys.map((key) => stateKey(namespace, key)));
    return stored.map((value) => (value ? decodeVersionedValue(value) : undefined));
  }

  async *range(
    namespace: string,
    startKey: string,
    endKey: string,
  ): AsyncIterable<{ readonly key: string } & VersionedValue> {
    for await (const [stored, value] of this.db.iterator(stateRange(namespace, startKey, endKey))) {
      yield { key: keyOfStateKey(namespace, stored), ...decodeVersionedValue(value) };
    }
  }

  /** A whole range at once (a few LevelDB round trips instead of one per entry); for bounded ranges. */
  async rangeAll(
    namespace: string,
    startKey: string,
    endKey: string,
  ): Promise<({ readonly key: string } & VersionedValue)[]> {
    const entries = await this.db.iterator(stateRange(namespace, startKey, endKey)).all();
    return entries.map(([stored, value]) => ({
      key: keyOfStateKey(namespace, stored),
      ...decodeVersionedValue(value),
    }));
  }

  async *history(namespace: string, key: string): AsyncIterable<KeyModification> {
    for await (const value of this.db.values({ ...historyRange(namespace, key), reverse: true })) {
      yield decodeModification(value);
    }
  }

  /** Applies block `blockNum`'s valid transactions (in block order) and moves the savepoint past it. */
  async applyBlock(blockNum: number, transactions: readonly AppliedTransaction[]): Promise<void> {
    if (blockNum !== this.savepoint) {
      throw new RangeError(`state is at height ${this.savepoint}, cannot apply block ${blockNum}`);
    }
    const batch = this.db.batch();
    for (const transaction of transactions) {
      const version = { blockNum, txNum: transaction.txNum };
      for (const set of transaction.rwsets) {
        for (const write of set.writes) {
          const key = stateKey(set.namespace, write.key);
          if (write.isDelete) batch.del(key);
          else batch.put(key, encodeVersionedValue(write.value, version));
          batch.put(
            historyKey(set.namespace, write.key, version),
            encodeModification({
              txId: transaction.txId,
              timestamp: transaction.timestamp,
              isDelete: write.isDelete,
              value: write.isDelete ? new Uint8Array(0) : write.value,
            }),
          );
        }
      }
    }
    batch.put(SAVEPOINT_KEY, encodeHeight(blockNum + 1));
    await batch.write();
    this.savepoint = blockNum + 1;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
