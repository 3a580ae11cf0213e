/** Rules, their versions and their owner pointer in world state. */
import { currentOf } from '../model';
import type { Page, RuleVersion, StoredRule } from '../model';
import { OBJECT_TYPES, versionAttribute } from './keys';
import type { Store } from './store';

export async function loadRule(store: Store, ruleId: string): Promise<StoredRule | undefined> {
  const owner = await store.get<{ patientId: string }>(store.key(OBJECT_TYPES.ruleOwner, [ruleId]));
  if (!owner) return undefined;
  return store.get<StoredRule>(store.key(OBJECT_TYPES.rule, [owner.patientId, ruleId]));
}

export async function loadRuleVersion(
  store: Store,
  ruleId: string,
  version: number,
): Promise<RuleVersion | undefined> {
  return store.get<RuleVersion>(store.key(OBJECT_TYPES.ruleVersion, [ruleId, versionAttribute(version)]));
}

/** All of a patient's rules, in key order (for the decision in a writing transaction). */
export async function patientRules(store: Store, patientId: string): Promise<StoredRule[]> {
  const entries = await store.scan(OBJECT_TYPES.rule, [patientId]);
  return entries.map((entry) => store.json<StoredRule>(entry));
}

export async function saveRuleVersion(store: Store, version: RuleVersion): Promise<void> {
  if (version.change === 'created') {
    await store.put(store.key(OBJECT_TYPES.ruleOwner, [version.ruleId]), { patientId: version.patientId });
  }
  await store.put(store.key(OBJECT_TYPES.rule, [version.patientId, version.ruleId]), currentOf(version));
  await store.put(
    store.key(OBJECT_TYPES.ruleVersion, [version.ruleId, versionAttribute(version.version)]),
    version,
  );
}

export function pageRules(
  store: Store,
  patientId: string,
  pageSize: number,
  bookmark: string,
): Promise<Page<StoredRule>> {
  return store.page(OBJECT_TYPES.rule, [patientId], pageSize, bookmark, async (entry) =>
    store.json<StoredRule>(entry),
  );
}

export function pageRuleVersions(
  store: Store,
  ruleId: string,
  pageSize: number,
  bookmark: string,
): Promise<Page<RuleVersion>> {
  return store.page(OBJECT_TYPES.ruleVersion, [ruleId], pageSize, bookmark, async (entry) =>
    store.json<RuleVersion>(entry),
  );
}
