/**
 * The contract between the execution engine and whatever stores world state.
 * The engine reads through a StateReader while simulating a transaction and returns a
 * ReadWriteSet; the ledger (in-memory for tests, LevelDB for the embedded network) validates
 * it (MVCC) and applies it. Versions are (block number, transaction number), as in Fabric.
 */

export interface Version {
  readonly blockNum: number;
  readonly txNum: number;
}

export interface VersionedValue {
  readonly value: Uint8Array;
  readonly version: Version;
}

export interface TxTimestamp {
  readonly seconds: number;
  readonly nanos: number;
}

/** One entry of a key's history, as GetHistoryForKey returns it (newest first). */
export interface KeyModification {
  readonly txId: string;
  readonly value: Uint8Array;
  readonly timestamp: TxTimestamp;
  readonly isDelete: boolean;
}

export interface StateReader {
  get(namespace: string, key: string): Promise<VersionedValue | undefined>;
  /** Keys in [startKey, endKey) in byte order; an empty endKey means unbounded. */
  range(
    namespace: string,
    startKey: string,
    endKey: string,
  ): AsyncIterable<{ readonly key: string } & VersionedValue>;
  /** Newest first. */
  history(namespace: string, key: string): AsyncIterable<KeyModification>;
}

export interface KeyRead {
  readonly key: string;
  /** null when the key did not exist at simulation time. */
  readonly version: Version | null;
}

export interface KeyWrite {
  readonly key: string;
  readonly isDelete: boolean;
  readonly value: Uint8Array;
}

/** A range query's results as seen at simulation time, re-checked at commit (phantom reads). */
export interface RangeQueryRead {
  readonly startKey: string;
  /** The query's end key when itrExhausted; otherwise the last key read (validated inclusively), as in Fabric. */
  readonly endKey: string;
  /**
   * Fabric's RangeQueryInfo.itr_exhausted: true when the scan reached the end of the range; false when it
   * stopped earlier (the chaincode stopped pulling, or a page was full), so only [startKey, endKey] is checked.
   */
  readonly itrExhausted: boolean;
  readonly reads: readonly KeyRead[];
}

export interface ReadWriteSet {
  readonly namespace: string;
  readonly reads: readonly KeyRead[];
  readonly rangeQueries: readonly RangeQueryRead[];
  readonly writes: readonly KeyWrite[];
}
