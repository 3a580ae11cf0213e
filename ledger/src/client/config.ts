import { join, resolve } from 'node:path';
import { LedgerClientError, LedgerClientErrorCode } from './errors';

export type NetworkKind = 'embedded' | 'fabric';

/** How the ledger client finds the network; read once from the environment. */
export interface LedgerClientConfig {
  readonly network: NetworkKind;
  /** The connection profile: the embedded network writes `<data dir>/connection.json`; Fabric needs a file. */
  readonly profilePath: string;
  /**
   * Deadlines (ms) per gateway call. Endorse and submit outlast the gateway peer's own endorsement and broadcast
   * timeouts (Fabric's defaults: 30 s each), so the peer can try other endorsers and orderers before we give up.
   */
  readonly timeouts: {
    readonly evaluate: number;
    readonly endorse: number;
    readonly submit: number;
    readonly commitStatus: number;
  };
  /** The fail-over policy's numbers (see `pool/policy.ts` and the README). */
  readonly failover: {
    /** A peer with calls outstanding and no answer for this long (ms) is probed. */
    readonly probeAfter: number;
    /** The probe's deadline (ms): a peer that does not answer it is hung and left. */
    readonly probeTimeout: number;
    /** A peer found down or hung is skipped this long (ms) while another answers. */
    readonly breakFor: number;
    /** How long (ms) a transaction the ordering service did not take is submitted again (the same signed copy). */
    readonly ordererRetry: number;
    /** Times a transaction committed as an MVCC read conflict is simulated again (a new proposal). */
    readonly conflictRetries: number;
    /** gRPC keepalive ping interval (ms); a Fabric peer refuses pings more frequent than its minInterval (60 s). */
    readonly keepalive: number;
    /** How long (ms) a keepalive ping may go unanswered before the connection is dropped. */
    readonly keepaliveTimeout: number;
    /** A channel with no call for this long (ms) closes its connection (reopened on the next call). */
    readonly channelIdle: number;
  };
  /** The per-identity gateways one client keeps (its channels are one per peer, whatever the identities). */
  readonly pool: {
    /** Identities kept ready at most; the least recently used is dropped beyond it. */
    readonly maxIdentities: number;
    /** An identity unused this long (ms) is dropped. */
    readonly idleMs: number;
  };
}

/** Default data directory of the embedded network, relative to the working directory. */
export const DEFAULT_NETWORK_DIR = '.custodia/network';
export const CONNECTION_PROFILE_FILE = 'connection.json';

function integerAtLeast(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  minimum: number,
  unit = 'milliseconds',
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new LedgerClientError(
      LedgerClientErrorCode.InvalidConfig,
      minimum === 1
        ? `${name} must be a positive integer (${unit})`
        : `${name} must be an integer of at least ${minimum} (${unit})`,
    );
  }
  return value;
}

function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number, unit?: string): number {
  return integerAtLeast(env, name, fallback, 1, unit);
}

/** Fabric's peer.keepalive.minInterval default: a client pinging more often is sent GOAWAY (too_many_pings). */
export const PEER_KEEPALIVE_MIN_INTERVAL_MS = 60_000;

/**
 * Reads CUSTODIA_NETWORK (embedded | fabric, default embedded), CUSTODIA_NETWORK_DIR (embedded data directory,
 * default .custodia/network), CUSTODIA_CONNECTION_FILE (required for fabric), the CUSTODIA_LEDGER_*_TIMEOUT_MS
 * deadlines, the pool's CUSTODIA_LEDGER_MAX_IDENTITIES (500) and CUSTODIA_LEDGER_IDLE_MS (300000) and the
 * fail-over policy's variables (README). Throws LedgerClientError(LEDGER_CLIENT_CONFIG_INVALID).
 */
export function readLedgerClientConfig(env: NodeJS.ProcessEnv = process.env): LedgerClientConfig {
  const network =
    env.CUSTODIA_NETWORK === undefined || env.CUSTODIA_NETWORK === '' ? 'embedded' : env.CUSTODIA_NETWORK;
  if (network !== 'embedded' && network !== 'fabric') {
    throw new LedgerClientError(
      LedgerClientErrorCode.InvalidConfig,
      'CUSTODIA_NETWORK must be "embedded" or "fabric"',
    );
  }
  let profilePath: string;
  if (network === 'embedded') {
    profilePath = join(resolve(env.CUSTODIA_NETWORK_DIR || DEFAULT_NETWORK_DIR), CONNECTION_PROFILE_FILE);
  } else {
    if (!env.CUSTODIA_CONNECTION_FILE) {
      throw new LedgerClientError(
        LedgerClientErrorCode.InvalidConfig,
        'CUSTODIA_CONNECTION_FILE must name the connection file when CUSTODIA_NETWORK=fabric',
      );
    }
    profilePath = resolve(env.CUSTODIA_CONNECTION_FILE);
  }
  return {
    network,
    profilePath,
    timeouts: {
      evaluate: positiveInteger(env, 'CUSTODIA_LEDGER_EVALUATE_TIMEOUT_MS', 5_000),
      endorse: positiveInteger(env, 'CUSTODIA_LEDGER_ENDORSE_TIMEOUT_MS', 45_000),
      submit: positiveInteger(env, 'CUSTODIA_LEDGER_SUBMIT_TIMEOUT_MS', 35_000),
      commitStatus: positiveInteger(env, 'CUSTODIA_LEDGER_COMMIT_TIMEOUT_MS', 60_000),
    },
    failover: {
      probeAfter: positiveInteger(env, 'CUSTODIA_LEDGER_PROBE_AFTER_MS', 1_000),
      probeTimeout: positiveInteger(env, 'CUSTODIA_LEDGER_PROBE_TIMEOUT_MS', 1_500),
      breakFor: positiveInteger(env, 'CUSTODIA_LEDGER_BREAK_MS', 30_000),
      ordererRetry: integerAtLeast(env, 'CUSTODIA_LEDGER_ORDERER_RETRY_MS', 30_000, 0),
      conflictRetries: integerAtLeast(env, 'CUSTODIA_LEDGER_CONFLICT_RETRIES', 3, 0, 'retries'),
      keepalive: integerAtLeast(env, 'CUSTODIA_LEDGER_KEEPALIVE_MS', 65_000, PEER_KEEPALIVE_MIN_INTERVAL_MS),
      keepaliveTimeout: positiveInteger(env, 'CUSTODIA_LEDGER_KEEPALIVE_TIMEOUT_MS', 20_000),
      channelIdle: positiveInteger(env, 'CUSTODIA_LEDGER_CHANNEL_IDLE_MS', 300_000),
    },
    pool: {
      maxIdentities: positiveInteger(env, 'CUSTODIA_LEDGER_MAX_IDENTITIES', 500, 'identities'),
      idleMs: positiveInteger(env, 'CUSTODIA_LEDGER_IDLE_MS', 300_000),
    },
  };
}
