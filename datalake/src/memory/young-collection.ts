/**
 * Scavenges the calling thread's young generation every so many bytes of a transfer. Every socket read and cipher
 * output is a buffer that dies within a chunk, but V8 acts on such external memory only once tens of MiB of it
 * piled up — by marking the whole heap — and the process's resident set grows by that much meanwhile (and glibc
 * keeps most of it afterwards). A scavenge every MiB (a fraction of a millisecond) gives the buffers back as they die.
 *
 * The scavenge runs once the current call stack has returned (setImmediate), not where the bytes are counted: in the
 * middle of a stream's push, that chunk's buffers are all still alive, would survive, and a buffer that survives
 * twice is moved to the old generation, which only a full collection frees.
 */
import { Transform } from 'node:stream';
import { v8Collector } from './collector';

export const DEFAULT_SCAVENGE_BYTES = 1024 * 1024;

/** A counter of transferred bytes that asks for a scavenge each time `everyBytes` more have passed. */
export function youngCollection(everyBytes = DEFAULT_SCAVENGE_BYTES): (bytes: number) => void {
  const collect = v8Collector();
  let since = 0;
  let scheduled = false;
  return (bytes) => {
    since += bytes;
    if (collect === undefined || since < everyBytes || scheduled) return;
    since = 0;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      collect({ type: 'minor' });
    });
  };
}

/**
 * A stream stage that passes every chunk on unchanged and counts it for `youngCollection`: for a transfer whose
 * buffers are allocated and dropped by code the caller does not own (a socket's reads, a file stream's reads).
 */
export function collectedAsPassed(everyBytes = DEFAULT_SCAVENGE_BYTES): Transform {
  const passed = youngCollection(everyBytes);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      passed(chunk.length);
      callback(null, chunk);
    },
  });
}
