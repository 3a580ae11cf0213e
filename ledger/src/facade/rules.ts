import { TRANSACTIONS } from '@custodia/chaincode';
import type { Page, PageRequest, RuleCreation, RuleSpec, RuleVersion, StoredRule } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { rules } = TRANSACTIONS;

/** `rules:*` — a patient's access rules. */
export class RuleCalls {
  constructor(private readonly session: LedgerSession) {}

  /** Idempotent per caller and `requestId`: a retry answers the rule the first call created. */
  async create(creation: RuleCreation): Promise<StoredRule> {
    return (await this.session.submit(rules.createRule, creation)).value;
  }

  async update(ruleId: string, rule: RuleSpec): Promise<StoredRule> {
    return (await this.session.submit(rules.updateRule, { ruleId, rule })).value;
  }

  async revoke(ruleId: string): Promise<StoredRule> {
    return (await this.session.submit(rules.revokeRule, { ruleId })).value;
  }

  async restore(ruleId: string, version: number): Promise<StoredRule> {
    return (await this.session.submit(rules.restoreRuleVersion, { ruleId, version })).value;
  }

  get(ruleId: string): Promise<StoredRule> {
    return this.session.evaluate(rules.getRule, { ruleId });
  }

  /** The calling patient's rules. */
  listMine(page: PageRequest): Promise<Page<StoredRule>> {
    return this.session.evaluate(rules.listMyRules, { page });
  }

  /** A patient's rules (auditors, the patient). */
  listOfPatient(patientId: string, page: PageRequest): Promise<Page<StoredRule>> {
    return this.session.evaluate(rules.listPatientRules, { patientId, page });
  }

  history(ruleId: string, page: PageRequest): Promise<Page<RuleVersion>> {
    return this.session.evaluate(rules.getRuleHistory, { ruleId, page });
  }
}
