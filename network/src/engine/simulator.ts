/**
 * Transaction simulation as Fabric's lockbased TxSimulator does it: reads go to committed state and record
 * the committed version (a transaction never sees its own writes), writes are buffered (last write wins,
 * an empty value is a delete), every range scan records the keys actually pulled for phantom-read
 * validation, and paginated queries are allowed only in read-only transactions.
 */
import { compareKeys } from '@custodia/ledger';
import { LedgerCallError, LedgerCallErrorCode } from './errors';
import type {
  KeyRead,
  KeyWrite,
  RangeQueryRead,
  ReadWriteSet,
  StateReader,
  VersionedValue,
} from '@custodia/ledger';

type RangeEntry = { readonly key: string } & VersionedValue;

/**
 * One range scan over committed state. Mirrors Fabric's resultsItr: until the scan reaches the end of the
 * range, the recorded end key is the last key pulled (the caller may never ask for more), so validation
 * covers exactly what was read; once exhausted, the whole requested range is covered.
 */
export class RangeScan {
  private readonly reads: KeyRead[] = [];
  private lastKey = '';
  private exhausted = false;
  private closed = false;

  constructor(
    private readonly source: AsyncIterator<RangeEntry>,
    readonly startKey: string,
    readonly endKey: string,
  ) {}

  /** The next key in range, recorded in the read set; undefined at the end. */
  async next(): Promise<RangeEntry | undefined> {
    if (this.exhausted || this.closed) return undefined;
    const result = await this.source.next();
    if (result.done) {
      this.exhausted = true;
      return undefined;
    }
    this.reads.push({ key: result.value.key, version: result.value.version });
    this.lastKey = result.value.key;
    return result.value;
  }

  /** Fabric's GetBookmarkAndClose: the key the next page starts at (not recorded), or '' when none is left. */
  async bookmarkAndClose(): Promise<string> {
    let bookmark = '';
    if (!this.exhausted && !this.closed) {
      const result = await this.source.next();
      if (!result.done) bookmark = result.value.key;
    }
    await this.close();
    return bookmark;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.source.return?.();
  }

  record(): RangeQueryRead {
    return {
      startKey: this.startKey,
      endKey: this.exhausted ? this.endKey : this.lastKey,
      itrExhausted: this.exhausted,
      reads: [...this.reads],
    };
  }
}

export class TxSimulator {
  private readonly reads = new Map<string, KeyRead>();
  private readonly writes = new Map<string, KeyWrite>();
  private readonly scans: RangeScan[] = [];
  private writePerformed = false;
  private paginatedQueryPerformed = false;

  constructor(
    private readonly state: StateReader,
    readonly namespace: string,
    readonly txId: string,
  ) {}

  /** Committed value (never this transaction's own writes); records the committed version, or null if absent. */
  async getState(key: string): Promise<Uint8Array | undefined> {
    const current = await this.state.get(this.namespace, key);
    this.reads.set(key, { key, version: current?.version ?? null });
    return current?.value;
  }

  putState(key: string, value: Uint8Array): void {
    this.checkWritePrecondition();
    // Fabric's rwset builder: a write with an empty value is a delete.
    this.writes.set(key, { key, isDelete: value.length === 0, value: new Uint8Array(value) });
  }

  deleteState(key: string): void {
    this.checkWritePrecondition();
    this.writes.set(key, { key, isDelete: true, value: new Uint8Array(0) });
  }

  /** Starts a range scan over [startKey, endKey) (empty endKey: unbounded). */
  scan(startKey: string, endKey: string, paginated: boolean): RangeScan {
    if (paginated) this.checkBeforePaginatedQuery();
    const source = this.state.range(this.namespace, startKey, endKey)[Symbol.asyncIterator]();
    const scan = new RangeScan(source, startKey, endKey);
    this.scans.push(scan);
    return scan;
  }

  /** Closes every scan the chaincode left open (Fabric closes them when the transaction completes). */
  async done(): Promise<void> {
    await Promise.all(this.scans.map((scan) => scan.close()));
  }

  /** The simulation results in Fabric's order: reads and writes sorted by key, range queries as issued, deduplicated. */
  results(): ReadWriteSet {
    const rangeQueries: RangeQueryRead[] = [];
    const seen = new Set<string>();
    for (const scan of this.scans) {
      const info = scan.record();
      const identity = JSON.stringify([info.startKey, info.endKey, info.itrExhausted]);
      if (seen.has(identity)) continue;
      seen.add(identity);
      rangeQueries.push(info);
    }
    return {
      namespace: this.namespace,
      reads: [...this.reads.values()].sort((a, b) => compareKeys(a.key, b.key)),
      rangeQueries,
      writes: [...this.writes.values()].sort((a, b) => compareKeys(a.key, b.key)),
    };
  }

  private checkWritePrecondition(): void {
    if (this.paginatedQueryPerformed) {
      throw new LedgerCallError(
        LedgerCallErrorCode.PaginatedQueryWithWrites,
        `txid [${this.txId}]: unsuppored transaction. Transaction has already performed a paginated query. Writes are not allowed`,
      );
    }
    this.writePerformed = true;
  }

  private checkBeforePaginatedQuery(): void {
    if (this.writePerformed) {
      throw new LedgerCallError(
        LedgerCallErrorCode.PaginatedQueryWithWrites,
        `txid [${this.txId}]: unsuppored transaction. Paginated queries are supported only in a read-only transaction`,
      );
    }
    this.paginatedQueryPerformed = true;
  }
}
