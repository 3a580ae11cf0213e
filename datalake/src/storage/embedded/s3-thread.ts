/**
 * The embedded S3 server on a worker thread of its own (`s3-thread-worker.ts` runs `startS3Server` there): what the
 * lake's embedded default runs. In one thread with the platform, every S3 request the lake sends — an assembly's
 * reads, a record's store, the expiry sweep's listings and deletes — was served by the same event loop as the
 * gateway, the lake and the embedded network, so a burst of S3 work delayed every other request in flight (in a
 * soak, the S3 server's own answers took 60–90 ms at such moments, and the patients' and auditors' requests beside
 * them 100–270 ms). On its own thread it runs beside them on the second core, as a real S3 server would on its own
 * machine. The lake still reaches it over HTTP with SigV4, like any S3.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { workerEntry } from '../../concurrency/worker-entry';
import type { RunningS3Server, S3ServerOptions } from './s3-server';

/** What the thread is started with: the server's options but the logger (a logger cannot cross threads). */
export type S3ThreadOptions = Omit<S3ServerOptions, 'logger'>;

/** Messages from the thread. */
export type FromS3Thread =
  | { readonly type: 'ready'; readonly server: Omit<RunningS3Server, 'close'> }
  | { readonly type: 'refused'; readonly code: string; readonly method: string | undefined }
  | { readonly type: 'closed' }
  /** It could not start: the error's name and system code (ENOENT, EADDRINUSE), never its message (a path). */
  | { readonly type: 'failed'; readonly name: string; readonly code: string | undefined };

/**
 * Starts the server on its own thread; resolves once it listens. What it refuses is logged to `logger`, as is the
 * thread failing. `close` stops the server, then the thread.
 */
export function startS3ServerThread(options: S3ThreadOptions, logger?: Logger): Promise<RunningS3Server> {
  const { filename, execArgv } = workerEntry(__filename, 's3-thread-worker');
  const worker = new Worker(filename, {
    workerData: options,
    ...(execArgv === undefined ? {} : { execArgv }),
  });
  return new Promise((resolve, reject) => {
    let closed: (() => void) | undefined;
    worker.on('message', (message: FromS3Thread) => {
      if (message.type === 'refused')
        logger?.warn({ code: message.code, method: message.method }, 'S3 request refused');
      else if (message.type === 'closed') closed?.();
      else if (message.type === 'failed') {
        reject(
          new Error(`the embedded S3 server did not start: ${message.name} ${message.code ?? ''}`.trim()),
        );
        void worker.terminate();
      } else
        resolve({
          ...message.server,
          close: async () => {
            const answered = new Promise<void>((done) => {
              closed = done;
            });
            worker.postMessage('close');
            await answered;
            await worker.terminate();
          },
        });
    });
    worker.once('error', (error) => {
      // Its name only: the message may quote a path.
      logger?.error({ err: error.name }, 'the embedded S3 server thread failed');
      reject(error);
    });
    worker.once('exit', (code) => {
      closed?.();
      reject(new Error(`the embedded S3 server thread exited (${code}) before it was ready`));
    });
  });
}
