/**
 * Grants and deliveries in world state, with the two indexes that make revocation cheap:
 * grants by deciding rule (a rule change revokes what it decided) and live grants by patient
 * (a new deny cuts the live grants it narrows). Both are pruned as grants are found revoked or expired.
 */
import { denyCutsGrant, grantStatus } from '../model';
import type { Delivery, Grant, GrantRevocation, Instant, Page, Rule } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

export function loadGrant(store: Store, grantId: string): Promise<Grant | undefined> {
  return store.get<Grant>(store.key(OBJECT_TYPES.grant, [grantId]));
}

export async function saveGrant(store: Store, grant: Grant): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.grant, [grant.grantId]), grant);
  for (const ref of grant.rules) {
    await store.mark(store.key(OBJECT_TYPES.grantByRule, [grant.patientId, ref.ruleId, grant.grantId]));
  }
  await store.mark(store.key(OBJECT_TYPES.liveGrant, [grant.patientId, grant.grantId]));
}

async function revoke(store: Store, grant: Grant, revocation: GrantRevocation): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.grant, [grant.grantId]), { ...grant, revoked: revocation });
  await store.delete(store.key(OBJECT_TYPES.liveGrant, [grant.patientId, grant.grantId]));
}

/** Revokes the still-active grants that a rule (or the emergency policy) decided; returns their ids. */
export async function revokeGrantsDecidedBy(
  store: Store,
  patientId: string,
  ruleId: string,
  at: Instant,
  txId: string,
): Promise<string[]> {
  const revoked: string[] = [];
  for (const entry of await store.scan(OBJECT_TYPES.grantByRule, [patientId, ruleId])) {
    const grantId = store.attributes(entry.key)[2] ?? '';
    const grant = await loadGrant(store, grantId);
    // After this change the entry can never matter again: the grant is revoked or over.
    await store.delete(entry.key);
    if (grant && grantStatus(grant, at) === 'active') {
      await revoke(store, grant, { at, txId, ruleId });
      revoked.push(grantId);
    }
  }
  return revoked;
}

/** Revokes the patient's live grants that a new deny rule narrows; returns their ids. */
export async function revokeGrantsCutBy(
  store: Store,
  deny: Rule,
  patientId: string,
  at: Instant,
  txId: string,
): Promise<string[]> {
  const revoked: string[] = [];
  for (const entry of await store.scan(OBJECT_TYPES.liveGrant, [patientId])) {
    const grantId = store.attributes(entry.key)[1] ?? '';
    const grant = await loadGrant(store, grantId);
    if (!grant || grantStatus(grant, at) !== 'active') {
      await store.delete(entry.key);
    } else if (denyCutsGrant(deny, grant, at)) {
      await revoke(store, grant, { at, txId, ruleId: deny.ruleId });
      revoked.push(grantId);
    }
  }
  return revoked;
}

export async function saveDelivery(store: Store, delivery: Delivery): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.delivery, [delivery.grantId, delivery.deliveryId]), delivery);
}

export function pageDeliveries(
  store: Store,
  grantId: string,
  pageSize: number,
  bookmark: string,
): Promise<Page<Delivery>> {
  return store.page(OBJECT_TYPES.delivery, [grantId], pageSize, bookmark, async (entry) =>
    store.json<Delivery>(entry),
  );
}
