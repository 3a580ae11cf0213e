/**
 * The ledger client a service keeps for its life: one connection pool (a channel per peer, shared by every
 * identity) and, per identity, a typed session — `ledger.as(identity).rules.create(spec)`.
 */
import { readLedgerClientConfig } from '../client/config';
import type { LedgerClientConfig } from '../client/config';
import type { ConnectionProfile, PeerEndpoint } from '../client/profile';
import type { Signer } from '../pool/identities';
import { ConnectionPool } from '../pool/pool';
import type { PoolStats } from '../pool/pool';
import { RawSession } from '../session/raw-session';
import { LedgerSession } from './session';
import type * as grpc from '@grpc/grpc-js';

export interface LedgerClientOptions {
  /** Default: `readLedgerClientConfig()` (environment). */
  readonly config?: LedgerClientConfig;
  /** A profile at hand; otherwise read from `config.profilePath` on first use (and again after an outage). */
  readonly profile?: ConnectionProfile;
  /** How a peer's channel is opened (tests count them); default a TLS channel per the connection policy. */
  readonly openChannel?: (peer: PeerEndpoint) => grpc.Client;
}

export class LedgerClient {
  private readonly pool: ConnectionPool;

  constructor(options: LedgerClientOptions = {}) {
    this.pool = new ConnectionPool({
      config: options.config ?? readLedgerClientConfig(),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.openChannel === undefined ? {} : { openChannel: options.openChannel }),
    });
  }

  /** The ledger as `signer` sees it; its identity is loaded on the first call and kept while in use. */
  as(signer: Signer): LedgerSession {
    return new LedgerSession(new RawSession(this.pool, signer));
  }

  /** The calls of `signer` by transaction name and argument strings (tools and conformance tests). */
  raw(signer: Signer): RawSession {
    return new RawSession(this.pool, signer);
  }

  profile(): Promise<ConnectionProfile> {
    return this.pool.profile();
  }

  /**
   * Whether the ledger answers `signer` a real read (qscc GetChainInfo, through the fail-over policy) within
   * `timeoutMs`: what a readiness check asks. A frozen peer with no other peer to move to answers false.
   */
  async answers(signer: Signer, timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const read = this.as(signer)
      .chain.height()
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([read, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops `signer`'s gateways now (e.g. a disabled user): nothing more is signed with what was loaded. */
  forget(signer: Signer): void {
    this.pool.forget(signer);
  }

  stats(): Promise<PoolStats> {
    return this.pool.stats();
  }

  close(): void {
    this.pool.close();
  }
}
