/**
 * The access decision, a pure function of the patient's rules, the request and the time.
 *
 * Per requested category: default deny; an applicable deny without labels denies the category
 * (deny overrides permit); otherwise an applicable permit grants it. A security label is released
 * only when an applicable permit for that category names it and no applicable deny names it.
 * A rule is applicable when it is active, its period contains the instant (notBefore inclusive,
 * notAfter exclusive), its grantee matches the requester (practitioner id within its MSP,
 * organisation MSP id, or role; and the requester's certificate country when the grantee lists
 * countries), it allows the purpose and it covers the category.
 */
import { earliest, toMillis } from './time';
import type { Instant } from './time';
import type { AccessRequest, CategoryDecision, Decision, Grantee, Requester, Rule, RuleRef } from './types';
import { canonical, CATEGORIES, LABELS } from './vocabulary';
import type { Category, Label } from './vocabulary';

export function granteeMatches(grantee: Grantee, requester: Requester): boolean {
  if (grantee.countries && grantee.countries.length > 0) {
    if (requester.country === undefined || !grantee.countries.includes(requester.country)) return false;
  }
  switch (grantee.kind) {
    case 'practitioner':
      return grantee.id === requester.id && grantee.mspId === requester.mspId;
    case 'organization':
      return grantee.mspId === requester.mspId;
    case 'role':
      return grantee.role === requester.role;
  }
}

export function inForce(rule: Pick<Rule, 'status' | 'notBefore' | 'notAfter'>, at: Instant): boolean {
  const t = toMillis(at);
  if (rule.status !== 'active') return false;
  if (rule.notBefore !== undefined && t < toMillis(rule.notBefore)) return false;
  if (rule.notAfter !== undefined && t >= toMillis(rule.notAfter)) return false;
  return true;
}

/** Whether the rule applies to this requester and purpose at this instant (for any category). */
export function applies(
  rule: Rule,
  request: Pick<AccessRequest, 'requester' | 'purpose'>,
  at: Instant,
): boolean {
  return (
    inForce(rule, at) &&
    rule.purposes.includes(request.purpose) &&
    granteeMatches(rule.grantee, request.requester)
  );
}

export function ruleRef(rule: Rule): RuleRef {
  return { ruleId: rule.ruleId, version: rule.version, effect: rule.effect };
}

export function compareRuleRefs(a: RuleRef, b: RuleRef): number {
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.version - b.version;
}

function sortedRefs(rules: Iterable<Rule>): RuleRef[] {
  const unique = new Map<string, RuleRef>();
  for (const rule of rules) unique.set(`${rule.ruleId}\u0000${rule.version}`, ruleRef(rule));
  return [...unique.values()].sort(compareRuleRefs);
}

function decideCategory(category: Category, applicable: readonly Rule[]): CategoryDecision {
  const covering = applicable.filter((rule) => rule.categories.includes(category));
  const permits = covering.filter((rule) => rule.effect === 'permit');
  const denies = covering.filter((rule) => rule.effect === 'deny');
  const categoryDenies = denies.filter((rule) => rule.labels.length === 0);
  if (categoryDenies.length > 0) {
    return { category, granted: false, labels: [], rules: sortedRefs(categoryDenies) };
  }
  if (permits.length === 0) return { category, granted: false, labels: [], rules: [] };

  const withheld = new Set<Label>(denies.flatMap((rule) => rule.labels));
  const named = new Set<Label>(permits.flatMap((rule) => rule.labels));
  const released = canonical(
    LABELS,
    [...named].filter((label) => !withheld.has(label)),
  );
  // A label deny decided only if it withheld something a permit would have released.
  const withholding = denies.filter((rule) => rule.labels.some((label) => named.has(label)));
  return { category, granted: true, labels: released, rules: sortedRefs([...permits, ...withholding]) };
}

/** Decides a request against a patient's rules at an instant. Independent of rule order. */
export function decide(rules: readonly Rule[], request: AccessRequest, at: Instant): Decision {
  const applicable = rules.filter((rule) => applies(rule, request, at));
  const categories = canonical(CATEGORIES, request.categories).map((category) =>
    decideCategory(category, applicable),
  );
  const granted = categories.filter((entry) => entry.granted).map((entry) => entry.category);
  const denied = categories.filter((entry) => !entry.granted).map((entry) => entry.category);
  const deciding = new Set(
    categories.flatMap((entry) => entry.rules.map((ref) => `${ref.ruleId}\u0000${ref.version}`)),
  );
  const decidingRules = applicable.filter((rule) => deciding.has(`${rule.ruleId}\u0000${rule.version}`));
  let notAfter: Instant | undefined;
  for (const entry of categories) {
    if (!entry.granted) continue;
    for (const rule of decidingRules) {
      if (rule.effect === 'permit' && rule.categories.includes(entry.category))
        notAfter = earliest(notAfter, rule.notAfter);
    }
  }
  return {
    purpose: request.purpose,
    categories,
    granted,
    denied,
    rules: sortedRefs(decidingRules),
    ...(notAfter === undefined ? {} : { notAfter }),
  };
}

/** True when `narrower` grants nothing that `wider` does not (categories and labels). */
export function grantsNoMore(narrower: Decision, wider: Decision): boolean {
  return narrower.categories.every((entry) => {
    if (!entry.granted) return true;
    const other = wider.categories.find((candidate) => candidate.category === entry.category);
    return (
      other !== undefined && other.granted && entry.labels.every((label) => other.labels.includes(label))
    );
  });
}
