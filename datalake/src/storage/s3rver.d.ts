/** The part of s3rver's API the embedded S3 server uses (the package ships no types). */
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

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
