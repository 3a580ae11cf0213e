/** Grant lifecycle: expiry at issue, status at any instant, and whether a new deny cuts a live grant. */
import { applies } from './decision';
import { addMillis, earliest, toMillis } from './time';
import type { Instant } from './time';
import type { Decision, Grant, GrantedCategory, Rule } from './types';
import type { GrantStatus } from './vocabulary';

/** A grant ends at the earliest of its permits' notAfter and `issuedAt + maxDurationMs`. */
export function grantExpiry(decision: Decision, issuedAt: Instant, maxDurationMs: number): Instant {
  return (
    earliest(decision.notAfter, addMillis(issuedAt, maxDurationMs)) ?? addMillis(issuedAt, maxDurationMs)
  );
}

export function grantedCategories(decision: Decision): GrantedCategory[] {
  return decision.categories
    .filter((entry) => entry.granted)
    .map((entry) => ({ category: entry.category, labels: entry.labels }));
}

export function grantStatus(grant: Pick<Grant, 'expiresAt' | 'revoked'>, at: Instant): GrantStatus {
  if (grant.revoked) return 'revoked';
  return toMillis(at) >= toMillis(grant.expiresAt) ? 'expired' : 'active';
}

/** True when the deny rule, in force at `at`, withholds anything the grant releases. */
export function denyCutsGrant(rule: Rule, grant: Grant, at: Instant): boolean {
  if (rule.effect !== 'deny' || !applies(rule, grant, at)) return false;
  return grant.granted.some(
    (entry) =>
      rule.categories.includes(entry.category) &&
      (rule.labels.length === 0 || rule.labels.some((label) => entry.labels.includes(label))),
  );
}
