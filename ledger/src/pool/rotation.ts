/**
 * Which peer of the profile calls go to: the first, until it is found unreachable, then the next in profile order.
 * Shared by every identity, so one caller finding a peer down spares the others the attempt. When every peer has
 * failed in turn with no success between, the profile is due to be read again (the peers may have moved).
 */
export class PeerRotation {
  private index = 0;
  private failuresInARow = 0;

  constructor(private readonly peerCount: number) {}

  /** The peer calls go to now. */
  current(): number {
    return this.index;
  }

  /** A call on `peer` succeeded. */
  succeeded(): void {
    this.failuresInARow = 0;
  }

  /**
   * `peer` did not answer. Calls move on to the next peer unless another call already moved them (concurrent
   * failures of one peer count once). Returns true when every peer has now failed in turn.
   */
  failed(peer: number): boolean {
    if (peer === this.index) {
      this.index = (this.index + 1) % this.peerCount;
      this.failuresInARow += 1;
    }
    return this.failuresInARow >= this.peerCount;
  }
}
