/**
 * What the lake sends as a response body: a source that writes itself to the response. A binary opened on a worker
 * thread writes views of shared memory and takes each slot back only once the socket is done with it, which a
 * `Readable` (whose consumer owns what it reads) cannot express; a `Readable` is adapted below.
 */
import type { Readable, Writable } from 'node:stream';

export interface Outgoing {
  /** Writes everything to `out` and ends it; rejects when the source fails (`out` is then left as it is). */
  writeTo(out: Writable): Promise<void>;
  /** Stops the source (the reader went away); nothing more is written. Safe to call more than once. */
  cancel(): void;
}

export function readableOutgoing(source: Readable): Outgoing {
  return {
    writeTo: (out) =>
      new Promise((resolve, reject) => {
        source.once('error', (error) => {
          source.unpipe(out);
          reject(error);
        });
        source.once('end', () => resolve());
        source.pipe(out);
      }),
    cancel: () => source.destroy(),
  };
}
