/**
 * Counts this process's young-generation collections (V8's scavenges) from now until the returned function is
 * called — the tests of transfers that ask for them as their bytes pass (memory/young-collection.ts).
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { NodeGCPerformanceDetail } from 'node:perf_hooks';

export function countScavenges(): () => Promise<number> {
  let scavenges = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries())
      if (
        (entry as { readonly detail?: NodeGCPerformanceDetail }).detail?.kind ===
        constants.NODE_PERFORMANCE_GC_MINOR
      )
        scavenges += 1;
  });
  observer.observe({ entryTypes: ['gc'] });
  return async () => {
    // Entries arrive after the collection: a turn of the event loop for the last ones.
    await new Promise((resolve) => setImmediate(resolve));
    observer.disconnect();
    return scavenges;
  };
}
