import fc from 'fast-check';
import { SlotRing } from './slot-ring';
import type { FilledSlot } from './slot-ring';

const ringOf = (slotSize: number, slots: number) => {
  const bytes = new Uint8Array(slotSize * slots);
  return { bytes, ring: new SlotRing(bytes, slotSize, slots) };
};

/** Writes all of `data` as far as the ring lets it; returns what went out and where it stopped. */
function writeAll(ring: SlotRing, data: Uint8Array, from = 0): { out: FilledSlot[]; at: number } {
  const out: FilledSlot[] = [];
  let at = from;
  for (;;) {
    const copied = ring.write(data, at);
    if (copied === 0) return { out, at };
    at += copied;
    const full = ring.takeFull();
    if (full !== undefined) out.push(full);
  }
}

describe('a ring of slots', () => {
  it('hands out the bytes in order, slot by slot, the last one with what it holds', () => {
    const { bytes, ring } = ringOf(4, 3);
    const data = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const { out, at } = writeAll(ring, data);
    expect(at).toBe(10);
    const rest = ring.takeRest();
    expect([...out, rest]).toEqual([
      { slot: 0, length: 4 },
      { slot: 1, length: 4 },
      { slot: 2, length: 2 },
    ]);
    expect([...bytes.subarray(0, 10)]).toEqual([...data]);
    expect(ring.takeRest()).toBeUndefined();
  });

  it('stops when every slot is out and never writes into a slot the reader holds', () => {
    const { bytes, ring } = ringOf(4, 2);
    const first = writeAll(ring, new Uint8Array(12).fill(1));
    // Two slots out, the third slot's worth waits: nothing was overwritten.
    expect(first.at).toBe(8);
    expect(first.out).toHaveLength(2);
    expect(ring.freeSlots).toBe(0);
    expect(ring.write(new Uint8Array(4).fill(9))).toBe(0);
    expect([...bytes]).toEqual(new Array(8).fill(1));
    // Once the reader gives the oldest slot back, writing goes on there.
    ring.give(0);
    expect(writeAll(ring, new Uint8Array(4).fill(2)).out).toEqual([{ slot: 0, length: 4 }]);
    expect([...bytes]).toEqual([2, 2, 2, 2, 1, 1, 1, 1]);
  });

  it('refuses to take back a slot it did not hand out: free, being filled, twice, or out of range', () => {
    const { ring } = ringOf(4, 2);
    expect(() => ring.give(0)).toThrow(RangeError);
    ring.write(Uint8Array.from([1, 2]));
    expect(() => ring.give(0)).toThrow(RangeError);
    const rest = ring.takeRest() as FilledSlot;
    ring.give(rest.slot);
    expect(() => ring.give(rest.slot)).toThrow(RangeError);
    for (const slot of [-1, 2, 1.5, Number.NaN]) expect(() => ring.give(slot)).toThrow(RangeError);
    // None of the refused gives made a slot free twice.
    expect(ring.freeSlots).toBe(2);
  });

  it('gives back an empty slot at the end instead of handing it out', () => {
    const { ring } = ringOf(4, 1);
    writeAll(ring, new Uint8Array(4));
    ring.give(0);
    expect(ring.takeRest()).toBeUndefined();
    expect(ring.freeSlots).toBe(1);
  });

  it('refuses a ring whose memory is smaller than its slots, or without slots', () => {
    expect(() => new SlotRing(new Uint8Array(7), 4, 2)).toThrow(RangeError);
    expect(() => new SlotRing(new Uint8Array(8), 0, 2)).toThrow(RangeError);
    expect(() => new SlotRing(new Uint8Array(8), 4, 0)).toThrow(RangeError);
  });

  it('delivers any sequence of writes byte for byte, whatever order the reader gives slots back in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 64 }),
        (slotSize, slots, writes, picks) => {
          const { bytes, ring } = ringOf(slotSize, slots);
          const received: number[] = [];
          const held: FilledSlot[] = [];
          const read = (filled: FilledSlot) =>
            received.push(...bytes.subarray(filled.slot * slotSize, filled.slot * slotSize + filled.length));
          let pick = 0;
          for (const data of writes) {
            let at = 0;
            while (at < data.length) {
              const step = writeAll(ring, data, at);
              for (const filled of step.out) {
                read(filled);
                held.push(filled);
              }
              at = step.at;
              if (at < data.length) {
                // The reader gives back one slot it holds, in an order of the test's choosing.
                const index = (picks[pick++ % Math.max(1, picks.length)] ?? 0) % held.length;
                ring.give((held.splice(index, 1)[0] as FilledSlot).slot);
              }
            }
          }
          const rest = ring.takeRest();
          if (rest !== undefined) read(rest);
          expect(received).toEqual(writes.flatMap((data) => [...data]));
        },
      ),
    );
  });
});
