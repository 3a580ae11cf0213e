import { youngCollection } from './young-collection';

const MiB = 1024 * 1024;
const KiB = 1024;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Streams `total` bytes as 64 KiB buffers that die at once (as socket reads and cipher output do), counting each;
 * answers the most memory held by array buffers meanwhile.
 */
async function stream(total: number, count: (bytes: number) => void): Promise<number> {
  let peak = 0;
  for (let sent = 0; sent < total; sent += 64 * KiB) {
    const chunk = Buffer.allocUnsafeSlow(64 * KiB);
    chunk[0] = 1;
    count(chunk.length);
    if (sent % MiB === 0) {
      await turn();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
  }
  return peak;
}

describe('youngCollection', () => {
  it('keeps the dead buffers of a transfer to a few MiB, where V8 alone lets tens of MiB pile up', async () => {
    const baseline = process.memoryUsage().arrayBuffers;
    const collected = (await stream(256 * MiB, youngCollection())) - baseline;
    const alone = (await stream(256 * MiB, () => undefined)) - baseline;
    expect(collected).toBeLessThan(8 * MiB);
    expect(alone).toBeGreaterThan(2 * collected);
  });
});
