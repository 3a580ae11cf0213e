/** Emergency policies (current and every version) in world state. */
import type { EmergencyPolicy, Page } from '../model';
import { OBJECT_TYPES, versionAttribute } from './keys';
import type { Store } from './store';

export function loadPolicy(store: Store, patientId: string): Promise<EmergencyPolicy | undefined> {
  return store.get<EmergencyPolicy>(store.key(OBJECT_TYPES.policy, [patientId]));
}

export async function savePolicy(store: Store, policy: EmergencyPolicy): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.policy, [policy.patientId]), policy);
  await store.put(
    store.key(OBJECT_TYPES.policyVersion, [policy.patientId, versionAttribute(policy.version)]),
    policy,
  );
}

export function pagePolicyVersions(
  store: Store,
  patientId: string,
  pageSize: number,
  bookmark: string,
): Promise<Page<EmergencyPolicy>> {
  return store.page(OBJECT_TYPES.policyVersion, [patientId], pageSize, bookmark, async (entry) =>
    store.json<EmergencyPolicy>(entry),
  );
}
