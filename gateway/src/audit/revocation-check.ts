/**
 * Revocation takes effect at the next transaction: a rule change revokes, in the same transaction, every live
 * grant that rule decided; an active deny also revokes every live grant it cuts (the chaincode model's
 * denyCutsGrant); an emergency policy change revokes the grants the policy decided. This module names the grants
 * a change must revoke and checks that exactly those were revoked.
 */
import { denyCutsGrant, EMERGENCY_POLICY_RULE_ID, grantStatus } from '@custodia/chaincode';
import type { Grant, Instant, RuleVersion } from '@custodia/chaincode';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';
import type { LoggedBy } from './decision-check';

/** A change a transaction wrote that must revoke grants at once. */
export type GrantAffectingChange =
  | { readonly kind: 'rule'; readonly version: RuleVersion }
  | { readonly kind: 'policy'; readonly patientId: string };

const decidedBy = (grant: Grant, ruleId: string) => grant.rules.some((ref) => ref.ruleId === ruleId);

/** Why the change must revoke a grant that was active at `at`; undefined when it need not. */
function revocationCause(change: GrantAffectingChange, grant: Grant, at: Instant): string | undefined {
  if (change.kind === 'policy') {
    return decidedBy(grant, EMERGENCY_POLICY_RULE_ID) ? 'the emergency policy changed' : undefined;
  }
  const { version } = change;
  if (version.change !== 'created' && decidedBy(grant, version.ruleId)) {
    return `rule ${version.ruleId} that decided it was ${version.change} (version ${version.version})`;
  }
  if (version.status === 'active' && version.effect === 'deny' && denyCutsGrant(version, grant, at)) {
    return `deny rule ${version.ruleId} version ${version.version} cuts it`;
  }
  return undefined;
}

/** The patient's grants (live before the transaction) that the changes must revoke, with why. */
export function grantsToRevoke(
  changes: readonly GrantAffectingChange[],
  liveGrants: readonly Grant[],
  at: Instant,
): Map<string, string> {
  const due = new Map<string, string>();
  for (const grant of liveGrants) {
    if (grantStatus(grant, at) !== 'active') continue;
    for (const change of changes) {
      const cause = revocationCause(change, grant, at);
      if (cause !== undefined && !due.has(grant.grantId)) due.set(grant.grantId, cause);
    }
  }
  return due;
}

/** Compares the revocations due with `revokedHere`, the grants the transaction itself marked revoked. */
export function checkRevocations(
  due: ReadonlyMap<string, string>,
  revokedHere: readonly string[],
  tx: LoggedBy,
): Discrepancy[] {
  const found: Discrepancy[] = [];
  for (const [grantId, cause] of due) {
    if (!revokedHere.includes(grantId)) {
      found.push({
        kind: DISCREPANCY_KINDS.GRANT_NOT_REVOKED,
        block: tx.block,
        txId: tx.txId,
        detail: `grant ${grantId} stayed active although ${cause}`,
      });
    }
  }
  for (const grantId of revokedHere) {
    if (!due.has(grantId)) {
      found.push({
        kind: DISCREPANCY_KINDS.GRANT_REVOKED_WITHOUT_CAUSE,
        block: tx.block,
        txId: tx.txId,
        detail: `grant ${grantId} was revoked by a transaction that changed nothing it depends on`,
      });
    }
  }
  return found;
}
