/**
 * The connection pool of a ledger client: one TLS gRPC channel per peer of the connection profile, shared by every
 * identity the client signs for (fabric-gateway's guidance), and each identity's gateways in a bounded cache.
 * Every call — evaluate, endorse, submit, commit status, event streams, qscc — goes through `run` or `stream`,
 * which apply the one fail-over policy: calls go to the peer in use; a peer that does not answer (unreachable, or
 * hung: silent and deaf to a probe) has its calls cancelled and moved to the next peer, its circuit opened for a
 * while and its channel closed; a failure the peer reports for the network behind it (endorsers, orderers) leaves
 * the peer in use. When every peer failed in turn, a profile read from a file is read again.
 */
import type * as grpc from '@grpc/grpc-js';
import type { CallOptions } from '@grpc/grpc-js';
import type { CloseableAsyncIterable, Gateway } from '@hyperledger/fabric-gateway';
import type { LedgerClientConfig } from '../client/config';
import { LedgerClientError, LedgerClientErrorCode } from '../client/errors';
import { readConnectionProfile } from '../client/profile';
import type { ConnectionProfile, PeerEndpoint } from '../client/profile';
import { endorsersAvoidingDown } from './endorsers';
import { CallFailure, causeOf, needsProbe } from './failure-cause';
import type { CallStep } from './failure-cause';
import { PeerHealth } from './health';
import type { Prober } from './health';
import { IdentityCache } from './identities';
import type { IdentityGateways, Signer } from './identities';
import { callOptions, chainInfoProber, healthTiming, openPeerChannel, stepDeadline } from './policy';
import { PeerRotation } from './rotation';

export interface PoolOptions {
  readonly config: LedgerClientConfig;
  /** A profile at hand; otherwise `config.profilePath` is read on first use (and again after an outage). */
  readonly profile?: ConnectionProfile;
  /** How a peer's channel is opened; default the policy's TLS channel. */
  readonly openChannel?: (peer: PeerEndpoint) => grpc.Client;
}

/** The peers of one reading of the profile, their channels (opened on first use), where calls go, their health. */
interface Topology {
  readonly profile: ConnectionProfile;
  readonly channels: (grpc.Client | undefined)[];
  readonly rotation: PeerRotation;
  readonly health: PeerHealth;
}

export interface PoolStats {
  /** Open gRPC channels: at most one per peer. */
  readonly channels: number;
  /** Identities with gateways ready. */
  readonly identities: number;
}

/** Where an endorsement goes: the organisations to name as endorsers (absent: the gateway peer chooses). */
export interface CallRoute {
  readonly endorsers?: readonly string[];
}

/**
 * One call on one peer: the gateway to call with, the options (deadline, cancellation) to pass, and for an
 * endorsement the route to send it by.
 */
export type PeerCall<T> = (gateway: Gateway, options: CallOptions, route: CallRoute) => Promise<T>;

export class ConnectionPool {
  private topology: Promise<Topology> | undefined;
  /** The topology `topology` resolved to, once it has. */
  private loaded: Topology | undefined;
  private readonly identities: IdentityCache;
  private readonly sweeper: NodeJS.Timeout;
  private readonly openChannel: (peer: PeerEndpoint) => grpc.Client;
  private closed = false;

  constructor(private readonly options: PoolOptions) {
    const { config } = options;
    this.openChannel = options.openChannel ?? ((peer) => openPeerChannel(peer, config.failover));
    this.identities = new IdentityCache({
      maxIdentities: config.pool.maxIdentities,
      idleMs: config.pool.idleMs,
      // Backstops only: every call passes its own deadline (`run`).
      gateway: {
        evaluateOptions: () => ({ deadline: Date.now() + config.timeouts.evaluate }),
        endorseOptions: () => ({ deadline: Date.now() + config.timeouts.endorse }),
        submitOptions: () => ({ deadline: Date.now() + config.timeouts.submit }),
        commitStatusOptions: () => ({ deadline: Date.now() + config.timeouts.commitStatus }),
      },
    });
    const { idleMs } = config.pool;
    this.sweeper = setInterval(() => this.identities.sweep(), Math.max(10, Math.min(idleMs, 60_000)));
    this.sweeper.unref();
  }

  get config(): LedgerClientConfig {
    return this.options.config;
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
   * Runs one `step` as `signer` under the policy. The peer in use is tried first; a peer that does not answer is
   * left for the next (its circuit opened), and so is one that reports endorsers unavailable (another gateway peer
   * may reach them). Throws what the peer answered (a chaincode or peer refusal) as it came, or a CallFailure
   * naming what failed: the peers, the endorsers, the endorsement quorum, the orderers, or a slow answer.
   * An endorsement is routed away from organisations whose peers are down (`endorsers.ts`); one that is slow has the
   * other peers probed, and when that finds one down it is sent again — the same signed proposal — avoiding it.
   */
  async run<T>(signer: Signer, step: CallStep, call: PeerCall<T>): Promise<T> {
    const identity = await this.identity(signer);
    const deadline = stepDeadline(step, this.options.config.timeouts);
    let failure: CallFailure | undefined;
    for (let reading = 0; reading < 2; reading += 1) {
      const topology = await this.currentTopology();
      for (const peer of topology.rotation.order()) {
        const attempt = await this.attempt(topology, identity, peer, step, deadline, call);
        if (attempt.answered) return attempt.value;
        // What a peer that answered said of the network behind it outweighs peers that did not answer at all.
        if (failure === undefined || failure.by === 'peer' || attempt.failure.by !== 'peer')
          failure = attempt.failure;
        // Endorsers another gateway peer may reach are worth a try there; everything else is the network's answer.
        if (failure.by !== 'peer' && failure.by !== 'endorsers') throw failure;
      }
      // The profile was not read again, or a peer answered: nothing new to try.
      if (this.loaded === topology || failure?.by !== 'peer') break;
    }
    throw failure ?? new CallFailure('peer', step, undefined);
  }

  /**
   * `call` on one peer, until it answers or fails — sent again on the same peer when its endorsement was re-routed.
   * Throws what the peer answered; resolves with the value, or the failure that moves the call on.
   */
  private async attempt<T>(
    topology: Topology,
    identity: IdentityGateways,
    peer: number,
    step: CallStep,
    deadline: number | undefined,
    call: PeerCall<T>,
  ): Promise<{ answered: true; value: T } | { answered: false; failure: CallFailure }> {
    // Once the organisations named turn out not all reachable from this peer, the peer chooses endorsers itself.
    let routing = step === 'endorse';
    for (;;) {
      this.assertOpen();
      const channel = this.channel(topology, peer);
      const gateway = identity.on(channel);
      const prober = chainInfoProber(gateway, topology.profile.channelName);
      const endorsers = routing ? this.endorsers(topology, identity) : undefined;
      const watch = topology.health.begin(peer, prober);
      const reroute =
        step === 'endorse' ? this.watchEndorsers(topology, identity, peer, endorsers) : undefined;
      const signal = reroute ? AbortSignal.any([watch.signal, reroute.signal]) : watch.signal;
      try {
        const value = await call(gateway, callOptions(deadline, signal), {
          ...(endorsers === undefined ? {} : { endorsers }),
        });
        watch.answered();
        topology.rotation.succeeded(peer);
        return { answered: true, value };
      } catch (error) {
        const hung = watch.signal.aborted;
        // Endorsers were found down while this endorsement waited for them: the same proposal, avoiding them.
        if (!hung && reroute?.signal.aborted) continue;
        if (!hung && !needsProbe(error)) watch.answered();
        watch.end();
        const answers = hung ? false : !needsProbe(error) || (await topology.health.check(peer, prober));
        const cause = causeOf(step, error, answers);
        if (cause === 'answer') {
          topology.rotation.succeeded(peer);
          throw error;
        }
        if (cause === 'peer') this.peerFailed(topology, peer, channel);
        // An organisation named was not reachable after all ("failed to find any endorsing peers for org(s)"):
        // the peer's own choice either finds endorsers or says the quorum is lost.
        if (cause === 'endorsers' && endorsers !== undefined) {
          routing = false;
          continue;
        }
        return { answered: false, failure: new CallFailure(cause, step, error) };
      } finally {
        watch.end();
        reroute?.stop();
      }
    }
  }

  /**
   * The organisations to name as endorsers now (undefined: the gateway peer chooses). Peers found down whose
   * circuit has closed since are asked again, in the background, whether they answer.
   */
  private endorsers(topology: Topology, identity: IdentityGateways): readonly string[] | undefined {
    if (topology.profile.endorsementPolicy === undefined) return undefined;
    for (const peer of topology.rotation.dueForCheck()) void this.check(topology, identity, peer);
    return endorsersAvoidingDown(topology.profile, (peer) => topology.rotation.isDown(peer));
  }

  /** Whether `peer` answers a probe now; one that does is no longer down, one that does not is left again. */
  private async check(topology: Topology, identity: IdentityGateways, peer: number): Promise<boolean> {
    if (this.closed) return false;
    const prober = chainInfoProber(identity.on(this.channel(topology, peer)), topology.profile.channelName);
    const alive = await topology.health.check(peer, prober);
    if (alive) topology.rotation.succeeded(peer);
    return alive;
  }

  /**
   * Watches an endorsement sent with `endorsers` through `peer`: if it has not been answered after the probe delay,
   * the profile's other peers are probed; when that finds one down and changes which
   * organisations should endorse, `signal` aborts (the endorsement is cancelled, to be sent again avoiding it).
   * Only for a profile that states its endorsement policy (otherwise there is nothing to route).
   */
  private watchEndorsers(
    topology: Topology,
    identity: IdentityGateways,
    peer: number,
    endorsers: readonly string[] | undefined,
  ): { readonly signal: AbortSignal; stop(): void } | undefined {
    if (topology.profile.endorsementPolicy === undefined) return undefined;
    const controller = new AbortController();
    let stopped = false;
    const timer = setTimeout(() => {
      // Every other peer, those known down too: one that answers again widens the organisations to choose from.
      const others = topology.profile.peers.map((_, index) => index).filter((index) => index !== peer);
      void Promise.all(others.map((index) => this.check(topology, identity, index))).then(() => {
        const now = endorsersAvoidingDown(topology.profile, (index) => topology.rotation.isDown(index));
        if (!stopped && !sameOrganisations(now, endorsers)) controller.abort();
      });
    }, this.options.config.failover.probeAfter);
    timer.unref();
    return {
      signal: controller.signal,
      stop() {
        stopped = true;
        clearTimeout(timer);
      },
    };
  }

  /**
   * Opens an event stream as `signer` on the peer in use (moving on while peers do not answer the opening). The
   * stream is watched like any call: when its peer is found hung it is cancelled, and reading it throws a
   * CallFailure by 'peer'; the caller reopens it from its checkpoint, on the next peer.
   */
  async stream<E>(
    signer: Signer,
    open: (gateway: Gateway, options: CallOptions) => Promise<CloseableAsyncIterable<E>>,
  ): Promise<CloseableAsyncIterable<E>> {
    const identity = await this.identity(signer);
    const topology = await this.currentTopology();
    let last: unknown;
    for (const peer of topology.rotation.order()) {
      this.assertOpen();
      const channel = this.channel(topology, peer);
      const gateway = identity.on(channel);
      const prober = chainInfoProber(gateway, topology.profile.channelName);
      const watch = topology.health.begin(peer, prober, true);
      let events: CloseableAsyncIterable<E>;
      try {
        events = await open(gateway, callOptions(undefined, watch.signal));
      } catch (error) {
        watch.end();
        last = error;
        const answers = !needsProbe(error) || (await topology.health.check(peer, prober));
        if (answers) throw error;
        this.peerFailed(topology, peer, channel);
        continue;
      }
      return this.watched(topology, peer, channel, events, watch, prober);
    }
    throw new CallFailure('peer', 'events', last);
  }

  /** The gateway `identity` would use now (for callers that need fabric-gateway's own objects; no fail-over). */
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
    void closing?.then(closeTopology, () => undefined);
  }

  private watched<E>(
    topology: Topology,
    peer: number,
    channel: grpc.Client,
    events: CloseableAsyncIterable<E>,
    watch: ReturnType<PeerHealth['begin']>,
    prober: Prober,
  ): CloseableAsyncIterable<E> {
    let closedByReader = false;
    const close = (): void => {
      closedByReader = true;
      watch.end();
      events.close();
    };
    // A hung peer's stream is cancelled here, so its reader stops waiting at once.
    watch.signal.addEventListener('abort', () => events.close(), { once: true });
    const failed = async (error: unknown): Promise<unknown> => {
      const hung = watch.signal.aborted;
      watch.end();
      const answers = hung ? false : !needsProbe(error) || (await topology.health.check(peer, prober));
      const cause = causeOf('events', error, answers);
      if (cause === 'answer') return error;
      if (cause === 'peer') this.peerFailed(topology, peer, channel);
      return new CallFailure(cause, 'events', error);
    };
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const event of events) {
            watch.answered();
            topology.rotation.succeeded(peer);
            yield event;
          }
        } catch (error) {
          if (closedByReader) return;
          throw await failed(error);
        } finally {
          watch.end();
        }
        // A stream ends only when closed by its reader — or cancelled because its peer hung.
        if (watch.signal.aborted && !closedByReader) throw await failed(undefined);
      },
      close,
      [Symbol.dispose]: close,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new LedgerClientError(LedgerClientErrorCode.Closed, 'the ledger client is closed');
  }

  private currentTopology(): Promise<Topology> {
    this.assertOpen();
    if (this.topology === undefined) {
      const { config } = this.options;
      const loading = (
        this.options.profile
          ? Promise.resolve(this.options.profile)
          : readConnectionProfile(config.profilePath)
      ).then((profile): Topology => {
        const rotation = new PeerRotation(profile.peers.length, config.failover.breakFor);
        const topology: Topology = {
          profile,
          channels: profile.peers.map(() => undefined),
          rotation,
          health: new PeerHealth(profile.peers.length, healthTiming(config.failover), (peer) => {
            const channel = topology.channels[peer];
            if (channel !== undefined) this.peerFailed(topology, peer, channel);
            else rotation.failed(peer);
          }),
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
   * `peer` did not answer over `channel`: that channel is closed (the peer is reconnected afresh when it is tried
   * again), its circuit opens and calls move on to the next peer.
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
      closeTopology(topology);
    }
  }
}

function closeTopology(topology: Topology): void {
  topology.health.close();
  for (const channel of topology.channels) channel?.close();
  topology.channels.fill(undefined);
}

function sameOrganisations(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return (a ?? []).length === (b ?? []).length && (a ?? []).every((mspId) => (b ?? []).includes(mspId));
}
