/**
 * Gives back, once at start, the memory that loading the FHIR definitions left behind. Parsing Medplum's R4
 * definitions (about 35 MB of JSON) leaves some 150 MiB of garbage that V8 collects only when the heap grows again —
 * which a lake streaming gigabytes through small buffers may never do — so the process would sit near 220 MiB
 * resident for nothing; after one full collection it holds what the indexes keep (about 30 MiB of it). The
 * collector is reached through V8's own flag (see memory/collector.ts).
 */
import { v8Collector } from '../memory/collector';

/** A second collection once the first one's freed pages can be returned (V8 unmaps them on a later cycle). */
const SETTLE_MS = 1_000;

export function collectStartupGarbage(): void {
  const gc = v8Collector();
  if (gc === undefined) return;
  gc();
  setTimeout(gc, SETTLE_MS).unref();
}
