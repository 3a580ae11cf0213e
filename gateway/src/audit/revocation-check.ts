/**
 * Revocation takes effect at the next transaction: a rule change revokes, in the same transaction, every live
 * grant that rule decided; an active deny also revokes every live grant it cuts (the chaincode model's
 * denyCutsGrant); an emergency policy change revokes the grants the policy decided; a patient's erasure every live
 * grant of the patient; disabling an identity every live grant it holds; a patient ending one of their grants that
 * grant. This module names the grants a change
 * must revoke and checks that exactly those were revoked.
 */
import { denyCutsGrant, EMERGENCY_POLICY_RULE_ID, GRANT_REVOKERS, grantLive } from '@custodia/chaincode';
import type { Grant, Instant, RuleVersion } from '@custodia/chaincode';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';
import type { LoggedBy } from './decision-check';

/** A change a transaction wrote that must revoke grants at once. */
export type GrantAffectingChange =
  | { readonly kind: 'rule'; readonly version: RuleVersion }
  | { readonly kind: 'policy'; readonly patientId: string }
  | { readonly kind: 'erasure'; readonly patientId: string }
  | { readonly kind: 'identity-disabled'; readonly mspId: string; readonly id: string }
  | { readonly kind: 'ended-by-patient'; readonly patientId: string; readonly grantId: string };

/**
 * A grant this transaction wrote as ended by its patient, when the transaction's creator is that patient: the change
 * that makes its revocation due. Written by anyone else, it is no cause, and the revocation is reported.
 */
export function endedByItsPatient(
  written: Grant | undefined,
  tx: Pick<LoggedBy, 'txId' | 'creator'>,
): GrantAffectingChange | undefined {
  const revocation = written?.revoked;
  if (written === undefined || revocation === undefined) return undefined;
  if (revocation.ruleId !== GRANT_REVOKERS.endedByPatient || revocation.txId !== tx.txId) return undefined;
  if (tx.creator?.role !== 'patient' || tx.creator.id !== written.patientId) return undefined;
  return { kind: 'ended-by-patient', patientId: written.patientId, grantId: written.grantId };
}

const decidedBy = (grant: Grant, ruleId: string) => grant.rules.some((ref) => ref.ruleId === ruleId);

/** Why the change must revoke a grant that was active at `at`; undefined when it need not. */
function revocationCause(change: GrantAffectingChange, grant: Grant, at: Instant): string | undefined {
  switch (change.kind) {
    case 'policy':
      return decidedBy(grant, EMERGENCY_POLICY_RULE_ID) ? 'the emergency policy changed' : undefined;
    case 'erasure':
      return grant.patientId === change.patientId ? 'its patient was erased' : undefined;
    case 'identity-disabled':
      return grant.requester.mspId === change.mspId && grant.requester.id === change.id
        ? 'its requester was disabled'
        : undefined;
    case 'ended-by-patient':
      return grant.grantId === change.grantId && grant.patientId === change.patientId
        ? 'its patient ended it'
        : undefined;
    case 'rule':
      break;
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

/** The grants (live before the transaction) that the changes must revoke, with why. */
export function grantsToRevoke(
  changes: readonly GrantAffectingChange[],
  liveGrants: readonly Grant[],
  at: Instant,
): Map<string, string> {
  const due = new Map<string, string>();
  for (const grant of liveGrants) {
    if (!grantLive(grant, at)) continue;
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
