/**
 * The bookkeeping of a ring of fixed-size slots in shared memory, as its writer (the worker that opens a sealed
 * object) sees it: a slot is free, being filled, or out (handed to the reader, who is writing it to a socket). Bytes
 * go into the slot being filled, in order; a full slot goes out; a slot comes back only when the reader gives it
 * back. So a slot that is out is never written to, and with no free slot the writer waits (backpressure).
 */

/** A slot handed to the reader: `length` bytes at `slot × slotSize` of the ring. */
export interface FilledSlot {
  readonly slot: number;
  readonly length: number;
}

type SlotState = 'free' | 'filling' | 'out';

export class SlotRing {
  private readonly states: SlotState[];
  /** Free slots, in the order they came back (the oldest is reused first). */
  private readonly free: number[];
  private filling?: number;
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    readonly slotSize: number,
    readonly slots: number,
  ) {
    if (!Number.isInteger(slotSize) || slotSize < 1 || !Number.isInteger(slots) || slots < 1)
      throw new RangeError('a ring needs at least one slot of at least one byte');
    if (bytes.length < slotSize * slots) throw new RangeError('the ring memory is smaller than its slots');
    this.states = Array.from({ length: slots }, () => 'free');
    this.free = Array.from({ length: slots }, (_, slot) => slot);
  }

  /**
   * Copies from `data[from…]` into the slot being filled (taking a free one when none is), as much as that slot
   * holds. Returns how many bytes were copied: 0 when no slot is free (wait for `give`).
   */
  write(data: Uint8Array, from = 0): number {
    if (from >= data.length) return 0;
    if (this.filling === undefined) {
      const slot = this.free.shift();
      if (slot === undefined) return 0;
      this.filling = slot;
      this.offset = 0;
      this.states[slot] = 'filling';
    }
    const count = Math.min(this.slotSize - this.offset, data.length - from);
    this.bytes.set(data.subarray(from, from + count), this.filling * this.slotSize + this.offset);
    this.offset += count;
    return count;
  }

  /** The slot being filled once it is full, now out; undefined while it has room. */
  takeFull(): FilledSlot | undefined {
    return this.filling !== undefined && this.offset === this.slotSize ? this.handOut() : undefined;
  }

  /** At the end: the slot being filled with what it holds (now out); undefined when it holds nothing. */
  takeRest(): FilledSlot | undefined {
    if (this.filling === undefined) return undefined;
    if (this.offset > 0) return this.handOut();
    this.release(this.filling);
    this.filling = undefined;
    return undefined;
  }

  /** The reader is done with `slot`. Only a slot that is out comes back: anything else is refused. */
  give(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slots || this.states[slot] !== 'out')
      throw new RangeError('only a slot handed out can be given back');
    this.release(slot);
  }

  /** How many slots are free now. */
  get freeSlots(): number {
    return this.free.length;
  }

  private handOut(): FilledSlot {
    const slot = this.filling as number;
    const filled = { slot, length: this.offset };
    this.states[slot] = 'out';
    this.filling = undefined;
    this.offset = 0;
    return filled;
  }

  private release(slot: number): void {
    this.states[slot] = 'free';
    this.free.push(slot);
  }
}
