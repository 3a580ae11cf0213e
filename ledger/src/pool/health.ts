/**
 * Hung-peer detection. A frozen peer (SIGSTOP, a stuck host) keeps its TCP connection open and answers nothing:
 * gRPC sees no failure until a deadline or a keepalive ping runs out, tens of seconds later. So every call and
 * event stream on a peer is watched: when the peer has had work outstanding and answered nothing for
 * `probeAfter` ms (`streamProbeAfter` when only event streams are open, which may legitimately stay silent), it is
 * asked a cheap question (qscc GetChainInfo) with a short deadline. No answer: the peer is hung — every call and
 * stream on it is cancelled at once, and the pool moves them to the next peer.
 */
export interface HealthTiming {
  /** Silence (ms) with calls outstanding after which the peer is probed. */
  readonly probeAfter: number;
  /** Silence (ms) with only event streams open after which the peer is probed. */
  readonly streamProbeAfter: number;
  /** The probe's deadline (ms). */
  readonly probeTimeout: number;
}

/** Asks the peer a cheap question; resolves true when the peer answered (with anything), false otherwise. */
export type Prober = (timeoutMs: number) => Promise<boolean>;

/** One call or stream on a peer, until `end()`. */
export interface Watch {
  /** Aborted when the peer is declared hung: the call is cancelled and must be tried elsewhere. */
  readonly signal: AbortSignal;
  /** The peer answered something on this call (a response, a server status, an event). */
  answered(): void;
  end(): void;
}

interface PeerState {
  readonly watches: Set<{ readonly stream: boolean; readonly controller: AbortController }>;
  /** Last time the peer answered anything, or work began on an idle peer. */
  lastActivity: number;
  timer: NodeJS.Timeout | undefined;
  probing: Promise<boolean> | undefined;
  /** The most recent caller's way to probe this peer (probes are signed by some identity using the peer). */
  prober: Prober | undefined;
}

export class PeerHealth {
  private readonly peers: PeerState[];
  private closed = false;

  constructor(
    peerCount: number,
    private readonly timing: HealthTiming,
    /** Called once per hang found, after the peer's calls were cancelled. */
    private readonly onHung: (peer: number) => void,
  ) {
    this.peers = Array.from({ length: peerCount }, () => ({
      watches: new Set(),
      lastActivity: 0,
      timer: undefined,
      probing: undefined,
      prober: undefined,
    }));
  }

  /** Starts watching one call (or stream) on `peer`; `prober` asks that peer with the caller's identity. */
  begin(peer: number, prober: Prober, stream = false): Watch {
    const state = this.state(peer);
    if (state.watches.size === 0) state.lastActivity = Date.now();
    state.prober = prober;
    const entry = { stream, controller: new AbortController() };
    state.watches.add(entry);
    this.arm(peer);
    return {
      signal: entry.controller.signal,
      answered: () => {
        state.lastActivity = Date.now();
      },
      end: () => {
        state.watches.delete(entry);
        if (state.watches.size === 0) this.disarm(state);
      },
    };
  }

  /**
   * Whether `peer` answers a probe now (calls that failed ambiguously ask this). Concurrent askers share one
   * probe. A peer found not answering is declared hung, as the silence timer would.
   */
  async check(peer: number, prober: Prober): Promise<boolean> {
    const state = this.state(peer);
    state.prober ??= prober;
    const alive = await this.probe(state, prober);
    if (!alive) this.hung(peer);
    return alive;
  }

  close(): void {
    this.closed = true;
    for (const state of this.peers) this.disarm(state);
  }

  private state(peer: number): PeerState {
    const state = this.peers[peer];
    if (state === undefined) throw new RangeError(`no peer ${peer}`);
    return state;
  }

  private threshold(state: PeerState): number {
    for (const watch of state.watches) if (!watch.stream) return this.timing.probeAfter;
    return this.timing.streamProbeAfter;
  }

  private arm(peer: number): void {
    const state = this.state(peer);
    if (state.timer !== undefined || this.closed) return;
    const wait = Math.max(0, state.lastActivity + this.threshold(state) - Date.now());
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.fire(peer);
    }, wait);
    state.timer.unref();
  }

  private disarm(state: PeerState): void {
    if (state.timer !== undefined) clearTimeout(state.timer);
    state.timer = undefined;
  }

  private async fire(peer: number): Promise<void> {
    const state = this.state(peer);
    if (state.watches.size === 0 || this.closed) return;
    if (Date.now() - state.lastActivity >= this.threshold(state) && state.prober !== undefined) {
      if (await this.probe(state, state.prober)) state.lastActivity = Date.now();
      else this.hung(peer);
    }
    if (state.watches.size > 0) this.arm(peer);
  }

  private probe(state: PeerState, prober: Prober): Promise<boolean> {
    state.probing ??= prober(this.timing.probeTimeout)
      .catch(() => false)
      .finally(() => {
        state.probing = undefined;
      });
    return state.probing;
  }

  private hung(peer: number): void {
    const state = this.state(peer);
    const watches = [...state.watches];
    state.watches.clear();
    this.disarm(state);
    for (const watch of watches) watch.controller.abort(new Error('the peer did not answer a probe'));
    this.onHung(peer);
  }
}
