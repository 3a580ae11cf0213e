/**
 * The body of a request whose signature covers its SHA-256: bytes pass through as they arrive and the stream fails
 * at its end when their hash is not the signed one. Whoever consumes it commits nothing before the end (the store
 * writes objects and parts to a temporary file and renames it only once the stream has ended cleanly).
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export class PayloadCheck extends Transform {
  private readonly hash = createHash('sha256');

  constructor(
    private readonly expectedSha256: string,
    private readonly mismatch: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    callback(this.hash.digest('hex') === this.expectedSha256 ? null : this.mismatch());
  }
}
