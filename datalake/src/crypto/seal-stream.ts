/** Encrypts a byte stream into the sealed-object format (see format.ts), one chunk at a time. */
import { createCipheriv, createSecretKey, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { ChunkBuffer } from './chunk-buffer';
import {
  assertChunkSize,
  chunkAad,
  chunkNonce,
  DEFAULT_CHUNK_SIZE,
  encodeHeader,
  KEY_BYTES,
  NONCE_PREFIX_BYTES,
} from './format';

export interface SealOptions {
  /** Plaintext bytes per chunk. */
  readonly chunkSize?: number;
  /** Bound into every chunk's AAD (e.g. the object id): the same bytes must be given to open it. */
  readonly context?: string;
}

export class SealStream extends Transform {
  private readonly header: Buffer;
  private readonly aad: Buffer;
  private readonly noncePrefix: Buffer;
  private readonly buffer: ChunkBuffer;
  private index = 0;

  /** A copy held as a KeyObject, so the caller may wipe its buffer. */
  private readonly key: KeyObject;

  constructor(key: Buffer, options: SealOptions = {}) {
    super();
    if (key.length !== KEY_BYTES) throw new RangeError('data key must be 32 bytes');
    this.key = createSecretKey(key);
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    assertChunkSize(chunkSize);
    this.noncePrefix = randomBytes(NONCE_PREFIX_BYTES);
    this.header = encodeHeader({ chunkSize, noncePrefix: this.noncePrefix });
    this.aad = chunkAad(this.header, Buffer.from(options.context ?? '', 'utf8'));
    this.buffer = new ChunkBuffer(chunkSize);
    this.push(this.header);
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      for (const chunk of this.buffer.push(data)) this.seal(chunk, false);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.seal(this.buffer.rest(), true);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  /** Seals one chunk, given as the slices of the writes it spans (no copy of them). */
  private seal(chunk: readonly Buffer[], final: boolean): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, chunkNonce(this.noncePrefix, this.index, final));
    cipher.setAAD(this.aad);
    for (const slice of chunk) {
      const body = cipher.update(slice);
      if (body.length > 0) this.push(body);
    }
    cipher.final();
    this.push(cipher.getAuthTag());
    this.index += 1;
  }
}
