/**
 * The embedded S3 server: s3rver on 127.0.0.1 over a data directory, behind our own HTTP server, which
 *
 * - refuses every request that is not signed (AWS Signature V4) with the server's keys — anonymous, wrongly signed,
 *   signed with another secret, stale or replayed elsewhere — with S3's 403 answers, and checks each body against
 *   the SHA-256 its signature covers (sigv4.ts, payload-check.ts);
 * - answers ListObjectsV2 (list-objects.ts) and ListMultipartUploads (list-uploads.ts) itself, where s3rver fails.
 *
 * Production points the same client code at MinIO (or another S3) instead.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import S3rver from 's3rver';
import S3Error from 's3rver/lib/models/error';
import { embeddedCredentials } from './credentials';
import { listObjectsXml, listPage, parseListObjects } from './list-objects';
import { emptyListUploadsXml, parseListUploads } from './list-uploads';
import { PayloadCheck } from './payload-check';
import { unsafeTarget } from './safe-keys';
import { sendS3Error, sendXml } from './s3-xml';
import { applyS3rverFixes, withoutRequestLog } from './s3rver-fixes';
import { EMPTY_SHA256, S3_REFUSALS, splitTarget, verifySigV4 } from '../sigv4';
import type { S3Credentials, S3Refusal, SignedPayload } from '../sigv4';

const KEEP_ALIVE_MS = 65_000;
/** The longest a close waits for the requests being handled. */
const CLOSE_WAIT_MS = 10_000;

/** The region the server signs for; the minio client is configured with it too. */
export const EMBEDDED_S3_REGION = 'us-east-1';

export interface S3ServerOptions {
  readonly directory: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The only keys accepted; default: generated once and kept in the directory (credentials.ts). */
  readonly credentials?: S3Credentials;
  /** Refused requests are logged here (their S3 code and method: no path, no key). */
  readonly logger?: { warn(fields: Record<string, unknown>, message: string): void };
}

export interface RunningS3Server {
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  /** The keys clients sign with. */
  readonly credentials: S3Credentials;
  close(): Promise<void>;
}

export async function startS3Server(options: S3ServerOptions): Promise<RunningS3Server> {
  await mkdir(options.directory, { recursive: true });
  const credentials = options.credentials ?? (await embeddedCredentials(options.directory));
  const host = options.host ?? '127.0.0.1';
  const s3 = new S3rver({ directory: options.directory, silent: true, vhostBuckets: false });
  applyS3rverFixes(s3.store);
  withoutRequestLog(s3);
  const handle = s3.callback();

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const verdict = verifySigV4(
      { method: req.method ?? '', url: req.url ?? '/', rawHeaders: req.rawHeaders },
      { credentials, region: EMBEDDED_S3_REGION, now: new Date() },
    );
    if (!verdict.ok) {
      options.logger?.warn({ code: verdict.refusal.code, method: req.method }, 'S3 request refused');
      return refuse(req, res, verdict.refusal);
    }
    const unsafe = unsafePath(req);
    if (unsafe !== undefined) return refuse(req, res, unsafe);
    // Verified: s3rver's own check (V2 signatures, its fixed development account) must not see it.
    delete req.headers.authorization;
    const body = checkedBody(req, verdict.payload);
    if (!body.ok) return refuse(req, res, body.refusal);

    const objects = parseListObjects(req.method, req.url);
    if (objects !== undefined) {
      if (!objects.ok) return refuse(req, res, { code: 'InvalidArgument', message: objects.message });
      if ((await s3.store.getBucket(objects.request.bucket)) === null) return await handle(req, res);
      return sendXml(res, 200, listObjectsXml(objects.request, await listPage(s3.store, objects.request)));
    }
    const uploads = parseListUploads(req.method, req.url);
    if (uploads !== undefined) {
      // Unknown buckets go to s3rver, which answers NoSuchBucket as S3 does.
      if ((await s3.store.getBucket(uploads.bucket)) === null) return await handle(req, res);
      return sendXml(res, 200, emptyListUploadsXml(uploads));
    }
    await handle(body.request, res);
  };

  // Requests being handled: a close waits for them, so no write of the store is cut off between its steps (a
  // replacement's metadata written, its content not yet renamed) by what follows the close.
  const handling = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handled = serve(req, res)
      .catch(() => {
        if (!res.headersSent) sendS3Error(res, 500, 'InternalError', 'We encountered an internal error.', '');
        else res.destroy();
      })
      .finally(() => handling.delete(handled));
    handling.add(handled);
  });
  // Idle kept-alive connections stay open longer than a client leaves them idle between requests of one job (a large
  // upload's passes): a server closing one as a client reuses it makes that request fail with a reset.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  await listen(server, options.port ?? 0, host);
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    host,
    port,
    credentials,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      // Bounded: a handler waiting on a body that never comes must not hold the close forever.
      await Promise.race([Promise.all(handling), delay(CLOSE_WAIT_MS, undefined, { ref: false })]);
      s3.logger.close();
    },
  };
}

type CheckedBody =
  | { readonly ok: true; readonly request: S3rver.Request }
  | { readonly ok: false; readonly refusal: S3Refusal };

/**
 * The request as s3rver should read it. A body whose SHA-256 is signed streams through PayloadCheck, which fails
 * it at its end if the bytes are not the signed ones — s3rver then answers 400 and keeps nothing (s3rver-fixes.ts).
 */
function checkedBody(req: IncomingMessage, payload: SignedPayload): CheckedBody {
  if (payload.kind === 'unsigned') return { ok: true, request: req };
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (!hasBody)
    return payload.sha256 === EMPTY_SHA256
      ? { ok: true, request: req }
      : { ok: false, refusal: { code: 'XAmzContentSHA256Mismatch', message: MISMATCH } };
  const body = new PayloadCheck(payload.sha256, () => {
    const error = new S3Error('XAmzContentSHA256Mismatch', MISMATCH);
    error.status = S3_REFUSALS.XAmzContentSHA256Mismatch;
    error.expose = true;
    return error;
  });
  // Either side's failure fails the other; s3rver, reading `body`, answers it (nothing to do in the callback).
  pipeline(req, body, () => undefined);
  const request = Object.assign(body, {
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    url: req.url,
    method: req.method,
    socket: req.socket,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
  });
  return { ok: true, request };
}

const MISMATCH = "The provided 'x-amz-content-sha256' header does not match what was computed.";

/** A refusal when the request's path or copy source names a key the server does not store (safe-keys.ts). */
function unsafePath(req: IncomingMessage): S3Refusal | undefined {
  const copySource = req.headers['x-amz-copy-source'];
  const targets = [splitTarget(req.url ?? '/').path, ...(typeof copySource === 'string' ? [copySource] : [])];
  return targets.some(unsafeTarget)
    ? {
        code: 'InvalidURI',
        message: 'Keys with empty, . or .. path segments are not accepted by this server.',
      }
    : undefined;
}

function refuse(req: IncomingMessage, res: ServerResponse, refusal: S3Refusal): void {
  const path = (req.url ?? '/').split('?')[0] as string;
  sendS3Error(res, S3_REFUSALS[refusal.code], refusal.code, refusal.message, path);
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
