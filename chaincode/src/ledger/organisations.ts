/** The organisation registry (current and every committed version) and the organisations' approvals. */
import { EMPTY_REGISTRY } from '../model';
import type { OrganisationRegistry, RegistryApproval } from '../model';
import { OBJECT_TYPES, versionAttribute } from './keys';
import type { Store } from './store';

export async function loadRegistry(store: Store): Promise<OrganisationRegistry> {
  return (await store.get<OrganisationRegistry>(store.key(OBJECT_TYPES.registry, []))) ?? EMPTY_REGISTRY;
}

export async function saveRegistry(store: Store, registry: OrganisationRegistry): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.registry, []), registry);
  await store.put(store.key(OBJECT_TYPES.registryVersion, [versionAttribute(registry.version)]), registry);
}

export function loadApproval(
  store: Store,
  sequence: number,
  mspId: string,
): Promise<RegistryApproval | undefined> {
  return store.get<RegistryApproval>(
    store.key(OBJECT_TYPES.registryApproval, [versionAttribute(sequence), mspId]),
  );
}

export async function saveApproval(store: Store, approval: RegistryApproval): Promise<void> {
  await store.put(
    store.key(OBJECT_TYPES.registryApproval, [versionAttribute(approval.sequence), approval.mspId]),
    approval,
  );
}
