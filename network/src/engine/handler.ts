/**
 * The peer side of the chaincode conversation for one transaction: the object fabric-shim's ChaincodeStub
 * calls (`handleGetState`, `handleGetStateByRange`, …). Each method does what a Fabric 2.5 peer's chaincode
 * handler does for the matching ChaincodeMessage and returns what fabric-shim's own handler returns after
 * parsing the peer's reply (a Buffer, a StateQueryIterator over a peer.QueryResponse, …), so contract code
 * runs against the real stub and iterators with Fabric's semantics.
 */
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';
import { HistoryQueryIterator, StateQueryIterator, shimProtos } from './shim';
import { LedgerCallError, LedgerCallErrorCode } from './errors';
import type { RangeScan, TxSimulator } from './simulator';
import type { KeyModification, StateReader } from '@custodia/ledger';

type QueryResponse = InstanceType<typeof shimProtos.peer.QueryResponse>;
type QueryResultBytes = InstanceType<typeof shimProtos.peer.QueryResultBytes>;

/** Results the peer queues before sending a batch to the shim (Fabric's QueryResponseGenerator.MaxResultLimit). */
export const MAX_RESULT_LIMIT = 100;
/** Results one query may return in total (core.yaml ledger.state.totalQueryLimit, default 100000). */
export const TOTAL_QUERY_LIMIT = 100_000;

/** What fabric-shim's handler hands the stub for GetStateByRange: the iterator and, when paginated, the metadata. */
export interface RangeQueryReply {
  readonly iterator: StateQueryIterator;
  readonly metadata?: { readonly bookmark: string; readonly fetchedRecordsCount: number };
}

/** An open query: results pulled from the ledger but not yet sent to the shim, and how many were returned. */
interface QueryCursor {
  readonly pending: QueryResultBytes[];
  returned: number;
  pull(): Promise<Uint8Array | undefined>;
  close(): Promise<void>;
  /** Paginated range scans only. */
  bookmarkAndClose?(): Promise<string>;
}

export interface PeerHandlerOptions {
  readonly simulator: TxSimulator;
  readonly state: StateReader;
  readonly channelId: string;
  readonly txId: string;
}

export class PeerHandler {
  private readonly simulator: TxSimulator;
  private readonly state: StateReader;
  private readonly namespace: string;
  private readonly channelId: string;
  private readonly txId: string;
  private readonly cursors = new Map<string, QueryCursor>();
  private nextCursorId = 0;
  private finished = false;

  constructor(options: PeerHandlerOptions) {
    this.simulator = options.simulator;
    this.state = options.state;
    this.namespace = options.simulator.namespace;
    this.channelId = options.channelId;
    this.txId = options.txId;
  }

  /** The transaction function returned: later calls fail as on a peer (the transaction context is gone). */
  async finish(): Promise<void> {
    this.finished = true;
    await Promise.all([...this.cursors.values()].map((cursor) => cursor.close()));
    this.cursors.clear();
    await this.simulator.done();
  }

  handleGetState(collection: string, key: string): Promise<Buffer> {
    return this.call('GET_STATE', collection, async () => {
      const value = await this.simulator.getState(key);
      // A missing key is an empty payload, which the shim hands the contract as an empty Buffer.
      return Buffer.from(value ?? new Uint8Array(0));
    });
  }

  handlePutState(collection: string, key: string, value: Uint8Array): Promise<Buffer> {
    return this.call('PUT_STATE', collection, () => {
      this.simulator.putState(key, value);
      return Buffer.alloc(0);
    });
  }

  handleDeleteState(collection: string, key: string): Promise<Buffer> {
    return this.call('DEL_STATE', collection, () => {
      this.simulator.deleteState(key);
      return Buffer.alloc(0);
    });
  }

  /** Purging exists only for private data. */
  handlePurgeState(collection: string): Promise<never> {
    return this.call('PURGE_PRIVATE_DATA', '', () => refusePrivateData(collection));
  }

  handleGetPrivateDataHash(collection: string): Promise<never> {
    return this.call('GET_PRIVATE_DATA_HASH', '', () => refusePrivateData(collection));
  }

  /** Like Fabric, reading metadata reads the key (recorded in the read set). No key carries metadata here. */
  handleGetStateMetadata(collection: string, key: string): Promise<Record<string, Uint8Array>> {
    return this.call('GET_STATE_METADATA', collection, async () => {
      await this.simulator.getState(key);
      return {};
    });
  }

  /**
   * Key-level endorsement policies would be stored but not enforced by the embedded network's validator, so
   * accepting them would promise protection that does not exist: refused.
   */
  handlePutStateMetadata(collection: string, _key: string, metakey: string): Promise<Buffer> {
    // The key stays out of the message: keys can carry identifiers and messages reach logs.
    return this.call('PUT_STATE_METADATA', collection, () => {
      throw new LedgerCallError(
        LedgerCallErrorCode.KeyLevelEndorsementUnsupported,
        `state metadata '${metakey}' is not supported: the embedded network does not enforce key-level endorsement policies`,
      );
    });
  }

  handleGetStateByRange(
    collection: string,
    startKey: string,
    endKey: string,
    _channelId?: string,
    _txId?: string,
    metadata?: Uint8Array,
  ): Promise<RangeQueryReply> {
    return this.call('GET_STATE_BY_RANGE', collection, async () => {
      const query = metadata ? shimProtos.peer.QueryMetadata.deserializeBinary(metadata) : undefined;
      const paginated = query !== undefined && (query.getPagesize() !== 0 || query.getBookmark() !== '');
      const pageSize = query?.getPagesize() ?? 0;
      const totalReturnLimit = pageSize > 0 && pageSize < TOTAL_QUERY_LIMIT ? pageSize : TOTAL_QUERY_LIMIT;
      // A bookmark is the key the next page starts at.
      const bookmark = query?.getBookmark() ?? '';
      const from = paginated && bookmark !== '' ? bookmark : startKey;
      const scan = this.simulator.scan(from, endKey, paginated);
      const id = this.open(this.rangeCursor(scan));
      const response = await this.buildQueryResponse(id, paginated, totalReturnLimit);
      return this.rangeReply(response);
    });
  }

  handleQueryStateNext(id: string): Promise<QueryResponse> {
    return this.call('QUERY_STATE_NEXT', '', () => {
      if (!this.cursors.has(id)) {
        throw new LedgerCallError(LedgerCallErrorCode.UnknownIterator, 'query iterator not found');
      }
      return this.buildQueryResponse(id, false, TOTAL_QUERY_LIMIT);
    });
  }

  handleQueryStateClose(id: string): Promise<QueryResponse> {
    return this.call('QUERY_STATE_CLOSE', '', async () => {
      await this.cleanup(id);
      const response = new shimProtos.peer.QueryResponse();
      response.setHasMore(false);
      response.setId(id);
      return response;
    });
  }

  /** A LevelDB peer has no rich queries; Fabric answers exactly this. */
  handleGetQueryResult(collection: string, _query: string, metadata?: Uint8Array | null): Promise<never> {
    return this.call('GET_QUERY_RESULT', collection, () => {
      const operation = metadata ? 'ExecuteQueryWithPagination' : 'ExecuteQuery';
      throw new LedgerCallError(
        LedgerCallErrorCode.RichQueryUnsupported,
        `${operation} not supported for leveldb`,
      );
    });
  }

  handleGetHistoryForKey(key: string): Promise<HistoryQueryIterator> {
    return this.call('GET_HISTORY_FOR_KEY', '', async () => {
      const source = this.state.history(this.namespace, key)[Symbol.asyncIterator]();
      const id = this.open({
        pending: [],
        returned: 0,
        pull: async () => {
          const next = await source.next();
          return next.done ? undefined : encodeKeyModification(next.value);
        },
        close: async () => {
          await source.return?.();
        },
      });
      const response = await this.buildQueryResponse(id, false, TOTAL_QUERY_LIMIT);
      return new HistoryQueryIterator(this, this.channelId, this.txId, response);
    });
  }

  handleInvokeChaincode(chaincodeName: string): Promise<never> {
    return this.call('INVOKE_CHAINCODE', '', () => {
      throw new LedgerCallError(
        LedgerCallErrorCode.ChaincodeToChaincodeUnsupported,
        `cannot invoke chaincode '${chaincodeName}': chaincode-to-chaincode invocation is not supported by the embedded network`,
      );
    });
  }

  /** Runs one ledger call; failures reach the contract worded as a peer words them. */
  private async call<T>(type: string, collection: string, operation: () => T | Promise<T>): Promise<T> {
    try {
      if (this.finished) {
        throw new LedgerCallError(LedgerCallErrorCode.TransactionFinished, 'no ledger context');
      }
      if (collection !== '') refusePrivateData(collection);
      return await operation();
    } catch (error) {
      const code = error instanceof LedgerCallError ? error.code : LedgerCallErrorCode.StateReadFailed;
      const cause = error instanceof Error ? error.message : String(error);
      throw new LedgerCallError(code, `${type} failed: transaction ID: ${this.txId}: ${cause}`);
    }
  }

  private open(cursor: QueryCursor): string {
    const id = `${this.txId}-${this.nextCursorId++}`;
    this.cursors.set(id, cursor);
    return id;
  }

  private async cleanup(id: string): Promise<void> {
    const cursor = this.cursors.get(id);
    this.cursors.delete(id);
    await cursor?.close();
  }

  private rangeCursor(scan: RangeScan): QueryCursor {
    const namespace = this.namespace;
    return {
      pending: [],
      returned: 0,
      async pull() {
        const entry = await scan.next();
        if (!entry) return undefined;
        const kv = new shimProtos.ledger.queryresult.KV();
        kv.setNamespace(namespace);
        kv.setKey(entry.key);
        kv.setValue(entry.value);
        return kv.serializeBinary();
      },
      close: () => scan.close(),
      bookmarkAndClose: () => scan.bookmarkAndClose(),
    };
  }

  /** Fabric's QueryResponseGenerator.BuildQueryResponse: batches of MAX_RESULT_LIMIT, one page when paginated. */
  private async buildQueryResponse(
    id: string,
    paginated: boolean,
    totalReturnLimit: number,
  ): Promise<QueryResponse> {
    const cursor = this.cursors.get(id);
    if (!cursor) throw new LedgerCallError(LedgerCallErrorCode.UnknownIterator, 'query iterator not found');
    for (;;) {
      if (cursor.returned >= totalReturnLimit) return this.finishQuery(id, cursor, paginated);
      const result = await cursor.pull();
      if (result === undefined) return this.finishQuery(id, cursor, paginated);
      const entry = new shimProtos.peer.QueryResultBytes();
      entry.setResultbytes(result);
      if (!paginated && cursor.pending.length === MAX_RESULT_LIMIT) {
        const batch = cursor.pending.splice(0);
        cursor.pending.push(entry);
        cursor.returned++;
        return queryResponse(id, batch, true);
      }
      cursor.pending.push(entry);
      cursor.returned++;
    }
  }

  private async finishQuery(id: string, cursor: QueryCursor, paginated: boolean): Promise<QueryResponse> {
    const batch = cursor.pending.splice(0);
    this.cursors.delete(id);
    if (!paginated || !cursor.bookmarkAndClose) {
      await cursor.close();
      return queryResponse(id, batch, false);
    }
    const metadata = new shimProtos.peer.QueryResponseMetadata();
    metadata.setFetchedRecordsCount(cursor.returned);
    metadata.setBookmark(await cursor.bookmarkAndClose());
    const response = queryResponse(id, batch, false);
    response.setMetadata(metadata.serializeBinary());
    return response;
  }

  /** What fabric-shim's handler builds from a GetStateByRange reply. */
  private rangeReply(response: QueryResponse): RangeQueryReply {
    const iterator = new StateQueryIterator(this, this.channelId, this.txId, response);
    const metadataBytes = response.getMetadata_asU8();
    if (metadataBytes.length === 0) return { iterator };
    const metadata = shimProtos.peer.QueryResponseMetadata.deserializeBinary(metadataBytes);
    return {
      iterator,
      metadata: { bookmark: metadata.getBookmark(), fetchedRecordsCount: metadata.getFetchedRecordsCount() },
    };
  }
}

function refusePrivateData(collection: string): never {
  throw new LedgerCallError(
    LedgerCallErrorCode.PrivateDataUnsupported,
    `private data collection '${collection}' is not supported: the embedded network has no private data collections`,
  );
}

function queryResponse(id: string, results: QueryResultBytes[], hasMore: boolean): QueryResponse {
  const response = new shimProtos.peer.QueryResponse();
  response.setResultsList(results);
  response.setHasMore(hasMore);
  response.setId(id);
  return response;
}

function encodeKeyModification(modification: KeyModification): Uint8Array {
  const entry = new shimProtos.ledger.queryresult.KeyModification();
  entry.setTxId(modification.txId);
  entry.setValue(modification.value);
  entry.setIsDelete(modification.isDelete);
  const timestamp = new Timestamp();
  timestamp.setSeconds(modification.timestamp.seconds);
  timestamp.setNanos(modification.timestamp.nanos);
  entry.setTimestamp(timestamp);
  return entry.serializeBinary();
}
