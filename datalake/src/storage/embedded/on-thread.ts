/**
 * The embedded S3 server on a worker thread of this process (s3-thread.ts), as the platform runs it: s3rver, Koa and
 * the SigV4 front get an event loop of their own, which can run while the platform's does, and the data lake reaches them over
 * HTTP as it reaches MinIO. (On the platform's one event loop, the S3 server took about a fifth of it under the load of
 * `scripts/bench/gateway.ts`.) The data lake started on its own still runs the server in its process (server.ts).
 */
import { compiledEntry, startOnThread } from '@custodia/ledger/service';
import type { OnThread, ServiceThreadOptions } from '@custodia/ledger/service';
import type { RunningS3Server, S3ServerOptions } from './s3-server';

/** What the thread starts the server with: its options but the logger (the thread's lines go to the host's). */
export type S3ServerThreadData = Omit<S3ServerOptions, 'logger'>;

/** What the thread reports once the server runs: its endpoint and keys. */
export type S3ServerDescription = Omit<RunningS3Server, 'close'>;

export type S3ServerOnThread = OnThread<S3ServerDescription>;

/** `options.onStopped`: the server's thread stopped without being closed (the server failed). */
export function startS3ServerOnThread(
  server: S3ServerThreadData,
  options: ServiceThreadOptions = {},
): Promise<S3ServerOnThread> {
  return startOnThread<S3ServerDescription>(
    'the embedded S3 server',
    compiledEntry(__filename, 's3-thread'),
    server,
    options,
  );
}
