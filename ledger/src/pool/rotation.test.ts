import { PeerRotation } from './rotation';

describe('which peer calls go to', () => {
  it('stays on a peer while it answers, moves on when it fails, and skips it while its circuit is open', () => {
    let now = 0;
    const rotation = new PeerRotation(3, 30_000, () => now);
    expect(rotation.order()).toEqual([0, 1, 2]);
    rotation.failed(0);
    expect(rotation.current()).toBe(1);
    rotation.succeeded(1);
    // Peer 0 is tried last while broken…
    expect(rotation.order()).toEqual([1, 2, 0]);
    now = 29_999;
    expect(rotation.isBroken(0)).toBe(true);
    // …and in profile order once its circuit closes, without calls flapping back to it.
    now = 30_000;
    expect(rotation.order()).toEqual([1, 2, 0]);
    expect(rotation.current()).toBe(1);
  });

  it('counts concurrent failures of one peer once, and reports when every peer failed in turn', () => {
    const rotation = new PeerRotation(2, 30_000, () => 0);
    expect(rotation.failed(0)).toBe(false);
    expect(rotation.failed(0)).toBe(false);
    expect(rotation.current()).toBe(1);
    expect(rotation.failed(1)).toBe(true);
  });

  it('skips a broken peer when moving on', () => {
    const rotation = new PeerRotation(3, 30_000, () => 0);
    rotation.failed(0); // → 1
    rotation.failed(1); // → 2 (0 is broken)
    expect(rotation.current()).toBe(2);
    rotation.succeeded(0); // 0 answered again: its circuit closes, but calls stay on 2
    expect(rotation.current()).toBe(2);
  });

  it('keeps a failed peer down after its circuit closes, until it answers again', () => {
    let now = 0;
    const rotation = new PeerRotation(3, 30_000, () => now);
    rotation.failed(0);
    expect(rotation.dueForCheck()).toEqual([]);
    now = 30_000;
    // Its circuit closed, but nothing has heard from it: still down, and due to be asked.
    expect(rotation.isBroken(0)).toBe(false);
    expect(rotation.isDown(0)).toBe(true);
    expect(rotation.dueForCheck()).toEqual([0]);
    rotation.succeeded(0);
    expect(rotation.isDown(0)).toBe(false);
    expect(rotation.dueForCheck()).toEqual([]);
  });
});
