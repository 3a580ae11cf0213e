/**
 * Grant lifecycle: expiry at issue, coverage by the rules in force at any later instant, status, and
 * whether a new deny cuts a live grant. A grant never outlives the rules that made it: it expires at
 * the next scheduled change that could narrow it, and every read re-decides it.
 */
import { applies, decide } from './decision';
import { decideEmergency, EMERGENCY_POLICY_RULE_ID } from './emergency';
import { addMillis, earliest, toMillis } from './time';
import type { Instant } from './time';
import type { AccessRequest, Decision, EmergencyPolicySpec, Grant, GrantedCategory, Rule } from './types';
import type { GrantStatus } from './vocabulary';

/** What revoked a grant when it was not a rule (the `ruleId` of its revocation). */
export const GRANT_REVOKERS = {
  emergencyPolicy: EMERGENCY_POLICY_RULE_ID,
  erasure: 'patient-erased',
  identityDisabled: 'identity-disabled',
  /** The patient ended the grant themself ("end now"). */
  endedByPatient: 'ended-by-patient',
} as const;

/** The parts of a grant its coverage depends on. */
type GrantScope = Pick<Grant, 'requester' | 'purpose' | 'granted'>;

/**
 * The earliest instant after `at` at which a deny already on the patient's rules comes into force and
 * would withhold a category or label the grant holds.
 */
export function nextNarrowing(rules: readonly Rule[], grant: GrantScope, at: Instant): Instant | undefined {
  let next: Instant | undefined;
  for (const rule of rules) {
    if (rule.effect !== 'deny' || rule.notBefore === undefined) continue;
    if (toMillis(rule.notBefore) <= toMillis(at)) continue;
    if (denyCutsGrant(rule, grant, rule.notBefore)) next = earliest(next, rule.notBefore);
  }
  return next;
}

/**
 * A grant ends at the earliest of: its permits' notAfter, the next scheduled deny that would narrow
 * it, and `issuedAt + maxDurationMs`.
 */
export function grantExpiry(
  decision: Decision,
  rules: readonly Rule[],
  request: Pick<AccessRequest, 'requester' | 'purpose'>,
  issuedAt: Instant,
  maxDurationMs: number,
): Instant {
  const bound = addMillis(issuedAt, maxDurationMs);
  const scope: GrantScope = { ...request, granted: grantedCategories(decision) };
  return earliest(earliest(decision.notAfter, nextNarrowing(rules, scope, issuedAt)), bound) ?? bound;
}

export function grantedCategories(decision: Decision): GrantedCategory[] {
  return decision.categories
    .filter((entry) => entry.granted)
    .map((entry) => ({ category: entry.category, labels: entry.labels }));
}

/** True when the decision grants every category the grant holds, each with every label it released. */
export function coversGrant(decision: Decision, granted: readonly GrantedCategory[]): boolean {
  return granted.every((held) => {
    const now = decision.categories.find((entry) => entry.category === held.category);
    return now !== undefined && now.granted && held.labels.every((label) => now.labels.includes(label));
  });
}

/**
 * Re-decides a grant at `at` with the patient's rules (and, for an emergency grant, the emergency policy)
 * in force then: true when they still grant everything it holds. `requesterCountry` is the requester's
 * organisation's country in the registry now; undefined (no longer a member) covers nothing.
 */
export function grantCovered(
  grant: Grant,
  rules: readonly Rule[],
  policy: (EmergencyPolicySpec & { readonly version: number }) | undefined,
  requesterCountry: string | undefined,
  at: Instant,
): boolean {
  if (requesterCountry === undefined) return false;
  const requester = { ...grant.requester, country: requesterCountry };
  const categories = grant.granted.map((entry) => entry.category);
  const decision = grant.emergency
    ? decideEmergency(rules, policy, requester, categories, at)
    : decide(rules, { requester, categories, purpose: grant.purpose }, at);
  return coversGrant(decision, grant.granted);
}

/** Neither revoked nor expired: a rule change may still have to revoke it. */
export function grantLive(grant: Pick<Grant, 'expiresAt' | 'revoked'>, at: Instant): boolean {
  return !grant.revoked && toMillis(at) < toMillis(grant.expiresAt);
}

/** Revoked wins, then expired; a grant the rules in force no longer cover is narrowed. */
export function grantStatus(
  grant: Pick<Grant, 'expiresAt' | 'revoked'>,
  at: Instant,
  covered: boolean,
): GrantStatus {
  if (grant.revoked) return 'revoked';
  if (toMillis(at) >= toMillis(grant.expiresAt)) return 'expired';
  return covered ? 'active' : 'narrowed';
}

/** True when the deny rule, in force at `at`, withholds anything the grant releases. */
export function denyCutsGrant(rule: Rule, grant: GrantScope, at: Instant): boolean {
  if (rule.effect !== 'deny' || !applies(rule, grant, at)) return false;
  return grant.granted.some(
    (entry) =>
      rule.categories.includes(entry.category) &&
      (rule.labels.length === 0 || rule.labels.some((label) => entry.labels.includes(label))),
  );
}
