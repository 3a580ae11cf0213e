/** The part of s3rver's API the embedded S3 server uses (the package ships no types). */
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Readable } from 'node:stream';

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

  interface S3rverStore {
    getBucket(name: string): Promise<{ name: string } | null>;
    deleteObject(bucket: string, key: string): Promise<void>;
    putObject(object: S3rverObject): Promise<Written>;
    putPart(bucket: string, uploadId: string, partNumber: number, content: Readable): Promise<Written>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
    /** `<root>/<bucket>/<key dirs>/<name>._S3rver_<resource>` */
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  }

  interface S3rverLogger {
    close(): void;
  }

  class S3rver {
    constructor(options: S3rverOptions);
    readonly store: S3rverStore;
    readonly logger: S3rverLogger;
    /** Koa's request handler, for mounting in our own HTTP server. */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }

  export = S3rver;
}
