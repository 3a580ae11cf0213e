/**
 * Disabled identities: one key per disabled (MSP, role, id), absent otherwise, so checking a caller
 * costs exactly one state read.
 */
import type { IdentityStatus } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

interface Identity {
  readonly mspId: string;
  readonly role: string;
  readonly id: string;
}

function keyOf(store: Store, identity: Identity): string {
  return store.key(OBJECT_TYPES.disabledIdentity, [identity.mspId, identity.role, identity.id]);
}

/** The identity's record while it is disabled; undefined when it is enabled. */
export function loadDisabled(store: Store, identity: Identity): Promise<IdentityStatus | undefined> {
  return store.get<IdentityStatus>(keyOf(store, identity));
}

export async function saveDisabled(store: Store, status: IdentityStatus): Promise<void> {
  await store.put(keyOf(store, status), status);
}

export async function deleteDisabled(store: Store, identity: Identity): Promise<void> {
  await store.delete(keyOf(store, identity));
}
