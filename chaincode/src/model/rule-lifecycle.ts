/** Every rule change produces a new version; these functions compute it (the contract stores it). */
import { ChaincodeError } from './errors';
import type { Instant } from './time';
import type { RuleSpec, RuleVersion, StoredRule } from './types';

export function specOf(rule: RuleSpec): RuleSpec {
  return {
    effect: rule.effect,
    grantee: rule.grantee,
    categories: rule.categories,
    labels: rule.labels,
    purposes: rule.purposes,
    ...(rule.notBefore === undefined ? {} : { notBefore: rule.notBefore }),
    ...(rule.notAfter === undefined ? {} : { notAfter: rule.notAfter }),
  };
}

/** The rule's current state, i.e. a version without its change annotation. */
export function currentOf(version: RuleVersion): StoredRule {
  return {
    ruleId: version.ruleId,
    patientId: version.patientId,
    version: version.version,
    status: version.status,
    ...specOf(version),
    createdAt: version.createdAt,
    updatedAt: version.updatedAt,
    txId: version.txId,
  };
}

export function createdRule(
  spec: RuleSpec,
  ids: { readonly ruleId: string; readonly patientId: string; readonly txId: string },
  at: Instant,
): RuleVersion {
  return {
    ruleId: ids.ruleId,
    patientId: ids.patientId,
    version: 1,
    status: 'active',
    ...specOf(spec),
    createdAt: at,
    updatedAt: at,
    txId: ids.txId,
    change: 'created',
  };
}

function next(
  current: StoredRule,
  spec: RuleSpec,
  txId: string,
  at: Instant,
): Omit<RuleVersion, 'change' | 'status'> {
  return {
    ruleId: current.ruleId,
    patientId: current.patientId,
    version: current.version + 1,
    ...specOf(spec),
    createdAt: current.createdAt,
    updatedAt: at,
    txId,
  };
}

export function updatedRule(current: StoredRule, spec: RuleSpec, txId: string, at: Instant): RuleVersion {
  if (current.status === 'revoked') {
    throw new ChaincodeError('FAILED_PRECONDITION', 'rule is revoked; restore a version instead');
  }
  return { ...next(current, spec, txId, at), status: 'active', change: 'updated' };
}

export function revokedRule(current: StoredRule, txId: string, at: Instant): RuleVersion {
  if (current.status === 'revoked')
    throw new ChaincodeError('FAILED_PRECONDITION', 'rule is already revoked');
  return { ...next(current, current, txId, at), status: 'revoked', change: 'revoked' };
}

/** Reinstates the content of an earlier version as a new, active version. */
export function restoredRule(current: StoredRule, from: RuleVersion, txId: string, at: Instant): RuleVersion {
  if (from.ruleId !== current.ruleId || from.version >= current.version) {
    throw new ChaincodeError(
      'FAILED_PRECONDITION',
      'only an earlier version of the same rule can be restored',
    );
  }
  return {
    ...next(current, from, txId, at),
    status: 'active',
    change: 'restored',
    restoredFrom: from.version,
  };
}
