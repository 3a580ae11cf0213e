import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { generateDataKey } from './key-provider';
import { DigestStream } from './digest-stream';
import { OpenStream } from './open-stream';
import { SealStream } from './seal-stream';
import { generatedStream } from '../../test/generated';

const TOTAL = 300 * 1024 * 1024;
const BLOCK = 256 * 1024;

describe('streaming a large object', () => {
  it('seals and opens 300 MB with bounded memory and an identical SHA-256', async () => {
    const key = generateDataKey();
    const before = new DigestStream();
    const after = new DigestStream();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let received = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        peak = Math.max(peak, process.memoryUsage().rss);
        callback();
      },
    });
    await pipeline(
      generatedStream(TOTAL, BLOCK),
      before,
      new SealStream(key, { context: 'big' }),
      new OpenStream(key, { context: 'big' }),
      after,
      sink,
    );
    expect(received).toBe(TOTAL);
    expect(after.sha256).toBe(before.sha256);
    // The whole object would be 300 MB (600 MB with its sealed copy); streaming stays far below.
    expect(peak - baseline).toBeLessThan(96 * 1024 * 1024);
  });
});
