/**
 * The embedded S3 server's thread (started by `s3-thread.ts`): runs `startS3Server` with the options it was given,
 * reports its endpoint, forwards what would be logged (refused requests: their code and method), and stops the
 * server when told 'close'.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startS3Server } from './s3-server';
import type { RefusalLog } from './s3-server';
import type { FromS3Thread, S3ThreadOptions } from './s3-thread';

const port = parentPort;
if (port === null) throw new Error('s3-thread-worker runs as a worker thread');
const send = (message: FromS3Thread): void => port.postMessage(message);

/** What the server logs, sent to the main thread's logger. */
const logger: RefusalLog = {
  warn: ({ code, method }) => send({ type: 'refused', code, method }),
};

startS3Server({ ...(workerData as S3ThreadOptions), logger }).then(
  (server) => {
    const { close, ...running } = server;
    send({ type: 'ready', server: running });
    port.on('message', (message) => {
      if (message !== 'close') return;
      close().then(
        () => send({ type: 'closed' }),
        () => send({ type: 'closed' }),
      );
    });
  },
  (error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    send({
      type: 'failed',
      name: error instanceof Error ? error.name : typeof error,
      code: typeof code === 'string' ? code : undefined,
    });
  },
);
