/**
 * Emergency access: the patient's emergency policy acts as a permit for purpose ETREAT, combined
 * with the patient's own ETREAT rules (their denies still override). Without an enabled policy
 * that admits the requester's role and certificate country, nothing is granted.
 */
import { decide } from './decision';
import type { Instant } from './time';
import type { AccessRequest, Decision, EmergencyPolicySpec, Requester, Rule } from './types';
import { EMERGENCY_PURPOSE } from './vocabulary';
import type { Category, EmergencyRefusal } from './vocabulary';

/** The rule id under which the emergency policy appears among a decision's rules. */
export const EMERGENCY_POLICY_RULE_ID = 'emergency-policy';

export function policyAdmits(policy: EmergencyPolicySpec | undefined, requester: Requester): boolean {
  if (!policy || !policy.enabled) return false;
  if (!policy.roles.includes(requester.role)) return false;
  if (policy.countries.length === 0) return true;
  return requester.country !== undefined && policy.countries.includes(requester.country);
}

/** The policy as a permit rule, so the ordinary decision function combines it with the patient's rules. */
export function policyRule(
  policy: EmergencyPolicySpec & { readonly version: number },
  requester: Requester,
): Rule {
  return {
    ruleId: EMERGENCY_POLICY_RULE_ID,
    version: policy.version,
    status: 'active',
    effect: 'permit',
    grantee: { kind: 'role', role: requester.role },
    categories: policy.categories,
    labels: policy.labels,
    purposes: [EMERGENCY_PURPOSE],
  };
}

export function decideEmergency(
  rules: readonly Rule[],
  policy: (EmergencyPolicySpec & { readonly version: number }) | undefined,
  requester: Requester,
  categories: readonly Category[],
  at: Instant,
): Decision {
  const request: AccessRequest = { requester, categories, purpose: EMERGENCY_PURPOSE };
  if (!policy || !policyAdmits(policy, requester)) return decide([], request, at);
  return decide([...rules, policyRule(policy, requester)], request, at);
}

/** Why an emergency decision released nothing; undefined when it released something. */
export function emergencyRefusal(
  policy: EmergencyPolicySpec | undefined,
  requester: Requester,
  decision: Decision,
): EmergencyRefusal | undefined {
  if (decision.granted.length > 0) return undefined;
  if (!policy) return 'no-policy';
  if (!policy.enabled) return 'policy-disabled';
  if (!policy.roles.includes(requester.role)) return 'role-not-admitted';
  if (!policyAdmits(policy, requester)) return 'country-not-admitted';
  return 'not-covered';
}
