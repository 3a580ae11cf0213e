/**
 * Clinician contributions, keyed by the patient they are about, and an index of each clinician's
 * pending ones (the quota), removed when the patient decides.
 */
import type { Contribution, Page, Requester } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

export function loadContribution(
  store: Store,
  patientId: string,
  contributionId: string,
): Promise<Contribution | undefined> {
  return store.get<Contribution>(store.key(OBJECT_TYPES.contribution, [patientId, contributionId]));
}

function pendingKey(store: Store, contribution: Contribution): string {
  const { submitter, patientId, contributionId } = contribution;
  return store.key(OBJECT_TYPES.pendingContribution, [
    submitter.mspId,
    submitter.id,
    patientId,
    contributionId,
  ]);
}

/** Stores the contribution and keeps the pending index in step with its status. */
export async function saveContribution(store: Store, contribution: Contribution): Promise<void> {
  await store.put(
    store.key(OBJECT_TYPES.contribution, [contribution.patientId, contribution.contributionId]),
    contribution,
  );
  if (contribution.status === 'pending') await store.mark(pendingKey(store, contribution));
  else await store.delete(pendingKey(store, contribution));
}

/** How many contributions the clinician has awaiting a decision. O(that number), which the quota bounds. */
export async function pendingCount(
  store: Store,
  submitter: Pick<Requester, 'mspId' | 'id'>,
): Promise<number> {
  return (await store.scan(OBJECT_TYPES.pendingContribution, [submitter.mspId, submitter.id])).length;
}

/** Every contribution about a patient. Writing transactions only (erasure). */
export async function patientContributions(store: Store, patientId: string): Promise<Contribution[]> {
  const entries = await store.scan(OBJECT_TYPES.contribution, [patientId]);
  return entries.map((entry) => store.json<Contribution>(entry));
}

export function pageContributions(
  store: Store,
  patientId: string,
  pageSize: number,
  bookmark: string,
): Promise<Page<Contribution>> {
  return store.page(OBJECT_TYPES.contribution, [patientId], pageSize, bookmark, async (entry) =>
    store.json<Contribution>(entry),
  );
}
