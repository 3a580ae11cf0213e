/**
 * V8's own collector, for the few places that know better than its heuristics when garbage is due: reached through
 * V8's flag (`--expose-gc`), set when asked, in a context of its own (so nothing is added to the global scope). The
 * collection is the calling thread's isolate's. Undefined where V8 does not give it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export type Collector = (options?: { readonly type?: 'minor' | 'major' }) => void;

export function v8Collector(): Collector | undefined {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Collector | undefined;
  return typeof gc === 'function' ? gc : undefined;
}
