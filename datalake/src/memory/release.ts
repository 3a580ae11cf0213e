/**
 * Gives the memory of large, long-lived buffers back now rather than at V8's next full collection. A buffer that
 * lived through a transfer (an upload's parts) has been moved to the old generation, which only a full collection
 * frees — and a lake streaming through small buffers may not run one for minutes: the memory stays resident (the
 * parts' 16 MiB after every large upload). Transferring the buffer detaches it (nothing can read or write it any
 * more) and hands its memory to a clone nobody holds, which is young and freed by the scavenge asked for here.
 *
 * Only for buffers nothing else uses any more — no pending socket write — and that own their whole ArrayBuffer
 * (`Buffer.allocUnsafeSlow`, never a pooled one).
 */
import { v8Collector } from './collector';

const collect = v8Collector();

export function releaseNow(buffers: readonly Buffer[]): void {
  for (const { buffer } of buffers)
    if (buffer instanceof ArrayBuffer) structuredClone(buffer, { transfer: [buffer] });
  if (collect !== undefined) setImmediate(() => collect({ type: 'minor' }));
}
