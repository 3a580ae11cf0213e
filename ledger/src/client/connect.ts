/**
 * One identity's connection by transaction name and argument strings, with a pool of its own: for tools and the
 * network's conformance tests, which must be able to send any argument. Services keep one `LedgerClient` and call
 * through its typed sessions.
 */
import type { CloseableAsyncIterable, Gateway, Network } from '@hyperledger/fabric-gateway';
import type { common } from '@hyperledger/fabric-protos';
import type { Identity } from '../msp/identity';
import { ConnectionPool } from '../pool/pool';
import { RawSession } from '../session/raw-session';
import type { SubmitResult, TransactionOptions } from '../session/raw-session';
import { readLedgerClientConfig } from './config';
import type { LedgerClientConfig } from './config';
import type { ConnectionProfile } from './profile';

export interface ConnectOptions {
  /** Who signs: an enrolment certificate and its private key. */
  readonly identity: Identity;
  /** Default: `readLedgerClientConfig()` (environment). */
  readonly config?: LedgerClientConfig;
  /** A profile already at hand; otherwise read from `config.profilePath`. */
  readonly profile?: ConnectionProfile;
}

/** A signed-in connection to the channel's chaincode through a Fabric gateway peer. */
export interface LedgerConnection {
  readonly profile: ConnectionProfile;
  readonly mspId: string;
  /** Endorse, submit and wait for commit; throws ChaincodeCallError or LedgerClientError. */
  submit(transactionName: string, options?: TransactionOptions): Promise<SubmitResult>;
  /** Run on one peer without committing; throws ChaincodeCallError or LedgerClientError. */
  evaluate(transactionName: string, options?: TransactionOptions): Promise<Uint8Array>;
  /** Committed blocks from `startBlock` on (Deliver), through the fail-over policy like every call above. */
  blockEvents(startBlock: bigint): Promise<CloseableAsyncIterable<common.Block>>;
  /**
   * fabric-gateway's own Network on the peer in use now, for conformance tests of what the helpers do not cover.
   * Outside the fail-over policy (its calls are not watched, retried or moved): services never use it.
   */
  network(): Network;
  /** fabric-gateway's Gateway on the peer in use now; outside the fail-over policy, as `network()`. */
  gateway(): Gateway;
  close(): void;
}

/**
 * Connects `identity` per configuration. Throws LedgerClientError(LEDGER_CLIENT_CONFIG_INVALID) when the
 * configuration, the profile or the identity's key is unusable.
 */
export async function connect(options: ConnectOptions): Promise<LedgerConnection> {
  const pool = new ConnectionPool({
    config: options.config ?? readLedgerClientConfig(),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  try {
    const profile = await pool.profile();
    const identity = await pool.identity(options.identity);
    const session = new RawSession(pool, options.identity);
    return {
      profile,
      mspId: options.identity.mspId,
      submit: (name, transaction) => session.submit(name, transaction),
      evaluate: (name, transaction) => session.evaluate(name, transaction),
      blockEvents: (startBlock) => session.blockEvents(startBlock),
      network: () => pool.gatewayNow(identity).getNetwork(profile.channelName),
      gateway: () => pool.gatewayNow(identity),
      close: () => pool.close(),
    };
  } catch (error) {
    pool.close();
    throw error;
  }
}
