/**
 * A service the platform runs on a worker thread of its own process — the embedded network, the embedded S3 server.
 * It gets an event loop and a heap of its own, so on the two cores the platform is sized for it can compute while the
 * gateway and the data lake do, instead of taking turns with them on one loop. Clients reach it over its sockets (gRPC,
 * HTTP) exactly as they reach a separate deployment; only its start, its log lines and its stop pass between threads.
 *
 * The thread's side (`serveOnThread`) starts the service from the data it was given, reports what its clients need
 * (`ready`), forwards its log lines to the host's logger, and closes on the host's word. The host's side
 * (`startServiceThread`) rejects when the start failed, and reports a thread that stops on its own (its service
 * crashed) through `onStopped`: the host decides what follows.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';

export interface ThreadLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

type Level = keyof ThreadLogger;

type FromThread =
  | { readonly type: 'ready'; readonly ready: unknown }
  | { readonly type: 'failed'; readonly code?: string; readonly message: string }
  | {
      readonly type: 'log';
      readonly level: Level;
      readonly fields: Record<string, unknown>;
      readonly message: string;
    }
  /** The service's close ended; `failed` is its error's code when it failed. */
  | { readonly type: 'closed'; readonly failed?: string };

type ToThread = { readonly type: 'close' };

/** A service started on a thread: what it reported when ready, and its stop. */
export interface ServiceThread<T> {
  readonly ready: T;
  readonly threadId: number;
  /**
   * Closes the service and ends the thread; safe to call more than once. Rejects when the close did not end as it
   * should: the service's close failed, the thread stopped while closing, or it was ended after `closeTimeoutMs`.
   */
  close(): Promise<void>;
}

export interface ServiceThreadOptions {
  readonly logger?: ThreadLogger;
  /** The thread stopped without being closed: its service failed. Called once, never after `close`. */
  readonly onStopped?: (error: ServiceThreadError) => void;
  /** How long a close may take before the thread is ended anyway (default 30 s). */
  readonly closeTimeoutMs?: number;
}

export class ServiceThreadError extends Error {
  override readonly name = 'ServiceThreadError';
  constructor(
    message: string,
    /** The service's own error code when its start failed with one (e.g. a configuration refused). */
    readonly code: string = 'SERVICE_THREAD_STOPPED',
  ) {
    super(message);
  }
}

const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;

/**
 * Starts `entry` (a compiled module that calls `serveOnThread`) on a worker thread with `data`, and resolves once it
 * reports ready. Rejects with the service's own code and message when its start failed.
 */
export function startServiceThread<T>(
  name: string,
  entry: string,
  data: unknown,
  options: ServiceThreadOptions = {},
): Promise<ServiceThread<T>> {
  // The environment as this module sees it (a test runner's sandbox may set variables the process does not have).
  const worker = new Worker(entry, { workerData: data, env: process.env });
  let state: 'starting' | 'running' | 'closing' | 'stopped' = 'starting';
  let failure: ServiceThreadError | undefined;
  /** Set when a close did not end as it should: the service's close failed, the thread crashed or was ended. */
  let closeFailure: ServiceThreadError | undefined;
  /** The service's close reported back. */
  let closed = false;
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  return new Promise((resolve, reject) => {
    const close = async (): Promise<void> => {
      if (state === 'running') {
        state = 'closing';
        worker.postMessage({ type: 'close' } satisfies ToThread);
        const timer = setTimeout(() => {
          closeFailure ??= new ServiceThreadError(`${name} did not close in time and was ended`);
          options.logger?.error({ service: name }, 'a service thread did not close in time; ending it');
          void worker.terminate();
        }, options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
        const exitCode = await exited;
        clearTimeout(timer);
        // Ended before its service's close reported back (a thread ended after 'closed' exits with 1: it was ended).
        if (!closed)
          closeFailure ??=
            failure ?? new ServiceThreadError(`${name} stopped while closing (exit code ${exitCode})`);
      }
      await exited;
      if (closeFailure !== undefined) throw closeFailure;
    };
    worker.on('message', (message: FromThread) => {
      switch (message.type) {
        case 'log':
          options.logger?.[message.level](message.fields, message.message);
          return;
        case 'ready':
          state = 'running';
          resolve({ ready: message.ready as T, threadId: worker.threadId, close });
          return;
        case 'failed':
          failure = new ServiceThreadError(`${name} failed to start: ${message.message}`, message.code);
          void worker.terminate();
          return;
        case 'closed':
          closed = true;
          if (message.failed !== undefined)
            closeFailure ??= new ServiceThreadError(`${name} failed to close`, message.failed);
          // The service's close resolved: what it wrote is written; nothing the thread still holds is worth waiting for.
          void worker.terminate();
          return;
      }
    });
    worker.on('error', (error: Error & { code?: unknown }) => {
      // An uncaught error of the service: its code and where it was thrown, never its message (it may name data).
      const code = typeof error.code === 'string' ? error.code : undefined;
      options.logger?.error(
        { service: name, code, frames: stackFrames(error.stack) },
        'a service thread failed',
      );
      failure ??= new ServiceThreadError(`${name} failed: ${error.name}`, code);
    });
    void exited.then((exitCode) => {
      const before = state;
      state = 'stopped';
      if (before === 'starting')
        reject(
          failure ?? new ServiceThreadError(`${name} stopped before it was ready (exit code ${exitCode})`),
        );
      else if (before === 'running') {
        try {
          options.onStopped?.(failure ?? new ServiceThreadError(`${name} stopped (exit code ${exitCode})`));
        } catch (error) {
          options.logger?.error({ service: name, error: (error as Error).name }, 'onStopped failed');
        }
      }
    });
  });
}

/** The frames of a stack (file, line, function), without its first line: the error's message. */
function stackFrames(stack: string | undefined): string[] {
  return (stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith('at '));
}

/** A service started on a thread as its clients use it: what it reported when ready, its thread and its stop. */
export type OnThread<T> = T & {
  readonly threadId: number;
  /** See `ServiceThread.close`. */
  close(): Promise<void>;
};

/** `startServiceThread`, answered as the service's own description with the thread's id and stop beside it. */
export async function startOnThread<T extends object>(
  name: string,
  entry: string,
  data: unknown,
  options: ServiceThreadOptions = {},
): Promise<OnThread<T>> {
  const thread = await startServiceThread<T>(name, entry, data, options);
  return { ...thread.ready, threadId: thread.threadId, close: () => thread.close() };
}

/** What a service started on a thread hands back: what its clients need, and its stop. */
export interface ThreadService<T> {
  readonly ready: T;
  close(): Promise<void>;
}

/**
 * The thread's side: starts the service with the host's data and a logger whose lines the host's logger writes, then
 * reports ready (or the start's failure: its code and message, which name reasons, never content) and closes on the
 * host's word.
 */
export function serveOnThread<D, T>(
  start: (data: D, logger: ThreadLogger) => Promise<ThreadService<T>>,
): void {
  const port = parentPort;
  if (port === null) throw new Error('serveOnThread runs on a worker thread');
  const post = (message: FromThread): void => port.postMessage(message);
  const line =
    (level: Level) =>
    (fields: Record<string, unknown>, message: string): void => {
      try {
        post({ type: 'log', level, fields, message });
      } catch {
        // A field that cannot cross threads (a function, a handle): the line without its fields.
        post({ type: 'log', level, fields: {}, message });
      }
    };
  const logger: ThreadLogger = { info: line('info'), warn: line('warn'), error: line('error') };
  start(workerData as D, logger).then(
    (service) => {
      port.on('message', (message: ToThread) => {
        if (message.type !== 'close') return;
        service.close().then(
          () => post({ type: 'closed' }),
          (error: unknown) => {
            const code = (error as { code?: unknown }).code;
            post({ type: 'closed', failed: typeof code === 'string' ? code : 'ERROR' });
          },
        );
      });
      post({ type: 'ready', ready: service.ready });
    },
    (error: unknown) => {
      const { code, message } = error as { code?: unknown; message?: unknown };
      post({
        type: 'failed',
        ...(typeof code === 'string' ? { code } : {}),
        message: typeof message === 'string' ? message : String(error),
      });
    },
  );
}

/**
 * The compiled module `name` beside `filename` (a thread's entry). From the compiled packages that is the file next to
 * it; from the sources (tests, tsx), the package's build of it — `src/…` read as `dist/…` — since a thread runs plain
 * JavaScript: the chaincode's contracts need the decorator metadata only the TypeScript compiler emits. A build older
 * than the entry's source is refused (`npm test` builds first; a lone `npx jest` after an edit may not have). Only the
 * entry's own source is compared: a build stale in another file goes unnoticed. (The data lake's open workers, which
 * need no decorator metadata, run from the sources under tsx in tests: datalake/src/open-workers/pool.ts.)
 */
export function compiledEntry(filename: string, name: string): string {
  const directory = path.dirname(filename);
  if (path.extname(filename) === '.js') return path.join(directory, `${name}.js`);
  const parts = directory.split(path.sep);
  const source = parts.lastIndexOf('src');
  if (source < 0) throw new Error(`${filename} is not in a package's src folder`);
  const built = path.join(
    parts.slice(0, source).join(path.sep),
    'dist',
    ...parts.slice(source + 1),
    `${name}.js`,
  );
  const rebuild = 'run `npm run build` (or `tsc -b`) first';
  if (!existsSync(built)) throw new Error(`${built} is not built: ${rebuild}`);
  const entrySource = path.join(directory, `${name}.ts`);
  if (existsSync(entrySource) && statSync(entrySource).mtimeMs > statSync(built).mtimeMs)
    throw new Error(`${built} is older than its source: ${rebuild}`);
  return built;
}
