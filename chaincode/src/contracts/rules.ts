/** `rules:*` — a patient's access rules: create, update, revoke, restore, read, list, history. */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  ChaincodeError,
  createdRule,
  currentOf,
  decoders,
  EVENTS,
  parseArgument,
  parseText,
  restoredRule,
  revokedRule,
  toMillis,
  updatedRule,
  versionNumber,
} from '../model';
import type { RuleSpec, RuleVersion, StoredRule } from '../model';
import { revokeGrantsCutBy, revokeGrantsDecidedBy } from '../ledger/grants';
import { loadRule, loadRuleVersion, pageRuleVersions, pageRules, saveRuleVersion } from '../ledger/rules';
import { refuseErased, requireSelfOr } from './access-control';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { createOnce } from './client-request';
import { CustodiaContext } from './context';
import { pageArgs } from './paging';

@Info({ title: 'rules', description: "A patient's access rules, versioned" })
export class RulesContract extends CustodiaContract implements ContractFunctions<'rules', CustodiaContext> {
  constructor() {
    super('rules');
  }

  /**
   * Creates a rule owned by the calling patient; `creation` is `{requestId, rule}` and the rule id is the
   * transaction id. A repeated `requestId` returns the rule as first created.
   */
  @Transaction()
  @Returns('string')
  async createRule(ctx: CustodiaContext, creation: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'createRule');
    const { requestId, rule } = valid(parseArgument(creation, decoders.ruleCreation, 'creation'));
    const created = await createOnce(
      ctx,
      'createRule',
      requestId,
      rule,
      async (ruleId) => {
        const first = await loadRuleVersion(ctx.store, ruleId, 1);
        if (!first) throw new ChaincodeError('INTERNAL', 'request id without its rule');
        return currentOf(first);
      },
      async () => {
        refuseErased(ctx.ownRegistration);
        const spec = this.inFuture(ctx, rule, 'creation.rule');
        const version = createdRule(
          spec,
          { ruleId: ctx.txId, patientId: caller.id, txId: ctx.txId },
          ctx.now,
        );
        return { id: version.ruleId, value: await this.commit(ctx, version) };
      },
    );
    return json(created);
  }

  /** Replaces the content of an active rule as a new version; grants it decided are revoked. */
  @Transaction()
  @Returns('string')
  async updateRule(ctx: CustodiaContext, ruleId: string, rule: string): Promise<string> {
    const current = await this.ownRule(ctx, ruleId, 'updateRule');
    const spec = this.inFuture(ctx, valid(parseArgument(rule, decoders.ruleSpec, 'rule')), 'rule');
    return json(await this.commit(ctx, updatedRule(current, spec, ctx.txId, ctx.now)));
  }

  /** Revokes a rule (a new version with status revoked) and the grants it decided. */
  @Transaction()
  @Returns('string')
  async revokeRule(ctx: CustodiaContext, ruleId: string): Promise<string> {
    const current = await this.ownRule(ctx, ruleId, 'revokeRule');
    return json(await this.commit(ctx, revokedRule(current, ctx.txId, ctx.now)));
  }

  /** Reinstates an earlier version's content as a new active version. */
  @Transaction()
  @Returns('string')
  async restoreRuleVersion(ctx: CustodiaContext, ruleId: string, version: string): Promise<string> {
    const current = await this.ownRule(ctx, ruleId, 'restoreRuleVersion');
    const number = valid(versionNumber(version));
    const from = await loadRuleVersion(ctx.store, current.ruleId, number);
    if (!from) throw new ChaincodeError('NOT_FOUND', 'rule version not found');
    return json(await this.commit(ctx, restoredRule(current, from, ctx.txId, ctx.now)));
  }

  @Transaction(false)
  @Returns('string')
  async getRule(ctx: CustodiaContext, ruleId: string): Promise<string> {
    return json(await this.readableRule(ctx, ruleId, 'getRule'));
  }

  /** The calling patient's rules, a page at a time. */
  @Transaction(false)
  @Returns('string')
  async listMyRules(ctx: CustodiaContext, pageSize: string, bookmark: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'listMyRules');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageRules(ctx.store, caller.id, page.pageSize, page.bookmark));
  }

  /** A patient's rules, for auditors (and the patient). */
  @Transaction(false)
  @Returns('string')
  async listPatientRules(
    ctx: CustodiaContext,
    patientId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const patient = valid(parseText(patientId, decoders.patientId, 'patientId'));
    requireSelfOr(ctx.caller, patient, ['auditor'], 'listPatientRules');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageRules(ctx.store, patient, page.pageSize, page.bookmark));
  }

  /** Every version of a rule, oldest first. */
  @Transaction(false)
  @Returns('string')
  async getRuleHistory(
    ctx: CustodiaContext,
    ruleId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const rule = await this.readableRule(ctx, ruleId, 'getRuleHistory');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageRuleVersions(ctx.store, rule.ruleId, page.pageSize, page.bookmark));
  }

  private inFuture(ctx: CustodiaContext, spec: RuleSpec, path: string): RuleSpec {
    if (spec.notAfter !== undefined && toMillis(spec.notAfter) <= toMillis(ctx.now)) {
      throw new ChaincodeError('INVALID_ARGUMENT', `${path}.notAfter: must be in the future`);
    }
    return spec;
  }

  private async findRule(ctx: CustodiaContext, ruleId: string): Promise<StoredRule> {
    const id = valid(parseText(ruleId, decoders.id, 'ruleId'));
    const rule = await loadRule(ctx.store, id);
    if (!rule) throw new ChaincodeError('NOT_FOUND', 'rule not found');
    return rule;
  }

  private async ownRule(ctx: CustodiaContext, ruleId: string, action: string): Promise<StoredRule> {
    const caller = ctx.callerAs(['patient'], action);
    refuseErased(ctx.ownRegistration);
    const rule = await this.findRule(ctx, ruleId);
    if (rule.patientId !== caller.id)
      throw new ChaincodeError('FORBIDDEN', `${action}: not the owner of this rule`);
    return rule;
  }

  private async readableRule(ctx: CustodiaContext, ruleId: string, action: string): Promise<StoredRule> {
    const caller = ctx.callerAs(['patient', 'auditor'], action);
    const rule = await this.findRule(ctx, ruleId);
    requireSelfOr(caller, rule.patientId, ['auditor'], action);
    return rule;
  }

  /** Stores the version, revokes the grants the change invalidates and announces it. */
  private async commit(ctx: CustodiaContext, version: RuleVersion): Promise<StoredRule> {
    const { store, now, txId } = ctx;
    await saveRuleVersion(store, version);
    const revoked =
      version.change === 'created'
        ? []
        : await revokeGrantsDecidedBy(store, version.patientId, version.ruleId, now, txId);
    if (version.status === 'active' && version.effect === 'deny') {
      revoked.push(...(await revokeGrantsCutBy(store, version, version.patientId, now, txId)));
    }
    ctx.emit(EVENTS.ruleChanged, {
      patientId: version.patientId,
      ruleId: version.ruleId,
      version: version.version,
      change: version.change,
      revokedGrantIds: revoked,
    });
    return currentOf(version);
  }
}
