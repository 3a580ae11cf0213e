/**
 * A service of the platform on a worker thread of its own, for the platform in one process (`npm start`, the
 * end-to-end tests, the soak). Production runs each service as a process of its own; a thread gives it what that
 * process has — an event loop and a heap of its own — so that one service's work (a record assembled by the lake,
 * a block validated and committed by the embedded peer) does not hold up another's requests meanwhile, and the
 * machine's second core takes its share. Services reach each other as they would across processes: over the network.
 *
 * The thread's script (`serve-in-thread.ts`) starts the service and reports what its host needs to know of it (a
 * URL, a connection profile: plain data); its log lines come back to the host logger's destination, redacted as
 * every other line is; `close` stops the service, then the thread.
 */
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { workerScript } from '@custodia/ledger';

/** What a service's thread receives: its own data, and how to log. */
export interface ServiceThreadData<D> {
  readonly service: D;
  readonly logLevel: string;
  /** The host logger's bindings (its name, e.g. `service: 'datalake'`). */
  readonly bindings: Readonly<Record<string, unknown>>;
}

export type FromServiceThread<R> =
  | { readonly type: 'ready'; readonly value: R }
  | { readonly type: 'failed'; readonly error: StartFailure }
  | { readonly type: 'log'; readonly line: string }
  | { readonly type: 'closed' };

export type ToServiceThread = { readonly type: 'close' };

/** A start failure, as it crosses threads: its message and, for coded errors, the class's name and code. */
export interface StartFailure {
  readonly message: string;
  readonly name?: string;
  readonly code?: string;
}

export interface ServiceThreadOptions<D> {
  /** The thread's script beside this module (without extension). */
  readonly script: string;
  readonly data: D;
  /** The service's logger (a child of the platform's): its level and bindings, and where its lines go. */
  readonly logger: Logger;
  /** Rebuilds a coded start failure as the error the service throws in-process (default a plain Error). */
  readonly failure?: (failure: StartFailure) => Error | undefined;
}

export interface ServiceThread<R> {
  /** What the service reported when it started. */
  readonly value: R;
  /** The thread's id (worker_threads'; the platform's own thread is 0). */
  readonly threadId: number;
  /** Stops the service, then its thread. */
  close(): Promise<void>;
}

/** How long a stopping service has to finish before its thread is terminated. */
const CLOSE_GRACE_MS = 15_000;

function destinationOf(logger: Logger): DestinationStream {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym];
  return (stream as DestinationStream | undefined) ?? process.stdout;
}

export async function startServiceThread<D, R>(options: ServiceThreadOptions<D>): Promise<ServiceThread<R>> {
  const { logger } = options;
  const data: ServiceThreadData<D> = {
    service: options.data,
    logLevel: logger.level,
    bindings: logger.bindings(),
  };
  const { filename, execArgv } = workerScript(__filename, options.script);
  const worker = new Worker(filename, { workerData: data, ...(execArgv === undefined ? {} : { execArgv }) });
  const destination = destinationOf(logger);
  let closing = false;
  let exited = false;
  let closed: (() => void) | undefined;
  const ready = new Promise<R>((resolve, reject) => {
    worker.on('message', (message: FromServiceThread<R>) => {
      if (message.type === 'log') destination.write(message.line);
      else if (message.type === 'ready') resolve(message.value);
      else if (message.type === 'failed')
        reject(options.failure?.(message.error) ?? new Error(message.error.message));
      else closed?.();
    });
    worker.once('exit', (exitCode) => {
      exited = true;
      reject(new Error(`the service's thread stopped while starting (exit code ${exitCode})`));
      closed?.();
      if (!closing) logger.error({ exitCode }, "the service's thread stopped: the service is unavailable");
    });
  });
  // Its name and code only: an unforeseen failure's message might quote what it was reading.
  worker.on('error', (error: Error & { code?: unknown }) =>
    logger.error({ error: error.name, code: error.code }, "the service's thread failed"),
  );
  let value: R;
  try {
    value = await ready;
  } catch (error) {
    closing = true;
    await worker.terminate();
    throw error;
  }
  return {
    value,
    threadId: worker.threadId,
    close: async () => {
      if (closing || exited) return;
      closing = true;
      const done = new Promise<void>((resolve) => {
        closed = resolve;
      });
      const grace = setTimeout(() => closed?.(), CLOSE_GRACE_MS);
      worker.postMessage({ type: 'close' } satisfies ToServiceThread);
      await done;
      clearTimeout(grace);
      await worker.terminate();
    },
  };
}
