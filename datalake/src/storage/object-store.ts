/** The object-storage operations the zones use; `MinioObjectStore` is the adapter over the minio client. */
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface ListOptions {
  /**
   * Keys asked for in the first page; each next page asks twice as many, up to S3's 1,000. A walk that stops early
   * (the expiry sweep stops at the first marker still in the future) then reads about twice what it used, not a
   * page of 1,000. Default: pages of 1,000.
   */
  readonly firstPage?: number;
}

export interface PutOptions {
  readonly contentType?: string;
  /** Known length of a stream body; lets small objects go up in one request. */
  readonly size?: number;
}

/** A signed S3 request: its URL and every header it must be sent with (the signature covers them). */
export interface SignedGet {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ObjectStore {
  /** Creates the bucket when missing. */
  ensureBucket(bucket: string): Promise<void>;
  /** Streams the body up (multipart for large or unsized bodies); resolves when the object is complete. */
  put(bucket: string, key: string, body: Readable | Buffer, options?: PutOptions): Promise<void>;
  /** The object's bytes as a stream; NOT_FOUND when absent. */
  get(bucket: string, key: string): Promise<Readable>;
  /**
   * A GET of the object, signed: how a worker thread reads a binary without an S3 client or keys of its own
   * (signed-get.ts). A credential for that one read (S3 accepts it for 15 minutes): it never leaves the process and
   * is never logged.
   */
  signedGet(bucket: string, key: string): Promise<SignedGet>;
  /** A small object read whole (metadata documents); undefined when absent, PAYLOAD_TOO_LARGE past maxBytes. */
  getBuffer(bucket: string, key: string, maxBytes: number): Promise<Buffer | undefined>;
  stat(bucket: string, key: string): Promise<ObjectInfo | undefined>;
  /** Every object under the prefix, in key order, page by page as the walk goes on. */
  list(bucket: string, prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** Removes objects; absent ones are not an error. */
  remove(bucket: string, keys: readonly string[]): Promise<void>;
  /** Removes every object under the prefix; returns how many there were. */
  removePrefix(bucket: string, prefix: string): Promise<number>;
}
