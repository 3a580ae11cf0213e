import { releaseNow } from './release';

const MiB = 1024 * 1024;
const settled = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('releaseNow', () => {
  it('gives the memory of buffers nobody uses any more back at once, and leaves them unreadable', async () => {
    // Buffers that lived through a transfer: kept alive by an object that outlives them, as an upload's parts are.
    const parts = [Buffer.allocUnsafeSlow(16 * MiB).fill(1), Buffer.allocUnsafeSlow(16 * MiB).fill(2)];
    await settled();
    const before = process.memoryUsage().arrayBuffers;
    releaseNow(parts);
    await settled();
    const after = process.memoryUsage().arrayBuffers;
    expect(before - after).toBeGreaterThanOrEqual(32 * MiB);
    // Whoever still held one sees nothing: no bytes of a released part can be read or overwritten.
    expect(parts.map((part) => part.length)).toEqual([0, 0]);
    expect(parts[0]?.[0]).toBeUndefined();
  });

  it('leaves a buffer over shared memory alone', async () => {
    const shared = Buffer.from(new SharedArrayBuffer(1024));
    shared.fill(7);
    releaseNow([shared]);
    await settled();
    expect(shared.length).toBe(1024);
    expect(shared[1023]).toBe(7);
  });
});
