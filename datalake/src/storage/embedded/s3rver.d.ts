/** The part of s3rver's API the embedded S3 server uses (the package ships no types). */
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Readable } from 'node:stream';
  import type S3Object from 's3rver/lib/models/object';

  interface S3rverObject {
    bucket: string;
    key: string;
    content: Readable | Buffer;
    metadata: Record<string, string>;
  }

  interface Written {
    size: number;
    md5: string;
  }

  interface S3rverOptions {
    directory: string;
    silent?: boolean;
    address?: string;
    port?: number;
    vhostBuckets?: boolean;
    resetOnClose?: boolean;
  }

  interface ListedObject {
    key: string;
    /** From the metadata's content-length. */
    readonly size: number;
    readonly lastModifiedDate: Date;
    metadata: { etag?: string } & Record<string, string | undefined>;
  }

  interface ListOptions {
    prefix?: string;
    startAfter?: string;
    maxKeys?: number;
    delimiter?: string;
  }

  interface S3rverStore {
    getBucket(name: string): Promise<{ name: string } | null>;
    putBucket(name: string): Promise<{ name: string } | null>;
    /** The object (its content opened, within `options`' byte range when given), or null when there is none. */
    getObject(
      bucket: string,
      key: string,
      options?: { start?: number; end?: number },
    ): Promise<S3Object | null>;
    deleteObject(bucket: string, key: string): Promise<void>;
    /** Copies an object (its metadata replaced when given) and answers the copy's metadata. */
    copyObject(
      srcBucket: string,
      srcKey: string,
      destBucket: string,
      destKey: string,
      replacementMetadata?: Record<string, string>,
    ): Promise<Record<string, string>>;
    putObject(object: S3rverObject): Promise<Written>;
    putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<Written>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
    /** Keys in order after `startAfter`, at most `maxKeys` (and whether there are more). */
    listObjects(
      bucket: string,
      options: ListOptions,
    ): Promise<{ objects: ListedObject[]; commonPrefixes: string[]; isTruncated: boolean }>;
    /** The stored metadata of a key (content-length, last-modified, etag, …); rejects ENOENT when there is none. */
    getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
    /** A bucket's configuration of `type` (`cors`, `website`…) with `key` undefined; null when it has none. */
    getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
    putSubresource(
      bucket: string,
      key: string | undefined,
      resource: { readonly type: string },
    ): Promise<void>;
    deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<void>;
    deleteBucket(bucket: string): Promise<void>;
    /** `<root>/<bucket>` */
    getBucketPath(bucket: string): string;
    /** `<root>/<bucket>/<key dirs>/<name>._S3rver_<resource>` */
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  }

  interface S3rverLogger {
    close(): void;
  }

  namespace S3rver {
    /**
     * What s3rver (and Koa under it) reads of a request: its head, and its body as a stream. An IncomingMessage is
     * one; so is a stream carrying the same head (the body after the signature check).
     */
    type Request = Readable &
      Pick<
        IncomingMessage,
        | 'headers'
        | 'rawHeaders'
        | 'url'
        | 'method'
        | 'socket'
        | 'httpVersion'
        | 'httpVersionMajor'
        | 'httpVersionMinor'
      >;
  }

  /** A Koa middleware, as far as the server needs to tell them apart. */
  type Middleware = ((context: unknown, next: () => Promise<void>) => Promise<void>) & {
    readonly name: string;
  };

  class S3rver {
    constructor(options: S3rverOptions);
    readonly store: S3rverStore;
    /** Koa's middleware chain, in order; `callback()` composes it. */
    middleware: Middleware[];
    readonly logger: S3rverLogger;
    /** Koa's request handler, for mounting in our own HTTP server. */
    /** Resolves once the middleware chain has run and the answer was handed to the response (its body may still stream). */
    callback(): (req: S3rver.Request, res: ServerResponse) => Promise<void>;
  }

  export = S3rver;
}

/** s3rver's error type: thrown from a store call, s3rver answers it as S3 does (its code, status and XML). */
declare module 's3rver/lib/models/error' {
  class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    readonly code: string;
    status: number;
    expose: boolean;
  }
  export = S3Error;
}

/** s3rver's object model: what its controllers expect from a store's listing. */
declare module 's3rver/lib/models/object' {
  import type { Readable } from 'node:stream';

  class S3Object {
    constructor(
      bucket: string,
      key: string,
      content: Readable | Buffer | null,
      metadata: Record<string, string>,
    );
    readonly bucket: string;
    readonly key: string;
    metadata: { etag?: string } & Record<string, string | undefined>;
    readonly size: number;
    readonly lastModifiedDate: Date;
    /** The bytes a ranged read answers (inclusive). */
    range?: { start: number; end: number };
    /** The metadata a PUT keeps besides the x-amz-meta- headers. */
    static readonly ALLOWED_METADATA: readonly string[];
  }
  export = S3Object;
}
