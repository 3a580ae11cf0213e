/** Clinician contributions, keyed by the patient they are about. */
import type { Contribution, Page } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

export function loadContribution(
  store: Store,
  patientId: string,
  contributionId: string,
): Promise<Contribution | undefined> {
  return store.get<Contribution>(store.key(OBJECT_TYPES.contribution, [patientId, contributionId]));
}

export async function saveContribution(store: Store, contribution: Contribution): Promise<void> {
  await store.put(
    store.key(OBJECT_TYPES.contribution, [contribution.patientId, contribution.contributionId]),
    contribution,
  );
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
