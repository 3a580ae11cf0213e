/**
 * One identity's calls by transaction name and argument strings, through the pool and its fail-over policy:
 * endorse, submit and wait for commit, or evaluate; system chaincode queries (qscc); chaincode and block event
 * streams. Every failure leaves as the client's typed errors (ChaincodeCallError, LedgerClientError). The typed
 * facade is built on it; tools and conformance tests that must send arbitrary arguments use it through `connect()`.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { CallOptions } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { ChaincodeEvent, CloseableAsyncIterable, Gateway } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos } from '@hyperledger/fabric-protos';
import type { common } from '@hyperledger/fabric-protos';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import { toLedgerFailure, validationCodeName } from '../client/failures';
import type { ConnectionProfile } from '../client/profile';
import { CallFailure } from '../pool/failure-cause';
import type { CallStep } from '../pool/failure-cause';
import type { Signer } from '../pool/identities';
import type { ConnectionPool } from '../pool/pool';

export interface TransactionOptions {
  readonly arguments?: readonly string[];
  /** Private inputs, not written to the ledger (e.g. a record's content hash before registration). */
  readonly transient?: Readonly<Record<string, string | Uint8Array>>;
  /** Organisations whose peers must endorse; default: the gateway peer decides. */
  readonly endorsingOrganizations?: readonly string[];
}

export interface SubmitResult {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** What the transaction function returned. */
  readonly payload: Uint8Array;
}

/** Where an event stream resumes: after this transaction (from the first block when absent). */
export interface EventPosition {
  readonly blockNumber: bigint;
  readonly transactionId: string;
}

/** A value together with the gateway (peer) it was made on. */
interface OnPeer<T> {
  readonly gateway: Gateway;
  readonly value: T;
}

export class RawSession {
  constructor(
    private readonly pool: ConnectionPool,
    private readonly signer: Signer,
  ) {}

  profile(): Promise<ConnectionProfile> {
    return this.pool.profile();
  }

  /**
   * Endorse, submit and wait for commit; throws ChaincodeCallError or LedgerClientError. A transaction committed
   * as an MVCC read conflict (another transaction changed what it read) is simulated again — a new proposal on the
   * new state — up to the policy's number of times: it changed nothing, so trying again applies it at most once.
   */
  async submit(transactionName: string, options: TransactionOptions = {}): Promise<SubmitResult> {
    const retries = this.pool.config.failover.conflictRetries;
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.submitOnce(transactionName, options);
      } catch (error) {
        if (attempt >= retries || !isReadConflict(error)) throw error;
        // Spread the retries of transactions that met the same conflict.
        await sleep(25 * 2 ** attempt * (1 + Math.random()));
      }
    }
  }

  /** Run on one peer without committing; throws ChaincodeCallError or LedgerClientError. */
  async evaluate(transactionName: string, options: TransactionOptions = {}): Promise<Uint8Array> {
    const profile = await this.pool.profile();
    return this.query(profile.chaincodeName, transactionName, options);
  }

  /** A query of a system chaincode (e.g. qscc), with the channel name as its first argument. */
  async querySystem(chaincodeName: string, fcn: string, ...args: string[]): Promise<Uint8Array> {
    const profile = await this.pool.profile();
    return this.query(chaincodeName, fcn, { arguments: [profile.channelName, ...args] });
  }

  /**
   * The chaincode's events after `after` (from the first block when absent); failures typed as the client's.
   * The stream fails (LEDGER_UNAVAILABLE) when its peer goes down or hangs; the reader reopens it from its last
   * event, and the pool opens it on the next peer.
   */
  async chaincodeEvents(after?: EventPosition): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const profile = await this.pool.profile();
    return this.typedStream(() =>
      this.pool.stream(this.signer, (gateway, options) =>
        gateway
          .getNetwork(profile.channelName)
          .newChaincodeEventsRequest(profile.chaincodeName, {
            // fabric-gateway resumes after the checkpoint's transaction; without one, from the first block.
            checkpoint: {
              getBlockNumber: () => after?.blockNumber,
              getTransactionId: () => after?.transactionId,
            },
            startBlock: 0n,
          })
          .getEvents(options),
      ),
    );
  }

  /** Committed blocks from `startBlock` on (Deliver), through the same policy as every other call. */
  async blockEvents(startBlock: bigint): Promise<CloseableAsyncIterable<common.Block>> {
    const profile = await this.pool.profile();
    return this.typedStream(() =>
      this.pool.stream(this.signer, (gateway, options) =>
        gateway.getNetwork(profile.channelName).newBlockEventsRequest({ startBlock }).getEvents(options),
      ),
    );
  }

  /** The gateway this identity would use now, for fabric-gateway's own objects (no fail-over: tools only). */
  async gateway(): Promise<Gateway> {
    return this.pool.gateway(await this.pool.identity(this.signer));
  }

  private async submitOnce(transactionName: string, options: TransactionOptions): Promise<SubmitResult> {
    const profile = await this.pool.profile();
    // The proposal is built (and its transaction id fixed) once, so a retry on another peer is the same
    // transaction: if the first peer had forwarded it, the copy is refused as a duplicate, never applied twice.
    const gateway = await this.gateway();
    const proposal: OnPeer<Proposal> = {
      gateway,
      value: contractOf(gateway, profile).newProposal(transactionName, {
        arguments: [...(options.arguments ?? [])],
        ...(options.transient ? { transientData: { ...options.transient } } : {}),
        ...(options.endorsingOrganizations
          ? { endorsingOrganizations: [...options.endorsingOrganizations] }
          : {}),
      }),
    };
    const transactionId = proposal.value.getTransactionId();
    const ordering: Ordering = { mayBeOrdered: false };
    try {
      // Endorsed where the policy routes it: on another peer, or towards other endorsers, the same signed
      // proposal (the endorsers are named beside the signature, not under it).
      const transaction = await this.pool.run(this.signer, 'endorse', async (gateway, call, route) => {
        const endorsers = options.endorsingOrganizations ?? route.endorsers;
        const current =
          gateway === proposal.gateway && endorsers === options.endorsingOrganizations
            ? proposal.value
            : gateway.newProposal(withEndorsers(proposal.value.getBytes(), endorsers));
        return { gateway, value: await current.endorse(call) };
      });
      const submitted = await this.submitUntilTaken(transaction, ordering);
      const status = await this.onPeer(
        'commitStatus',
        submitted,
        (other) => other.newCommit(submitted.value.getBytes()),
        (current, call) => current.getStatus(call),
      );
      if (!status.value.successful) {
        const validationCode = validationCodeName(status.value.code);
        throw new LedgerClientError(
          LedgerClientErrorCode.TransactionInvalid,
          `transaction ${transactionId} was not committed: ${validationCode}`,
          { transactionId, validationCode },
        );
      }
      return { transactionId, blockNumber: status.value.blockNumber, payload: transaction.value.getResult() };
    } catch (error) {
      throw toLedgerFailure(error, transactionId, { mayBeOrdered: ordering.mayBeOrdered });
    }
  }

  /**
   * Submits the endorsed transaction; while the ordering service takes nothing (the peer answers, its orderers do
   * not), the same signed transaction is submitted again — never re-endorsed into a second transaction — with a
   * backoff capped at 1 s, so it goes through within a second of the orderers' return, until the policy's
   * `ordererRetry` runs out.
   */
  private async submitUntilTaken(
    transaction: OnPeer<Transaction>,
    ordering: Ordering,
  ): Promise<OnPeer<SubmittedTransaction>> {
    const budget = this.pool.config.failover.ordererRetry;
    const started = Date.now();
    let pause = 250;
    for (;;) {
      try {
        const submitted = await this.onPeer(
          'submit',
          transaction,
          (other) => other.newTransaction(transaction.value.getBytes()),
          (current, call) => current.submit(call),
        );
        ordering.mayBeOrdered = true;
        return submitted;
      } catch (error) {
        // An orderer that answered "no" did not order it; a peer or orderer that did not answer at all might have.
        if (!refusedByOrderers(error)) ordering.mayBeOrdered ||= error instanceof CallFailure;
        const ordererOutage = error instanceof CallFailure && error.by === 'orderers';
        if (!ordererOutage || Date.now() - started + pause > budget) throw error;
        await sleep(pause);
        pause = Math.min(pause * 2, 1_000);
      }
    }
  }

  private async query(chaincodeName: string, fcn: string, options: TransactionOptions): Promise<Uint8Array> {
    const profile = await this.pool.profile();
    let transactionId = '';
    try {
      return await this.pool.run(this.signer, 'evaluate', (gateway, call) => {
        const proposal = gateway
          .getNetwork(profile.channelName)
          .getContract(chaincodeName)
          .newProposal(fcn, {
            arguments: [...(options.arguments ?? [])],
            ...(options.transient ? { transientData: { ...options.transient } } : {}),
          });
        transactionId = proposal.getTransactionId();
        return proposal.evaluate(call);
      });
    } catch (error) {
      throw toLedgerFailure(error, transactionId);
    }
  }

  /** An event stream whose opening and reading fail with the client's typed errors. */
  private async typedStream<E>(
    open: () => Promise<CloseableAsyncIterable<E>>,
  ): Promise<CloseableAsyncIterable<E>> {
    let events: CloseableAsyncIterable<E>;
    try {
      events = await open();
    } catch (error) {
      throw toLedgerFailure(error, '');
    }
    return {
      async *[Symbol.asyncIterator]() {
        try {
          yield* events;
        } catch (error) {
          throw toLedgerFailure(error, '');
        }
      },
      close: () => events.close(),
      [Symbol.dispose]: () => events.close(),
    };
  }

  /**
   * One step of a transaction under the policy: `made` (bound to the gateway it was made on) is used as is on that
   * peer; on any other peer it is carried over as bytes by `rebuild` — the same signed proposal, transaction or
   * commit-status request, never a new one.
   */
  private onPeer<Step, Result>(
    step: CallStep,
    made: OnPeer<Step>,
    rebuild: (gateway: Gateway) => Step,
    run: (step: Step, call: CallOptions) => Promise<Result>,
  ): Promise<OnPeer<Result>> {
    return this.pool.run(this.signer, step, async (gateway, call) => ({
      gateway,
      value: await run(gateway === made.gateway ? made.value : rebuild(gateway), call),
    }));
  }
}

type Proposal = ReturnType<ReturnType<typeof contractOf>['newProposal']>;
type Transaction = Awaited<ReturnType<Proposal['endorse']>>;
type SubmittedTransaction = Awaited<ReturnType<Transaction['submit']>>;

/** Whether the transaction may have reached the ordering service (then a failure's outcome is unknown). */
interface Ordering {
  mayBeOrdered: boolean;
}

/** A serialized proposal (fabric-gateway's ProposedTransaction) naming `endorsers` (none: the peer chooses). */
function withEndorsers(bytes: Uint8Array, endorsers: readonly string[] | undefined): Uint8Array {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(bytes);
  proposed.setEndorsingOrganizationsList([...(endorsers ?? [])]);
  return proposed.serializeBinary();
}

function contractOf(gateway: Gateway, profile: ConnectionProfile) {
  return gateway.getNetwork(profile.channelName).getContract(profile.chaincodeName);
}

/** Fabric's gateway answered that no orderer took the transaction (UNAVAILABLE from a peer that answers). */
function refusedByOrderers(error: unknown): boolean {
  return (
    error instanceof CallFailure &&
    error.by === 'orderers' &&
    error.last instanceof GatewayError &&
    error.last.code === GrpcStatus.UNAVAILABLE
  );
}

function isReadConflict(error: unknown): boolean {
  return (
    error instanceof LedgerClientError &&
    error.code === LedgerClientErrorCode.TransactionInvalid &&
    (error.details.validationCode === 'MVCC_READ_CONFLICT' ||
      error.details.validationCode === 'PHANTOM_READ_CONFLICT')
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
