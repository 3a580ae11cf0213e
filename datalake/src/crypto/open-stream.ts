/**
 * Decrypts the sealed-object format. A chunk's plaintext is released only after its tag verified,
 * and the stream fails with INTEGRITY_FAILED on any tampering, reordering, truncation or wrong key.
 */
import { createDecipheriv, createSecretKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Transform } from 'node:stream';
import type { Readable, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DatalakeError } from '../errors';
import { ChunkBuffer, splitTail } from './chunk-buffer';
import { chunkAad, chunkNonce, decodeHeader, HEADER_BYTES, KEY_BYTES, TAG_BYTES } from './format';
import type { SealHeader } from './format';

export interface OpenOptions {
  /** The context the object was sealed with. */
  readonly context?: string;
}

export class OpenStream extends Transform {
  private readonly context: Buffer;
  private headerBytes: Buffer[] = [];
  private headerLength = 0;
  private header?: SealHeader;
  private aad?: Buffer;
  private buffer?: ChunkBuffer;
  private index = 0;

  /** A copy held as a KeyObject, so the caller may wipe its buffer. */
  private readonly key: KeyObject;

  constructor(key: Buffer, options: OpenOptions = {}) {
    super();
    if (key.length !== KEY_BYTES) throw new RangeError('data key must be 32 bytes');
    this.key = createSecretKey(key);
    this.context = Buffer.from(options.context ?? '', 'utf8');
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const body = this.readHeader(data);
      if (body !== undefined && this.buffer !== undefined) {
        for (const chunk of this.buffer.push(body)) this.open(chunk, false);
      }
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.buffer === undefined)
        throw new DatalakeError('INTEGRITY_FAILED', 'sealed object is truncated');
      this.open(this.buffer.rest(), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Consumes header bytes; returns the rest of `data` once the header is complete. */
  private readHeader(data: Buffer): Buffer | undefined {
    if (this.header !== undefined) return data;
    this.headerBytes.push(data);
    this.headerLength += data.length;
    if (this.headerLength < HEADER_BYTES) return undefined;
    const all = Buffer.concat(this.headerBytes);
    this.headerBytes = [];
    const headerBytes = all.subarray(0, HEADER_BYTES);
    this.header = decodeHeader(headerBytes);
    this.aad = chunkAad(Buffer.from(headerBytes), this.context);
    // Each stored chunk is the ciphertext plus its tag.
    this.buffer = new ChunkBuffer(this.header.chunkSize + TAG_BYTES);
    return all.subarray(HEADER_BYTES);
  }

  /** Opens one stored chunk (its slices); its plaintext is pushed only once its tag verified. */
  private open(sealed: readonly Buffer[], final: boolean): void {
    const header = this.header as SealHeader;
    const { body, tail } = splitTail(sealed, TAG_BYTES);
    if (tail.length < TAG_BYTES) throw new DatalakeError('INTEGRITY_FAILED', 'sealed object is truncated');
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key,
      chunkNonce(header.noncePrefix, this.index, final),
    );
    decipher.setAAD(this.aad as Buffer);
    decipher.setAuthTag(tail);
    const plain = body.map((slice) => decipher.update(slice));
    try {
      decipher.final();
    } catch {
      throw new DatalakeError('INTEGRITY_FAILED', 'sealed object failed authentication', {
        chunk: this.index,
      });
    }
    for (const slice of plain) if (slice.length > 0) this.push(slice);
    this.index += 1;
  }
}

/**
 * The plaintext of the sealed bytes `sealed`, as the opener itself (no hop in between): a failure of the source or of
 * authentication destroys it with that error, and a reader that gives up destroys it, which ends the source's read.
 */
export function openSealed(sealed: Readable, key: Buffer, options: OpenOptions = {}): OpenStream {
  const opener = new OpenStream(key, options);
  pipeline(sealed, opener).catch((error: unknown) => {
    if (!opener.destroyed) opener.destroy(error as Error);
  });
  return opener;
}
