/**
 * V8's own collector, for the few places that know better than its heuristics when garbage is due: reached through
 * V8's flag (`--expose-gc`), set when asked, in a context of its own (so nothing is added to the global scope). The
 * collection is the calling thread's isolate's. Undefined where V8 does not give it.
 *
 * Looked up once per thread: a new context costs milliseconds of the event loop (`vm.createContext`), and every
 * streamed upload asked for the collector — 1.8 s of the platform's main thread in a 4-minute soak's profile, in
 * blocks that delayed whatever request was waiting.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type Collector = (options?: { readonly type?: 'minor' | 'major' }) => void;

let found: { readonly gc: Collector | undefined } | undefined;

export function v8Collector(): Collector | undefined {
  if (found === undefined) {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as Collector | undefined;
    found = { gc: typeof gc === 'function' ? gc : undefined };
  }
  return found.gc;
}
