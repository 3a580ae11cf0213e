/**
 * The embedded S3 server on a worker thread of this process (s3-thread.ts), as the platform runs it: s3rver, Koa and
 * the SigV4 front get an event loop of their own, which can run while the platform's does, and the data lake reaches them over
 * HTTP as it reaches MinIO. (On the platform's one event loop, the S3 server took about a fifth of it under the load of
 * `scripts/bench/gateway.ts`.) The data lake started on its own still runs the server in its process (server.ts).
 */
import { compiledEntry, startServiceThread } from '@custodia/ledger/service';
import type { ServiceThreadError, ThreadLogger } from '@custodia/ledger/service';
import type { RunningS3Server, S3ServerOptions } from './s3-server';

/** What the thread starts the server with: its options but the logger (the thread's lines go to the host's). */
export type S3ServerThreadData = Omit<S3ServerOptions, 'logger'>;

/** What the thread reports once the server runs: its endpoint and keys. */
export type S3ServerDescription = Omit<RunningS3Server, 'close'>;

export interface S3ServerThreadOptions {
  readonly logger?: ThreadLogger;
  /** The server's thread stopped without being closed (the server failed). */
  readonly onStopped?: (error: ServiceThreadError) => void;
}

export interface S3ServerOnThread extends RunningS3Server {
  readonly threadId: number;
}

export async function startS3ServerOnThread(
  server: S3ServerThreadData,
  options: S3ServerThreadOptions = {},
): Promise<S3ServerOnThread> {
  const thread = await startServiceThread<S3ServerDescription>(
    'the embedded S3 server',
    compiledEntry(__filename, 's3-thread'),
    server,
    options,
  );
  return { ...thread.ready, threadId: thread.threadId, close: () => thread.close() };
}
