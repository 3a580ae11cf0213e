/**
 * The connection pool of a ledger client: one TLS gRPC channel per peer of the connection profile, shared by every
 * identity the client signs for (fabric-gateway's guidance), and each identity's gateways in a bounded cache. Calls
 * go to the peer in use; a peer found unreachable is replaced by the next in profile order (its channel reopened
 * when it is tried again), and when every peer failed in turn a profile read from a file is read again.
 */
import type * as grpc from '@grpc/grpc-js';
import type { CloseableAsyncIterable, Gateway } from '@hyperledger/fabric-gateway';
import type { LedgerClientConfig } from '../client/config';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import { readConnectionProfile } from '../client/profile';
import type { ConnectionProfile, PeerEndpoint } from '../client/profile';
import { IdentityCache } from './identities';
import type { IdentityGateways, Signer } from './identities';
import { callDeadlines, isUnavailable, openPeerChannel } from './policy';
import { PeerRotation } from './rotation';

export interface PoolOptions {
  readonly config: LedgerClientConfig;
  /** A profile at hand; otherwise `config.profilePath` is read on first use (and again after an outage). */
  readonly profile?: ConnectionProfile;
  /** How a peer's channel is opened; default the policy's TLS channel. */
  readonly openChannel?: (peer: PeerEndpoint) => grpc.Client;
}

/** The peers of one reading of the profile, their channels (opened on first use) and where calls go. */
interface Topology {
  readonly profile: ConnectionProfile;
  readonly channels: (grpc.Client | undefined)[];
  readonly rotation: PeerRotation;
}

export interface PoolStats {
  /** Open gRPC channels: at most one per peer. */
  readonly channels: number;
  /** Identities with gateways ready. */
  readonly identities: number;
}

export class ConnectionPool {
  private topology: Promise<Topology> | undefined;
  /** The topology `topology` resolved to, once it has. */
  private loaded: Topology | undefined;
  private readonly identities: IdentityCache;
  private readonly sweeper: NodeJS.Timeout;
  private readonly openChannel: (peer: PeerEndpoint) => grpc.Client;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    this.openChannel = options.openChannel ?? openPeerChannel;
    this.identities = new IdentityCache({
      maxIdentities: options.config.pool.maxIdentities,
      idleMs: options.config.pool.idleMs,
      gateway: callDeadlines(options.config.timeouts),
    });
    const { idleMs } = options.config.pool;
    this.sweeper = setInterval(() => this.identities.sweep(), Math.max(10, Math.min(idleMs, 60_000)));
    this.sweeper.unref();
  }

  async profile(): Promise<ConnectionProfile> {
    return (await this.currentTopology()).profile;
  }

  /** The signer's gateways, loaded now (a bad key or a failed load surfaces here). */
  identity(signer: Signer): Promise<IdentityGateways> {
    this.assertOpen();
    return this.identities.acquire(signer);
  }

  /**
   * Runs `operation` as `signer` through the peer in use, moving on to the next peer while peers are unreachable.
   * When every peer of a connection file failed, the file is read again and its peers tried once more (an operator
   * may have moved them); then the last failure is thrown.
   */
  async run<T>(signer: Signer, operation: (gateway: Gateway) => Promise<T>): Promise<T> {
    const identity = await this.identity(signer);
    let lastError: unknown;
    for (let reading = 0; reading < 2; reading += 1) {
      const topology = await this.currentTopology();
      for (let attempt = 0; attempt < topology.channels.length; attempt += 1) {
        this.assertOpen();
        const peer = topology.rotation.current();
        const channel = this.channel(topology, peer);
        try {
          const result = await operation(identity.on(channel));
          topology.rotation.succeeded();
          return result;
        } catch (error) {
          if (!isUnavailable(error)) throw error;
          lastError = error;
          this.peerFailed(topology, peer, channel);
        }
      }
      if (this.loaded === topology) break; // the profile was not read again: nothing new to try
    }
    throw lastError;
  }

  /**
   * Opens an event stream as `signer` on the peer in use. A stream fails later, while it is read: a peer found
   * unreachable then counts as one failed call, so the stream opened next goes to the next peer.
   */
  async stream<E>(
    signer: Signer,
    open: (gateway: Gateway) => Promise<CloseableAsyncIterable<E>>,
  ): Promise<CloseableAsyncIterable<E>> {
    const identity = await this.identity(signer);
    const topology = await this.currentTopology();
    const peer = topology.rotation.current();
    const channel = this.channel(topology, peer);
    const events = await open(identity.on(channel));
    const failed = (error: unknown): void => {
      if (isUnavailable(error)) this.peerFailed(topology, peer, channel);
    };
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const event of events) {
            topology.rotation.succeeded();
            yield event;
          }
        } catch (error) {
          failed(error);
          throw error;
        }
      },
      close: () => events.close(),
      [Symbol.dispose]: () => events.close(),
    };
  }

  /** The gateway `identity` would use now (for callers that need fabric-gateway's own objects). */
  async gateway(identity: IdentityGateways): Promise<Gateway> {
    await this.currentTopology();
    return this.gatewayNow(identity);
  }

  /** As `gateway`, once the profile is loaded (it is after any call). */
  gatewayNow(identity: IdentityGateways): Gateway {
    this.assertOpen();
    const topology = this.loaded;
    if (topology === undefined)
      throw new LedgerClientError(
        LedgerClientErrorCode.Unavailable,
        'no peer of the connection profile is reachable',
      );
    return identity.on(this.channel(topology, topology.rotation.current()));
  }

  /** Drops a signer's gateways (e.g. a disabled user's). */
  forget(signer: Signer): void {
    this.identities.forget(signer);
  }

  async stats(): Promise<PoolStats> {
    const topology = this.topology ? await this.topology.catch(() => undefined) : undefined;
    return {
      channels: topology?.channels.filter((channel) => channel !== undefined).length ?? 0,
      identities: this.identities.size,
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    this.identities.close();
    const closing = this.topology;
    this.topology = undefined;
    this.loaded = undefined;
    void closing?.then(closeChannels, () => undefined);
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerClientError(LedgerClientErrorCode.Closed, 'the ledger client is closed');
  }

  private currentTopology(): Promise<Topology> {
    this.assertOpen();
    if (this.topology === undefined) {
      const loading = (
        this.options.profile
          ? Promise.resolve(this.options.profile)
          : readConnectionProfile(this.options.config.profilePath)
      ).then((profile): Topology => {
        const topology: Topology = {
          profile,
          channels: profile.peers.map(() => undefined),
          rotation: new PeerRotation(profile.peers.length),
        };
        if (this.topology === loading) this.loaded = topology;
        return topology;
      });
      // A profile that cannot be read is not kept: the next call reads it again.
      loading.catch(() => {
        if (this.topology === loading) this.topology = undefined;
      });
      this.topology = loading;
    }
    return this.topology;
  }

  private channel(topology: Topology, peer: number): grpc.Client {
    let channel = topology.channels[peer];
    if (channel === undefined) {
      const endpoint = topology.profile.peers[peer];
      if (endpoint === undefined)
        throw new LedgerClientError(LedgerClientErrorCode.InvalidConfig, 'connection profile lists no peer');
      channel = this.openChannel(endpoint);
      topology.channels[peer] = channel;
    }
    return channel;
  }

  /**
   * A call found `peer` unreachable over `channel`: that channel is closed (the peer is reconnected afresh when it is
   * tried again; calls already under way on it finish), and calls move on to the next peer.
   */
  private peerFailed(topology: Topology, peer: number, channel: grpc.Client): void {
    if (topology.channels[peer] === channel) {
      topology.channels[peer] = undefined;
      channel.close();
    }
    const everyPeerFailed = topology.rotation.failed(peer);
    if (everyPeerFailed && this.options.profile === undefined && this.loaded === topology) {
      // The peers may have moved: the next call reads the connection file again.
      this.topology = undefined;
      this.loaded = undefined;
      closeChannels(topology);
    }
  }
}

function closeChannels(topology: Topology): void {
  for (const channel of topology.channels) channel?.close();
  topology.channels.fill(undefined);
}
