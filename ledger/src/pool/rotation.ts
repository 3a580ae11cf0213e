/**
 * Which peer of the profile calls go to: the first, until it is found down or hung, then the next in profile order
 * (calls stay there while it answers: no flapping back). Shared by every identity, so one caller finding a peer
 * down spares the others the attempt. A peer found down is skipped for `breakMs` (its circuit is open) while
 * others remain; when every peer has failed in turn with no success between, the profile is due to be read again
 * (the peers may have moved). A peer found down stays *down* — whatever its circuit — until it answers again:
 * endorsements are kept away from its organisation meanwhile (`endorsers.ts`).
 */
export class PeerRotation {
  private index = 0;
  private failuresInARow = 0;
  private readonly brokenUntil: number[];
  private readonly down: boolean[];

  constructor(
    private readonly peerCount: number,
    private readonly breakMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.brokenUntil = Array.from({ length: peerCount }, () => 0);
    this.down = Array.from({ length: peerCount }, () => false);
  }

  /** The peer calls go to now. */
  current(): number {
    return this.index;
  }

  /**
   * The peers one call tries, in order: the peer in use, then the others in profile order with those whose circuit
   * is open last (tried only when nothing else answers).
   */
  order(): number[] {
    const now = this.now();
    const all = Array.from({ length: this.peerCount }, (_, step) => (this.index + step) % this.peerCount);
    const [current, ...others] = all;
    const healthy = others.filter((peer) => (this.brokenUntil[peer] ?? 0) <= now);
    const broken = others.filter((peer) => (this.brokenUntil[peer] ?? 0) > now);
    return [...(current === undefined ? [] : [current]), ...healthy, ...broken];
  }

  isBroken(peer: number): boolean {
    return (this.brokenUntil[peer] ?? 0) > this.now();
  }

  /** Found down or hung, and not heard from since (its circuit may have closed: that proves nothing). */
  isDown(peer: number): boolean {
    return this.down[peer] ?? false;
  }

  /** Down peers whose circuit has closed: worth asking again whether they answer. */
  dueForCheck(): number[] {
    return this.down.flatMap((down, peer) => (down && !this.isBroken(peer) ? [peer] : []));
  }

  /** A call on `peer` was answered: its circuit closes, and it becomes the peer in use if none is healthier. */
  succeeded(peer: number): void {
    this.failuresInARow = 0;
    this.brokenUntil[peer] = 0;
    this.down[peer] = false;
    if (this.isBroken(this.index)) this.index = peer;
  }

  /**
   * `peer` did not answer (down or hung): its circuit opens and calls move on to the next peer whose circuit is
   * closed, unless another call already moved them (concurrent failures of one peer count once). Returns true
   * when every peer has now failed in turn.
   */
  failed(peer: number): boolean {
    this.brokenUntil[peer] = this.now() + this.breakMs;
    this.down[peer] = true;
    if (peer === this.index) {
      this.failuresInARow += 1;
      const [next] = this.order().filter((candidate) => candidate !== peer);
      this.index = next ?? (peer + 1) % this.peerCount;
    }
    return this.failuresInARow >= this.peerCount;
  }
}
