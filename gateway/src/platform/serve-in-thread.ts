/**
 * The thread's side of service-thread.ts: starts the service with the data its host sent and a logger whose lines
 * go back to the host, reports what the service returned for its host, and on 'close' stops it and reports back.
 */
import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import { createLogger } from '../logging';
import type { FromServiceThread, ServiceThreadData, StartFailure, ToServiceThread } from './service-thread';

export interface ThreadService<R> {
  /** What the host receives (structured-cloned: plain data). */
  readonly value: R;
  close(): Promise<void>;
}

function startFailure(error: unknown): StartFailure {
  if (!(error instanceof Error)) return { message: String(error) };
  const { code } = error as { code?: unknown };
  return { message: error.message, name: error.name, ...(typeof code === 'string' ? { code } : {}) };
}

export function serveInThread<D, R>(start: (data: D, logger: Logger) => Promise<ThreadService<R>>): void {
  const port = parentPort as MessagePort;
  const data = workerData as ServiceThreadData<D>;
  const post = (message: FromServiceThread<R>): void => port.postMessage(message);
  const lines = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      post({ type: 'log', line: chunk.toString() });
      done();
    },
  });
  const { name, ...bindings } = data.bindings;
  const logger = createLogger(
    { name: typeof name === 'string' ? name : 'custodia', level: data.logLevel },
    lines,
  ).child(bindings);
  start(data.service, logger).then(
    (service) => {
      port.on('message', (message: ToServiceThread) => {
        if (message.type !== 'close') return;
        service
          .close()
          .catch((error: unknown) =>
            logger.error(
              { error: error instanceof Error ? error.name : typeof error },
              'the service did not stop cleanly',
            ),
          )
          .finally(() => post({ type: 'closed' }));
      });
      post({ type: 'ready', value: service.value });
    },
    (error: unknown) => post({ type: 'failed', error: startFailure(error) }),
  );
}
