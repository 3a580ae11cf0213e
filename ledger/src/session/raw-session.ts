/**
 * One identity's calls by transaction name and argument strings, through the pool: endorse, submit and wait for
 * commit, or evaluate; system chaincode queries (qscc); chaincode event streams. Every failure leaves as the
 * client's typed errors (ChaincodeCallError, LedgerClientError). The typed facade is built on it; tools and
 * conformance tests that must send arbitrary arguments use it through `connect()`.
 */
import type { ChaincodeEvent, CloseableAsyncIterable, Gateway } from '@hyperledger/fabric-gateway';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import { toLedgerFailure, validationCodeName } from '../client/failures';
import type { ConnectionProfile } from '../client/profile';
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

  /** Endorse, submit and wait for commit; throws ChaincodeCallError or LedgerClientError. */
  async submit(transactionName: string, options: TransactionOptions = {}): Promise<SubmitResult> {
    const profile = await this.pool.profile();
    // The proposal is built (and its transaction id fixed) once, so a retry on another peer is the same
    // transaction: if the first peer had forwarded it, the copy is refused as a duplicate, never applied twice.
    const proposal = await this.pool.run(this.signer, async (gateway) => ({
      gateway,
      value: contractOf(gateway, profile).newProposal(transactionName, {
        arguments: [...(options.arguments ?? [])],
        ...(options.transient ? { transientData: { ...options.transient } } : {}),
        ...(options.endorsingOrganizations
          ? { endorsingOrganizations: [...options.endorsingOrganizations] }
          : {}),
      }),
    }));
    const transactionId = proposal.value.getTransactionId();
    try {
      const transaction = await this.onPeer(
        proposal,
        (other) => other.newProposal(proposal.value.getBytes()),
        (current) => current.endorse(),
      );
      const submitted = await this.onPeer(
        transaction,
        (other) => other.newTransaction(transaction.value.getBytes()),
        (current) => current.submit(),
      );
      const status = await this.onPeer(
        submitted,
        (other) => other.newCommit(submitted.value.getBytes()),
        (current) => current.getStatus(),
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
      throw toLedgerFailure(error, transactionId);
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

  /** The chaincode's events after `after` (from the first block when absent); failures typed as the client's. */
  async chaincodeEvents(after?: EventPosition): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
    const profile = await this.pool.profile();
    let events: CloseableAsyncIterable<ChaincodeEvent>;
    try {
      events = await this.pool.stream(this.signer, (gateway) =>
        gateway.getNetwork(profile.channelName).getChaincodeEvents(profile.chaincodeName, {
          // fabric-gateway resumes after the checkpoint's transaction; without one, from the first block.
          checkpoint: {
            getBlockNumber: () => after?.blockNumber,
            getTransactionId: () => after?.transactionId,
          },
          startBlock: 0n,
        }),
      );
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

  /** The gateway this identity would use now, for fabric-gateway's own objects (networks, block events). */
  async gateway(): Promise<Gateway> {
    return this.pool.gateway(await this.pool.identity(this.signer));
  }

  private async query(chaincodeName: string, fcn: string, options: TransactionOptions): Promise<Uint8Array> {
    const profile = await this.pool.profile();
    let transactionId = '';
    try {
      return await this.pool.run(this.signer, (gateway) => {
        const proposal = gateway
          .getNetwork(profile.channelName)
          .getContract(chaincodeName)
          .newProposal(fcn, {
            arguments: [...(options.arguments ?? [])],
            ...(options.transient ? { transientData: { ...options.transient } } : {}),
          });
        transactionId = proposal.getTransactionId();
        return proposal.evaluate();
      });
    } catch (error) {
      throw toLedgerFailure(error, transactionId);
    }
  }

  /**
   * One step of a transaction on the peer in use: `made` (bound to the gateway it was made on) is used as is on
   * that peer; after a fail-over it is carried over to the new peer's gateway as bytes by `rebuild`.
   */
  private onPeer<Step, Result>(
    made: OnPeer<Step>,
    rebuild: (gateway: Gateway) => Step,
    run: (step: Step) => Promise<Result>,
  ): Promise<OnPeer<Result>> {
    return this.pool.run(this.signer, async (gateway) => ({
      gateway,
      value: await run(gateway === made.gateway ? made.value : rebuild(gateway)),
    }));
  }
}

function contractOf(gateway: Gateway, profile: ConnectionProfile) {
  return gateway.getNetwork(profile.channelName).getContract(profile.chaincodeName);
}
