/**
 * A body whose size is known only at its end, sent the cheapest way S3 allows: read whole when it ends within
 * `limit` bytes (then one PUT of known length), otherwise handed on as a stream of all of it (a multipart upload,
 * holding one part at a time). Small bodies save three round trips; large ones are never held whole.
 */
import { Readable } from 'node:stream';

export async function wholeIfSmall(source: Readable, limit: number): Promise<Buffer | Readable> {
  const iterator = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) return Buffer.concat(head, size);
    head.push(next.value);
    size += next.value.length;
    if (size > limit) break;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* head.splice(0);
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
  }
  return Readable.from(all(), { objectMode: false });
}
