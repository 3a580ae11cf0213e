/**
 * The embedded S3 server: s3rver on 127.0.0.1 over a data directory, behind our own HTTP server so
 * that ListMultipartUploads is answered (see list-uploads.ts). Production points the same client
 * code at MinIO instead. Credentials are s3rver's fixed development pair; it listens on loopback only.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';
import { emptyListUploadsXml, parseListUploads } from './list-uploads';
import { applyS3rverFixes } from './s3rver-fixes';

export const EMBEDDED_S3_CREDENTIALS = { accessKey: 'S3RVER', secretKey: 'S3RVER' } as const;

export interface S3ServerOptions {
  readonly directory: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
}

export interface RunningS3Server {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startS3Server(options: S3ServerOptions): Promise<RunningS3Server> {
  await mkdir(options.directory, { recursive: true });
  const host = options.host ?? '127.0.0.1';
  const s3 = new S3rver({ directory: options.directory, silent: true, vhostBuckets: false });
  applyS3rverFixes(s3.store);
  const handle = s3.callback();
  const server = createServer((req, res) => {
    const listing = parseListUploads(req.method, req.url);
    if (listing === undefined) {
      handle(req, res);
      return;
    }
    // Unknown buckets go to s3rver, which answers NoSuchBucket as S3 does.
    s3.store.getBucket(listing.bucket).then(
      (bucket) => {
        if (bucket === null) {
          handle(req, res);
          return;
        }
        const body = emptyListUploadsXml(listing);
        res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      },
      () => handle(req, res),
    );
  });
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    host,
    port,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      s3.logger.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
