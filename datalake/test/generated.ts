/** Test factory: a stream of `total` random bytes made on the fly (the test never holds the whole object). */
import { randomFillSync } from 'node:crypto';
import { Readable } from 'node:stream';

export function generatedStream(total: number, block: number, failHalfwayWith?: Error): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failHalfwayWith !== undefined && sent >= total / 2) {
        this.destroy(failHalfwayWith);
        return;
      }
      if (sent >= total) {
        this.push(null);
        return;
      }
      const size = Math.min(block, total - sent);
      sent += size;
      this.push(randomFillSync(Buffer.allocUnsafe(size)));
    },
  });
}
