import { createPrivateKey } from 'node:crypto';
import { hash } from '@hyperledger/fabric-gateway';
import type { CallOptions } from '@grpc/grpc-js';
import type { Gateway, Network } from '@hyperledger/fabric-gateway';
import type { Identity } from '../msp';
import { sign } from '../msp';
import { readLedgerClientConfig } from './config';
import type { LedgerClientConfig } from './config';
import { LedgerClientError, LedgerClientErrorCode } from './errors';
import { toLedgerFailure, validationCodeName } from './failures';
import { PeerPool } from './peer-pool';
import { readConnectionProfile } from './profile';
import type { ConnectionProfile } from './profile';

export interface ConnectOptions {
  /** Who signs: an enrolment certificate and its private key. */
  readonly identity: Identity;
  /** Default: `readLedgerClientConfig()` (environment). */
  readonly config?: LedgerClientConfig;
  /** A profile already at hand; otherwise read from `config.profilePath`. */
  readonly profile?: ConnectionProfile;
}

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

/** A signed-in connection to the channel's chaincode through a Fabric gateway peer. */
export interface LedgerConnection {
  readonly profile: ConnectionProfile;
  readonly mspId: string;
  /** Endorse, submit and wait for commit; throws ChaincodeCallError or LedgerClientError. */
  submit(transactionName: string, options?: TransactionOptions): Promise<SubmitResult>;
  /** Run on one peer without committing; throws ChaincodeCallError or LedgerClientError. */
  evaluate(transactionName: string, options?: TransactionOptions): Promise<Uint8Array>;
  /** The channel on the peer in use now, for event streams and anything the helpers do not cover. */
  network(): Network;
  /** The fabric-gateway Gateway on the peer in use now. */
  gateway(): Gateway;
  close(): void;
}

/** A value together with the gateway (peer connection) it belongs to. */
interface OnPeer<T> {
  readonly gateway: Gateway;
  readonly value: T;
}

function deadline(milliseconds: number): () => CallOptions {
  return () => ({ deadline: Date.now() + milliseconds });
}

class Connection implements LedgerConnection {
  readonly mspId: string;

  constructor(
    readonly profile: ConnectionProfile,
    identity: Identity,
    private readonly peers: PeerPool,
  ) {
    this.mspId = identity.mspId;
  }

  async submit(transactionName: string, options: TransactionOptions = {}): Promise<SubmitResult> {
    // The proposal is built (and its transaction id fixed) once, so a retry on another peer is the same
    // transaction: if the first peer had forwarded it, the copy is refused as a duplicate, never applied twice.
    const gateway = this.peers.current();
    const proposal = this.contract(gateway).newProposal(transactionName, {
      arguments: [...(options.arguments ?? [])],
      ...(options.transient ? { transientData: { ...options.transient } } : {}),
      ...(options.endorsingOrganizations
        ? { endorsingOrganizations: [...options.endorsingOrganizations] }
        : {}),
    });
    const transactionId = proposal.getTransactionId();
    try {
      const transaction = await this.onPeer(
        { gateway, value: proposal },
        (other) => other.newProposal(proposal.getBytes()),
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

  async evaluate(transactionName: string, options: TransactionOptions = {}): Promise<Uint8Array> {
    const gateway = this.peers.current();
    const proposal = this.contract(gateway).newProposal(transactionName, {
      arguments: [...(options.arguments ?? [])],
      ...(options.transient ? { transientData: { ...options.transient } } : {}),
    });
    try {
      const result = await this.onPeer(
        { gateway, value: proposal },
        (other) => other.newProposal(proposal.getBytes()),
        (current) => current.evaluate(),
      );
      return result.value;
    } catch (error) {
      throw toLedgerFailure(error, proposal.getTransactionId());
    }
  }

  /**
   * One step of a transaction on the peer in use: `made` (bound to the gateway it was made on) is used as is on
   * that peer; after a failover it is carried over to the new peer's gateway as bytes by `rebuild`.
   */
  private async onPeer<Step, Result>(
    made: OnPeer<Step>,
    rebuild: (gateway: Gateway) => Step,
    run: (step: Step) => Promise<Result>,
  ): Promise<OnPeer<Result>> {
    return this.peers.use(async (gateway) => ({
      gateway,
      value: await run(gateway === made.gateway ? made.value : rebuild(gateway)),
    }));
  }

  network(): Network {
    return this.peers.current().getNetwork(this.profile.channelName);
  }

  gateway(): Gateway {
    return this.peers.current();
  }

  close(): void {
    this.peers.close();
  }

  private contract(gateway: Gateway) {
    return gateway.getNetwork(this.profile.channelName).getContract(this.profile.chaincodeName);
  }
}

/**
 * The one way Custodia reaches the ledger: a fabric-gateway connection (gRPC over TLS, the caller's identity, a
 * node:crypto ECDSA signer) to the embedded network or a Fabric network, per configuration. Throws
 * LedgerClientError(LEDGER_CLIENT_CONFIG_INVALID) when the configuration or the profile is unusable.
 */
export async function connect(options: ConnectOptions): Promise<LedgerConnection> {
  const config = options.config ?? readLedgerClientConfig();
  const profile = options.profile ?? (await readConnectionProfile(config.profilePath));
  let privateKey;
  try {
    privateKey = createPrivateKey(options.identity.privateKey);
  } catch {
    throw new LedgerClientError(
      LedgerClientErrorCode.InvalidConfig,
      'identity private key is not a PEM private key',
    );
  }
  const peers = new PeerPool(profile.peers, {
    identity: { mspId: options.identity.mspId, credentials: Buffer.from(options.identity.certificate) },
    // Sign the whole message with node:crypto (OpenSSL), low-S as Fabric requires; hashing is part of signing.
    hash: hash.none,
    signer: (message) => Promise.resolve(sign(privateKey, message)),
    evaluateOptions: deadline(config.timeouts.evaluate),
    endorseOptions: deadline(config.timeouts.endorse),
    submitOptions: deadline(config.timeouts.submit),
    commitStatusOptions: deadline(config.timeouts.commitStatus),
  });
  return new Connection(profile, options.identity, peers);
}
