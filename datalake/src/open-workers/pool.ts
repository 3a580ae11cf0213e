/**
 * A small pool of worker threads that open large sealed objects (binaries) for the main thread. Measured on a 1 GiB
 * download, the main thread spent a third of its time in V8's collector: every socket read and every cipher output
 * is a fresh buffer counted as external memory, and V8 answers that growth by marking the lake's whole (large,
 * static) heap again every few dozen MiB. On a worker those buffers live in a heap of a few MiB; the main thread
 * only writes views of a shared ring to the response (see ring-stream.ts, slot-ring.ts).
 *
 * Workers are created when first needed, up to `workers`; a stream goes to the least busy one. A worker that dies
 * fails its own streams (STORAGE_UNAVAILABLE) and is replaced at the next open; `close` terminates them all.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { DatalakeError } from '../errors';
import type { SignedGet } from '../storage/object-store';
import type { Outgoing } from '../stream/outgoing';
import type { FromWorker, ToWorker } from './protocol';
import { RingStream } from './ring-stream';

/** Two workers: the machine the lake is sized for has two cores, and one worker keeps up with one download. */
export const DEFAULT_OPEN_WORKERS = 2;
/**
 * Objects smaller than this (one sealed chunk) are opened in the calling thread: their buffers, about twice their
 * size, are far below what sets off V8's external-memory collections, and a worker's hop (a cold start is ~150 ms
 * and ~27 MiB) would cost more than it saves.
 */
export const OFF_THREAD_MIN_BYTES = 1024 * 1024;
/** Bytes per slot of a stream's ring. */
export const DEFAULT_SLOT_BYTES = 1024 * 1024;
/** Slots per stream: how far the storage read may run ahead of the response. */
export const DEFAULT_SLOTS = 4;

export interface OpenWorkersOptions {
  readonly workers?: number;
  readonly slotBytes?: number;
  readonly slots?: number;
  readonly logger?: Logger;
}

/** A sealed object to open on a worker. */
export interface WorkerOpen {
  /** The sealed object's GET, signed: the worker reads it with no S3 client or keys of its own. */
  readonly read: SignedGet;
  /** Copied to the worker; the caller wipes its own copy. */
  readonly dataKey: Buffer;
  readonly context: string;
  /** The plaintext's size: a small object gets a ring of its size, not of the most a stream may hold. */
  readonly plainBytes: number;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly streams: Map<number, RingStream>;
}

/** The worker's entry beside this module: compiled JavaScript in production, TypeScript (through tsx) from source. */
function workerEntry(): { filename: string; execArgv?: string[] } {
  const extension = path.extname(__filename);
  const filename = path.join(__dirname, `worker${extension}`);
  return extension === '.ts'
    ? { filename, execArgv: ['--require', require.resolve('tsx/cjs')] }
    : { filename };
}

export class OpenWorkers {
  private readonly pool: PoolWorker[] = [];
  private readonly size: number;
  private readonly slotBytes: number;
  private readonly slots: number;
  private nextStream = 1;
  private closed = false;

  constructor(private readonly options: OpenWorkersOptions = {}) {
    this.size = Math.max(1, options.workers ?? DEFAULT_OPEN_WORKERS);
    this.slotBytes = options.slotBytes ?? DEFAULT_SLOT_BYTES;
    this.slots = Math.max(1, options.slots ?? DEFAULT_SLOTS);
  }

  /** Opens the object on a worker; resolves once storage answered (NOT_FOUND and storage failures reject). */
  async open(request: WorkerOpen): Promise<Outgoing> {
    if (this.closed) throw new DatalakeError('STORAGE_UNAVAILABLE', 'the data lake is stopping');
    const holder = this.pick();
    const stream = this.nextStream++;
    const slots = Math.min(this.slots, Math.max(1, Math.ceil(request.plainBytes / this.slotBytes)));
    const ring = new SharedArrayBuffer(slots * this.slotBytes);
    const reader = new RingStream(stream, ring, this.slotBytes, (message: ToWorker) =>
      holder.worker.postMessage(message),
    );
    holder.streams.set(stream, reader);
    // The key travels in a buffer of its own, transferred: nothing of it stays behind in this thread.
    const dataKey = new Uint8Array(request.dataKey);
    const message: ToWorker = {
      type: 'open',
      stream,
      read: request.read,
      dataKey,
      context: request.context,
      ring,
      slotSize: this.slotBytes,
      slots,
    };
    holder.worker.postMessage(message, [dataKey.buffer]);
    await reader.opened;
    return reader;
  }

  /** Streams the workers still hold (until a worker reports its storage read closed). */
  get openStreams(): number {
    return this.pool.reduce((sum, each) => sum + each.streams.size, 0);
  }

  /** The running workers (for health reports and tests). */
  get threads(): readonly Worker[] {
    return this.pool.map((each) => each.worker);
  }

  /** Terminates every worker (their streams fail); no open is accepted afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.pool.map((each) => each.worker.terminate()));
  }

  /** The least busy worker; a new one while every worker has a stream and the pool is not full. */
  private pick(): PoolWorker {
    const idle = this.pool.reduce<PoolWorker | undefined>(
      (best, each) => (best === undefined || each.streams.size < best.streams.size ? each : best),
      undefined,
    );
    if (idle !== undefined && (idle.streams.size === 0 || this.pool.length >= this.size)) return idle;
    return this.start();
  }

  private start(): PoolWorker {
    const { filename, execArgv } = workerEntry();
    const worker = new Worker(filename, execArgv === undefined ? {} : { execArgv });
    const holder: PoolWorker = { worker, streams: new Map() };
    // Read now: a worker that stopped reports -1.
    const thread = worker.threadId;
    this.pool.push(holder);
    worker.on('message', (message: FromWorker) => {
      const reader = holder.streams.get(message.stream);
      if (reader === undefined) return;
      reader.receive(message);
      if (message.type === 'closed') holder.streams.delete(message.stream);
    });
    worker.on('error', (error) => {
      this.options.logger?.error({ thread, error: error.name }, 'an open worker failed');
    });
    worker.once('exit', (exitCode) => {
      this.pool.splice(this.pool.indexOf(holder), 1);
      const failed = holder.streams.size;
      for (const reader of holder.streams.values())
        reader.fail(new DatalakeError('STORAGE_UNAVAILABLE', 'the read of the object stopped'));
      holder.streams.clear();
      if (!this.closed)
        this.options.logger?.warn(
          { thread, exitCode, streams: failed },
          'an open worker stopped; its streams failed, a new one starts at the next open',
        );
    });
    // Idle workers do not keep the process alive; a stream's response does.
    worker.unref();
    return holder;
  }
}
