/**
 * What a grantee would receive if the draft rule were saved: the chaincode's own decision function over
 * the patient's rules plus the draft, so the preview and the ledger cannot disagree.
 */
import { CATEGORIES, decide } from '@custodia/chaincode/model';
import type { Decision, Rule, RuleSpec } from '@custodia/chaincode/model';
import { exampleRequester } from './rule-draft';

export const DRAFT_RULE_ID = 'draft';

export function previewDraft(
  rules: readonly Rule[],
  spec: RuleSpec,
  at: string,
  replacing?: string,
): Decision {
  const others = rules.filter((rule) => rule.ruleId !== replacing);
  const draft: Rule = { ...spec, ruleId: DRAFT_RULE_ID, version: 1, status: 'active' };
  return decide(
    [...others, draft],
    {
      requester: exampleRequester(spec),
      categories: CATEGORIES,
      purpose: spec.purposes[0] ?? 'TREAT',
    },
    at,
  );
}
