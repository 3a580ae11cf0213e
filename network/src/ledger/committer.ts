import { randomBytes } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { BlockStore } from './block-store';
import { createBlock, sealBlock } from './blocks';
import { commitHashOf, lastConfigOf, parseChaincodeActions, parseEnvelopeHeader } from '@custodia/ledger';
import type { BlockSigner } from './blocks';
import { nextCommitHash, updateBatchBytes } from './commit-hash';
import { LedgerError, LedgerErrorCode } from './errors';
import { prefetchReads } from './prefetched-state';
import type { AppliedTransaction, StateDb } from './state-db';
import type {
  ChaincodeActionInfo,
  ChaincodeEventInfo,
  EnvelopeHeader,
  HeaderType,
  ParsedTransaction,
} from '@custodia/ledger';
import { collectUpdates } from './updates';
import { validateBlock } from './validator';
import type { TxValidationCode } from './validator';

/** When the orderer cuts a block: after this many transactions, or this long after the first one waited (see schedule). */
export interface BatchOptions {
  readonly maxMessageCount: number;
  readonly timeoutMs: number;
}

export const DEFAULT_BATCH: BatchOptions = { maxMessageCount: 500, timeoutMs: 20 };

/**
 * The caller's checks before MVCC, run when a transaction is submitted (off the serial commit path):
 * creator signature, endorsement policy… Anything but VALID is the transaction's final code.
 */
export type Precheck = (transaction: ParsedTransaction) => TxValidationCode | Promise<TxValidationCode>;

export interface CommitterOptions {
  readonly channelId: string;
  readonly blocks: BlockStore;
  readonly state: StateDb;
  readonly batch?: Partial<BatchOptions>;
  /** The orderer identity that signs each block; unsigned blocks without it. */
  readonly signer?: BlockSigner;
  readonly precheck?: Precheck;
}

export interface CommittedTransaction {
  readonly txId: string;
  readonly txIndex: number;
  readonly type: HeaderType;
  readonly validationCode: TxValidationCode;
  readonly chaincodeName?: string;
  /** The chaincode event the transaction set, whatever its validation code (listeners filter). */
  readonly event?: ChaincodeEventInfo;
}

/** A block that is durable, indexed and applied to state. */
export interface CommittedBlock {
  readonly number: number;
  readonly block: common.Block;
  readonly transactions: readonly CommittedTransaction[];
}

export interface TransactionStatus {
  readonly txId: string;
  readonly validationCode: TxValidationCode;
  readonly blockNumber: number;
}

export type BlockListener = (committed: CommittedBlock) => void;

interface PendingTransaction {
  readonly header: EnvelopeHeader;
  readonly actions: readonly ChaincodeActionInfo[];
  readonly precheck: TxValidationCode;
}

interface Waiter {
  resolve(status: TransactionStatus): void;
  reject(error: unknown): void;
}

const { VALID, UNKNOWN_TX_TYPE, INVALID_ENDORSER_TRANSACTION } = peer.TxValidationCode;
const NONCE_BYTES = 24;

function rwsetsOf(transaction: PendingTransaction): ChaincodeActionInfo['rwsets'] {
  return transaction.actions.flatMap((action) => action.rwsets);
}

/**
 * The embedded network's orderer and committing peer in one: queues endorsed envelopes, cuts a block
 * by count or timeout, validates it (MVCC), makes it durable in the block store, applies its state, then
 * reports commit statuses and block events. One block is in flight at a time; transactions submitted
 * meanwhile form the next block, which is what makes large blocks (and throughput) under load.
 */
export class Committer {
  private readonly batch: BatchOptions;
  private readonly pending: PendingTransaction[] = [];
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** Ids submitted but not yet committed: their status comes from announce, no index lookup needed. */
  private readonly queued = new Set<string>();
  private readonly listeners = new Set<BlockListener>();
  private timer: NodeJS.Timeout | undefined;
  /** When the last block was cut (performance.now()). */
  private lastCut = Number.NEGATIVE_INFINITY;
  private due = false;
  private inFlight: Promise<void> | undefined;
  private failure: LedgerError | undefined;
  private closed = false;

  private constructor(
    private readonly options: CommitterOptions,
    private commitHash: Uint8Array,
    private readonly lastConfig: number,
  ) {
    this.batch = { ...DEFAULT_BATCH, ...options.batch };
  }

  /** Starts over a block store that holds at least the genesis block and a state that is caught up. */
  static async start(options: CommitterOptions): Promise<Committer> {
    const last = await options.blocks.getBlock(options.blocks.height - 1);
    return new Committer(options, commitHashOf(last), lastConfigOf(last));
  }

  /**
   * Accepts an endorsed transaction envelope for ordering (Fabric's Broadcast): resolves once it is
   * queued. Refuses bytes that are not a transaction envelope of this channel; a transaction whose body
   * is unusable is still ordered, and committed as invalid, as Fabric does.
   */
  async submit(envelope: Uint8Array): Promise<void> {
    this.assertOpen();
    const header = parseEnvelopeHeader(envelope);
    if (header.channelId !== this.options.channelId) {
      throw new LedgerError(LedgerErrorCode.ChannelMismatch, 'transaction is for another channel');
    }
    let actions: ChaincodeActionInfo[] = [];
    let precheck: TxValidationCode = VALID;
    if (header.type !== common.HeaderType.ENDORSER_TRANSACTION) {
      precheck = UNKNOWN_TX_TYPE;
    } else {
      try {
        actions = parseChaincodeActions(header);
      } catch {
        precheck = INVALID_ENDORSER_TRANSACTION;
      }
    }
    if (precheck === VALID && this.options.precheck) {
      precheck = await this.options.precheck({ ...header, actions });
    }
    this.assertOpen();
    this.queued.add(header.txId);
    this.pending.push({ header, actions, precheck });
    this.schedule();
  }

  /**
   * The validation code and block of a transaction; waits for it to commit if it has not yet (as the
   * Gateway's CommitStatus does). Abort with `signal` to stop waiting.
   */
  commitStatus(txId: string, signal?: AbortSignal): Promise<TransactionStatus> {
    return new Promise<TransactionStatus>((resolve, reject) => {
      let waiters = this.waiters.get(txId);
      if (!waiters) {
        waiters = new Set();
        this.waiters.set(txId, waiters);
      }
      const waiter: Waiter = {
        resolve: (status) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(status);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = (): void => {
        this.removeWaiter(txId, waiter);
        reject(signal?.reason);
      };
      if (signal?.aborted) return reject(signal.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.add(waiter);
      // Registered before looking, so a commit landing during the lookup still reaches this waiter.
      if (!this.queued.has(txId)) this.resolveFromIndex(txId, [waiter]);
    });
  }

  /** Answers waiters of a transaction the index already holds; leaves them waiting if it does not. */
  private resolveFromIndex(txId: string, waiters: readonly Waiter[]): void {
    this.options.blocks.getTransactionLocation(txId).then(
      (location) => {
        if (!location) return;
        for (const waiter of waiters) {
          if (!this.removeWaiter(txId, waiter)) continue;
          waiter.resolve({
            txId,
            validationCode: location.validationCode as TxValidationCode,
            blockNumber: location.blockNumber,
          });
        }
      },
      (error: unknown) => waiters.forEach((waiter) => waiter.reject(error)),
    );
  }

  private removeWaiter(txId: string, waiter: Waiter): boolean {
    const waiters = this.waiters.get(txId);
    const removed = waiters?.delete(waiter) ?? false;
    if (waiters?.size === 0) this.waiters.delete(txId);
    return removed;
  }

  /** Called with every block once it is committed; returns the unsubscribe function. */
  onBlock(listener: BlockListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cuts whatever is pending now and resolves when everything submitted so far is committed. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.inFlight) {
      this.due = true;
      this.kick();
      await this.inFlight;
    }
    if (this.failure) throw this.failure;
  }

  /** Commits what is pending, then refuses new work; waiters for unknown transactions are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.timer);
      this.timer = undefined;
      const error = new LedgerError(LedgerErrorCode.Closed, 'ledger closed');
      for (const waiters of this.waiters.values()) for (const waiter of waiters) waiter.reject(error);
      this.waiters.clear();
    }
  }

  private assertOpen(): void {
    if (this.failure) throw this.failure;
    if (this.closed) throw new LedgerError(LedgerErrorCode.Closed, 'ledger closed');
  }

  /**
   * A block is cut when it holds maxMessageCount transactions, or timeoutMs after its first transaction arrived —
   * unless that transaction found the orderer quiet (no block cut for timeoutMs): then nothing is gained by waiting,
   * and it is cut at once. Under load blocks are cut as Fabric's block cutter cuts them; a lone transaction is not
   * kept waiting the whole timeout for others that are not coming.
   */
  private schedule(): void {
    if (this.pending.length >= this.batch.maxMessageCount) {
      this.due = true;
    } else if (!this.timer && this.pending.length > 0 && !this.due) {
      if (performance.now() - this.lastCut >= this.batch.timeoutMs) this.due = true;
      else
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.due = true;
          this.kick();
        }, this.batch.timeoutMs);
    }
    this.kick();
  }

  private kick(): void {
    if (this.inFlight || !this.due || this.pending.length === 0 || this.failure) return;
    const transactions = this.pending.splice(0, this.batch.maxMessageCount);
    this.lastCut = performance.now();
    this.due = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight = this.commitBlock(transactions)
      .catch((error: unknown) => this.fail(transactions, error))
      .finally(() => {
        this.inFlight = undefined;
        this.schedule();
      });
  }

  private fail(transactions: readonly PendingTransaction[], cause: unknown): void {
    this.failure = new LedgerError(
      LedgerErrorCode.CommitFailed,
      `committing a block failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    for (const transaction of [...transactions, ...this.pending.splice(0)]) {
      this.queued.delete(transaction.header.txId);
      const waiters = this.waiters.get(transaction.header.txId);
      this.waiters.delete(transaction.header.txId);
      for (const waiter of waiters ?? []) waiter.reject(this.failure);
    }
  }

  private async commitBlock(transactions: readonly PendingTransaction[]): Promise<void> {
    const { blocks, state, signer } = this.options;
    const number = blocks.height;
    const txIds = transactions.map((transaction) => transaction.header.txId);

    const [committedTxIds, reader] = await Promise.all([
      blocks.knownTxIds(txIds),
      prefetchReads(
        state,
        transactions.filter((transaction) => transaction.precheck === VALID).flatMap(rwsetsOf),
      ),
    ]);
    const codes = await validateBlock(
      number,
      transactions.map((transaction) => ({
        txId: transaction.header.txId,
        precheck: transaction.precheck,
        rwsets: rwsetsOf(transaction),
      })),
      reader,
      committedTxIds,
    );
    const validationCodes = Uint8Array.from(codes);
    const applied: AppliedTransaction[] = [];
    transactions.forEach((transaction, txNum) => {
      if (codes[txNum] !== VALID) return;
      applied.push({
        txNum,
        txId: transaction.header.txId,
        timestamp: transaction.header.timestamp,
        rwsets: rwsetsOf(transaction),
      });
    });
    const commitHash = nextCommitHash(
      this.commitHash,
      validationCodes,
      updateBatchBytes(collectUpdates(number, applied)),
    );

    const block = createBlock(
      number,
      blocks.info().currentBlockHash,
      transactions.map((transaction) => transaction.header.bytes),
    );
    sealBlock(block, {
      lastConfig: this.lastConfig,
      validationCodes,
      commitHash,
      ...(signer && { signature: { signer, nonce: randomBytes(NONCE_BYTES) } }),
    });
    // Durable block first, then state: a crash in between is repaired by replaying the block at open.
    await blocks.append(block, txIds);
    await state.applyBlock(number, applied);
    this.commitHash = commitHash;
    this.announce(number, block, transactions, codes);
  }

  private announce(
    number: number,
    block: common.Block,
    transactions: readonly PendingTransaction[],
    codes: readonly TxValidationCode[],
  ): void {
    const committed = transactions.map((transaction, txIndex): CommittedTransaction => {
      const action = transaction.actions[0];
      return {
        txId: transaction.header.txId,
        txIndex,
        type: transaction.header.type,
        validationCode: codes[txIndex] ?? VALID,
        ...(action && { chaincodeName: action.chaincodeName }),
        ...(action?.event && { event: action.event }),
      };
    });
    for (const transaction of committed) this.queued.delete(transaction.txId);
    for (const transaction of committed) {
      const waiters = this.waiters.get(transaction.txId);
      if (!waiters) continue;
      // A duplicate does not own its id: the status is its first occurrence's, as the index holds it.
      if (transaction.validationCode === peer.TxValidationCode.DUPLICATE_TXID) {
        this.resolveFromIndex(transaction.txId, [...waiters]);
        continue;
      }
      this.waiters.delete(transaction.txId);
      const status = {
        txId: transaction.txId,
        validationCode: transaction.validationCode,
        blockNumber: number,
      };
      for (const waiter of waiters) waiter.resolve(status);
    }
    const event: CommittedBlock = { number, block, transactions: committed };
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure is its own; it must not stop commits or other listeners.
      }
    }
  }
}
