/**
 * The identities a pool signs for, each with its fabric-gateway `Gateway`s (one per peer channel; a gateway holds
 * no connection of its own, only the identity and its signer). Kept least recently used first, bounded in number,
 * and dropped after a time unused: a busy service keeps its active users' signers ready without holding every
 * user's key in memory for ever.
 */
import { createPrivateKey } from 'node:crypto';
import { connect as connectGateway, hash } from '@hyperledger/fabric-gateway';
import type { ConnectOptions, Gateway } from '@hyperledger/fabric-gateway';
import type * as grpc from '@grpc/grpc-js';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import { sign } from '../msp/signature';
import type { Identity } from '../msp/identity';

/** An identity loaded on first use (e.g. from a wallet), known by a stable key until then. */
export interface IdentityRef {
  /** Names the identity among all others of the pool (e.g. MSP id and user id). */
  readonly key: string;
  load(): Promise<Identity>;
}

/** Who signs: an identity at hand, or one to load on first use. */
export type Signer = Identity | IdentityRef;

export type GatewayOptions = Omit<ConnectOptions, 'client' | 'identity' | 'signer' | 'hash'>;

function isRef(signer: Signer): signer is IdentityRef {
  return 'load' in signer;
}

/** The pool's key of a signer: a reference's own key, or an identity's MSP id and certificate. */
export function signerKey(signer: Signer): string {
  return isRef(signer) ? `ref\u0000${signer.key}` : `id\u0000${signer.mspId}\u0000${signer.certificate}`;
}

/** One identity's gateways, one per peer channel. */
export class IdentityGateways {
  /** Weak: a channel the pool replaced takes its gateway with it. */
  private gateways = new WeakMap<grpc.Client, Gateway>();
  private readonly connectOptions: Omit<ConnectOptions, 'client'>;

  constructor(identity: Identity, options: GatewayOptions) {
    let privateKey;
    try {
      privateKey = createPrivateKey(identity.privateKey);
    } catch {
      throw new LedgerClientError(
        LedgerClientErrorCode.InvalidConfig,
        'identity private key is not a PEM private key',
      );
    }
    this.connectOptions = {
      ...options,
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      // Sign the whole message with node:crypto (OpenSSL), low-S as Fabric requires; hashing is part of signing.
      hash: hash.none,
      signer: (message) => Promise.resolve(sign(privateKey, message)),
    };
  }

  /** This identity's gateway over `channel`. */
  on(channel: grpc.Client): Gateway {
    let gateway = this.gateways.get(channel);
    if (gateway === undefined) {
      gateway = connectGateway({ ...this.connectOptions, client: channel });
      this.gateways.set(channel, gateway);
    }
    return gateway;
  }

  /** Lets the gateways go (a fabric-gateway Gateway holds no connection; the channels stay, others share them). */
  close(): void {
    this.gateways = new WeakMap();
  }
}

export interface IdentityCacheOptions {
  /** Identities kept at most; the least recently used is dropped beyond it. */
  readonly maxIdentities: number;
  /** An identity unused this long (ms) is dropped. */
  readonly idleMs: number;
  readonly gateway: GatewayOptions;
}

interface Entry {
  readonly loading: Promise<IdentityGateways>;
  lastUsed: number;
}

export class IdentityCache {
  /** Map order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: IdentityCacheOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** The signer's gateways, loaded on first use; a failed load is not kept (the next call tries again). */
  acquire(signer: Signer): Promise<IdentityGateways> {
    const key = signerKey(signer);
    const now = Date.now();
    const found = this.entries.get(key);
    if (found !== undefined) {
      this.entries.delete(key);
      found.lastUsed = now;
      this.entries.set(key, found);
      return found.loading;
    }
    const loading = (isRef(signer) ? signer.load() : Promise.resolve(signer)).then(
      (identity) => new IdentityGateways(identity, this.options.gateway),
    );
    const entry: Entry = { loading, lastUsed: now };
    loading.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxIdentities) {
      const [oldest] = this.entries.keys();
      if (oldest === undefined) break;
      this.drop(oldest);
    }
    return loading;
  }

  /** Drops the signer (e.g. a disabled user): its next call loads it again. */
  forget(signer: Signer): void {
    this.drop(signerKey(signer));
  }

  /** Drops every identity unused for the idle time. */
  sweep(now: number = Date.now()): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.lastUsed >= this.options.idleMs) this.drop(key);
    }
  }

  close(): void {
    for (const key of [...this.entries.keys()]) this.drop(key);
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    this.entries.delete(key);
    void entry?.loading.then((gateways) => gateways.close(), noop);
  }
}

function noop(): void {}
