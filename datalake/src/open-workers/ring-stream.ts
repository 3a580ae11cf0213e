/**
 * The main thread's side of one stream opened on a worker: the worker's slots of plaintext are written to the
 * response as views of the shared ring (no copy, and nothing the main thread's collector has to account for), and
 * each slot goes back to the worker only once the response's write of it completed — the worker waits for free
 * slots, so a slow reader slows the storage read, and memory stays at the ring's size.
 */
import type { Writable } from 'node:stream';
import { DatalakeError } from '../errors';
import type { Outgoing } from '../stream/outgoing';
import type { FromWorker, ToWorker } from './protocol';

interface Filled {
  readonly slot: number;
  readonly length: number;
}

export class RingStream implements Outgoing {
  /** Resolves once storage answered; rejects with the stream's failure before that. */
  readonly opened: Promise<void>;
  private resolveOpened!: () => void;
  private rejectOpened!: (error: Error) => void;
  /** Slots that arrived before the response was there to take them. */
  private readonly waiting: Filled[] = [];
  private out?: Writable;
  private settle?: { resolve: () => void; reject: (error: Error) => void };
  private failure?: Error;
  private ended = false;
  /** Ended, failed or cancelled: nothing more is written or given back. */
  private finished = false;

  constructor(
    readonly stream: number,
    private readonly ring: SharedArrayBuffer,
    private readonly slotSize: number,
    private readonly send: (message: ToWorker) => void,
  ) {
    this.opened = new Promise((resolve, reject) => {
      this.resolveOpened = resolve;
      this.rejectOpened = reject;
    });
    // A failure before anyone awaits `opened` is seen through writeTo.
    this.opened.catch(() => undefined);
  }

  /** A message of the worker about this stream. */
  receive(message: FromWorker): void {
    if (this.finished) return;
    switch (message.type) {
      case 'opened':
        this.resolveOpened();
        return;
      case 'data':
        if (this.out === undefined) this.waiting.push(message);
        else this.write(message);
        return;
      case 'end':
        this.ended = true;
        if (this.out !== undefined) this.end();
        return;
      case 'error':
        this.fail(new DatalakeError(message.code, message.message));
        return;
      case 'closed':
        return;
    }
  }

  writeTo(out: Writable): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.out !== undefined) return Promise.reject(new Error('a stream is written once'));
    return new Promise((resolve, reject) => {
      this.out = out;
      this.settle = { resolve, reject };
      for (const filled of this.waiting.splice(0)) this.write(filled);
      if (this.ended) this.end();
    });
  }

  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.send({ type: 'cancel', stream: this.stream });
    this.rejectOpened(new DatalakeError('NOT_FOUND', 'the reader went away'));
    this.settle?.resolve();
  }

  /** Fails the stream (the worker's report, or the worker gone). */
  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.failure = error;
    this.rejectOpened(error);
    this.settle?.reject(error);
  }

  private write({ slot, length }: Filled): void {
    const view = Buffer.from(this.ring, slot * this.slotSize, length);
    (this.out as Writable).write(view, (error) => {
      if ((error === null || error === undefined) && !this.finished)
        this.send({ type: 'free', stream: this.stream, slot });
    });
  }

  private end(): void {
    this.finished = true;
    (this.out as Writable).end();
    this.settle?.resolve();
  }
}
