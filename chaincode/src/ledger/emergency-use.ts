/** Each requester's emergency requests by time: the rate limit and the 24-hour count read them. */
import { addMillis } from '../model';
import type { Instant, Requester } from '../model';
import { emergencyUseDigest, emergencyUseInstant, emergencyUseKey, emergencyUseRange } from './keys';
import type { Store } from './store';

export async function recordEmergencyUse(
  store: Store,
  requester: Requester,
  at: Instant,
  entryId: string,
): Promise<void> {
  await store.mark(emergencyUseKey(emergencyUseDigest(requester), at, entryId));
}

/**
 * The instants of the requester's emergency requests after `at - windowMs` (later ones too: transaction
 * timestamps are set by clients and need not increase). Costs O(requests in the window).
 */
export async function emergencyUseSince(
  store: Store,
  requester: Requester,
  at: Instant,
  windowMs: number,
): Promise<Instant[]> {
  const { start, end } = emergencyUseRange(emergencyUseDigest(requester), addMillis(at, 1 - windowMs));
  const entries = await store.range(start, end);
  return entries.map((entry) => emergencyUseInstant(entry.key));
}
