/**
 * Grants and deliveries in world state, with the indexes that make revocation cheap: grants by
 * deciding rule (a rule change revokes what it decided), live grants by patient (a new deny cuts the
 * live grants it narrows; erasure ends them all) and live grants by requester (disabling an identity
 * ends its grants; a contribution needs one). The live indexes are pruned as grants are found over.
 */
import { denyCutsGrant, grantLive } from '../model';
import type { Delivery, Grant, GrantRevocation, Instant, Page, Requester, Rule } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Entry, Store } from './store';

export function loadGrant(store: Store, grantId: string): Promise<Grant | undefined> {
  return store.get<Grant>(store.key(OBJECT_TYPES.grant, [grantId]));
}

function byRequesterKey(store: Store, grant: Grant): string {
  const { requester, patientId, grantId } = grant;
  return store.key(OBJECT_TYPES.grantByRequester, [requester.mspId, requester.id, patientId, grantId]);
}

export async function saveGrant(store: Store, grant: Grant): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.grant, [grant.grantId]), grant);
  for (const ref of grant.rules) {
    await store.mark(store.key(OBJECT_TYPES.grantByRule, [grant.patientId, ref.ruleId, grant.grantId]));
  }
  await store.mark(store.key(OBJECT_TYPES.liveGrant, [grant.patientId, grant.grantId]));
  await store.mark(byRequesterKey(store, grant));
}

/** Marks one grant revoked and drops it from the live indexes. */
export async function revokeGrant(store: Store, grant: Grant, revocation: GrantRevocation): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.grant, [grant.grantId]), { ...grant, revoked: revocation });
  await store.delete(store.key(OBJECT_TYPES.liveGrant, [grant.patientId, grant.grantId]));
  await store.delete(byRequesterKey(store, grant));
}

/** Revokes the still-live grants that a rule (or the emergency policy) decided; returns their ids. */
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
    if (grant && grantLive(grant, at)) {
      await revokeGrant(store, grant, { at, txId, ruleId });
      revoked.push(grantId);
    }
  }
  return revoked;
}

/**
 * The live grants found under an index entry list: entries of grants found revoked or expired are
 * deleted on the way (the scans run only in writing transactions).
 */
async function liveGrants(store: Store, entries: readonly Entry[], at: Instant): Promise<Grant[]> {
  const live: Grant[] = [];
  for (const entry of entries) {
    const grant = await loadGrant(store, store.attributes(entry.key).at(-1) ?? '');
    if (grant && grantLive(grant, at)) live.push(grant);
    else await store.delete(entry.key);
  }
  return live;
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
  for (const grant of await liveGrants(store, await store.scan(OBJECT_TYPES.liveGrant, [patientId]), at)) {
    if (denyCutsGrant(deny, grant, at)) {
      await revokeGrant(store, grant, { at, txId, ruleId: deny.ruleId });
      revoked.push(grant.grantId);
    }
  }
  return revoked;
}

/** Revokes every live grant of a patient (erasure); returns their ids. */
export async function revokePatientGrants(
  store: Store,
  patientId: string,
  revocation: GrantRevocation,
): Promise<string[]> {
  const live = await liveGrants(store, await store.scan(OBJECT_TYPES.liveGrant, [patientId]), revocation.at);
  for (const grant of live) await revokeGrant(store, grant, revocation);
  return live.map((grant) => grant.grantId);
}

/** Revokes every live grant of a requester, for any patient (a disabled identity); returns their ids. */
export async function revokeRequesterGrants(
  store: Store,
  requester: Pick<Requester, 'mspId' | 'id'>,
  revocation: GrantRevocation,
): Promise<string[]> {
  const entries = await store.scan(OBJECT_TYPES.grantByRequester, [requester.mspId, requester.id]);
  const live = await liveGrants(store, entries, revocation.at);
  for (const grant of live) await revokeGrant(store, grant, revocation);
  return live.map((grant) => grant.grantId);
}

/** The requester's live (neither revoked nor expired) grants for one patient. Writing transactions only. */
export async function requesterGrantsFor(
  store: Store,
  requester: Pick<Requester, 'mspId' | 'id'>,
  patientId: string,
  at: Instant,
): Promise<Grant[]> {
  const entries = await store.scan(OBJECT_TYPES.grantByRequester, [requester.mspId, requester.id, patientId]);
  return liveGrants(store, entries, at);
}

/**
 * The patient's grants not yet known to be over (the live index: revoked grants leave it at once, expired ones
 * when a writing transaction next passes), oldest first.
 */
export function pagePatientLiveGrants(
  store: Store,
  patientId: string,
  pageSize: number,
  bookmark: string,
): Promise<Page<Grant>> {
  return store.page(OBJECT_TYPES.liveGrant, [patientId], pageSize, bookmark, async (entry) =>
    loadGrant(store, store.attributes(entry.key).at(-1) ?? ''),
  );
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
