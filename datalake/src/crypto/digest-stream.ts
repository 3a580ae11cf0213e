/** A pass-through that computes SHA-256 and counts bytes, optionally refusing more than a limit. */
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { DatalakeError } from '../errors';

export class DigestStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private hex?: string;

  constructor(private readonly maxBytes: number = Number.POSITIVE_INFINITY) {
    super();
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.count += data.length;
    if (this.count > this.maxBytes) {
      callback(
        new DatalakeError('PAYLOAD_TOO_LARGE', 'content exceeds the size limit', { maxBytes: this.maxBytes }),
      );
      return;
    }
    this.hash.update(data);
    callback(null, data);
  }

  override _flush(callback: TransformCallback): void {
    this.hex = this.hash.digest('hex');
    callback();
  }

  /** Lowercase hex SHA-256 of everything that passed; available once the stream has finished. */
  get sha256(): string {
    if (this.hex === undefined) throw new Error('digest read before the stream ended');
    return this.hex;
  }

  get bytes(): number {
    return this.count;
  }
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
