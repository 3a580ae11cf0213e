/**
 * Which of the patient's rules share a part of their record: the active permits naming its category (and, for a
 * labelled entry, every one of its labels: sensitive information goes only where a rule names it). What a deny
 * rule or the time of day then withholds is for the preview to say; this is what the rules offer.
 */
import type { Category, Label, StoredRule } from '@custodia/chaincode/model';

export function rulesSharing(
  rules: readonly StoredRule[],
  category: Category,
  labels: readonly Label[] = [],
): StoredRule[] {
  return rules.filter(
    (rule) =>
      rule.status === 'active' &&
      rule.effect === 'permit' &&
      rule.categories.includes(category) &&
      labels.every((label) => rule.labels.includes(label)),
  );
}
