import { join, resolve } from 'node:path';
import { LedgerClientError, LedgerClientErrorCode } from './errors';

export type NetworkKind = 'embedded' | 'fabric';

/** How the ledger client finds the network; read once from the environment. */
export interface LedgerClientConfig {
  readonly network: NetworkKind;
  /** The connection profile: the embedded network writes `<data dir>/connection.json`; Fabric needs a file. */
  readonly profilePath: string;
  /** Deadlines (ms) per gateway call, as fabric-samples sets them. */
  readonly timeouts: {
    readonly evaluate: number;
    readonly endorse: number;
    readonly submit: number;
    readonly commitStatus: number;
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

function positiveInteger(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  unit = 'milliseconds',
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new LedgerClientError(
      LedgerClientErrorCode.InvalidConfig,
      `${name} must be a positive integer (${unit})`,
    );
  }
  return value;
}

/**
 * Reads CUSTODIA_NETWORK (embedded | fabric, default embedded), CUSTODIA_NETWORK_DIR (embedded data directory,
 * default .custodia/network), CUSTODIA_CONNECTION_FILE (required for fabric), the CUSTODIA_LEDGER_*_TIMEOUT_MS
 * deadlines and the pool's CUSTODIA_LEDGER_MAX_IDENTITIES (500) and CUSTODIA_LEDGER_IDLE_MS (300000). Throws
 * LedgerClientError(LEDGER_CLIENT_CONFIG_INVALID).
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
      endorse: positiveInteger(env, 'CUSTODIA_LEDGER_ENDORSE_TIMEOUT_MS', 15_000),
      submit: positiveInteger(env, 'CUSTODIA_LEDGER_SUBMIT_TIMEOUT_MS', 5_000),
      commitStatus: positiveInteger(env, 'CUSTODIA_LEDGER_COMMIT_TIMEOUT_MS', 60_000),
    },
    pool: {
      maxIdentities: positiveInteger(env, 'CUSTODIA_LEDGER_MAX_IDENTITIES', 500, 'identities'),
      idleMs: positiveInteger(env, 'CUSTODIA_LEDGER_IDLE_MS', 300_000),
    },
  };
}
