/**
 * The entry of the thread the platform runs the embedded S3 server on (see on-thread.ts): starts the server over the
 * host's directory, reports its endpoint and keys (to the host only: never logged), and closes it on the host's word.
 */
import { serveOnThread } from '@custodia/ledger/service';
import type { S3ServerDescription, S3ServerThreadData } from './on-thread';
import { startS3Server } from './s3-server';

serveOnThread<S3ServerThreadData, S3ServerDescription>(async (options, logger) => {
  const { close, ...description } = await startS3Server({ ...options, logger });
  return { ready: description, close };
});
