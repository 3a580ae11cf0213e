/** `emergency:*` — a patient's emergency-access policy, versioned. */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  ChaincodeError,
  decoders,
  EMERGENCY_POLICY_RULE_ID,
  EVENTS,
  parseArgument,
  parseText,
} from '../model';
import type { EmergencyPolicy } from '../model';
import { revokeGrantsDecidedBy } from '../ledger/grants';
import { loadPolicy, pagePolicyVersions, savePolicy } from '../ledger/policies';
import { refuseErased, requireSelfOr } from './access-control';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';
import { pageArgs } from './paging';

@Info({ title: 'emergency', description: "A patient's terms for emergency (ETREAT) access" })
export class EmergencyContract
  extends CustodiaContract
  implements ContractFunctions<'emergency', CustodiaContext>
{
  constructor() {
    super('emergency');
  }

  /** Sets the calling patient's policy as a new version; emergency grants made under the old one are revoked. */
  @Transaction()
  @Returns('string')
  async setEmergencyPolicy(ctx: CustodiaContext, policy: string): Promise<string> {
    const caller = ctx.callerAs(['patient'], 'setEmergencyPolicy');
    refuseErased(ctx.ownRegistration);
    const spec = valid(parseArgument(policy, decoders.emergencyPolicySpec, 'policy'));
    const previous = await loadPolicy(ctx.store, caller.id);
    const next: EmergencyPolicy = {
      patientId: caller.id,
      version: (previous?.version ?? 0) + 1,
      ...spec,
      updatedAt: ctx.now,
      txId: ctx.txId,
    };
    await savePolicy(ctx.store, next);
    const revoked = await revokeGrantsDecidedBy(
      ctx.store,
      caller.id,
      EMERGENCY_POLICY_RULE_ID,
      ctx.now,
      ctx.txId,
    );
    ctx.emit(EVENTS.emergencyPolicySet, {
      patientId: caller.id,
      version: next.version,
      revokedGrantIds: revoked,
    });
    return json(next);
  }

  @Transaction(false)
  @Returns('string')
  async getEmergencyPolicy(ctx: CustodiaContext, patientId: string): Promise<string> {
    const patient = valid(parseText(patientId, decoders.patientId, 'patientId'));
    requireSelfOr(ctx.caller, patient, ['auditor'], 'getEmergencyPolicy');
    const policy = await loadPolicy(ctx.store, patient);
    if (!policy) throw new ChaincodeError('NOT_FOUND', 'no emergency policy');
    return json(policy);
  }

  @Transaction(false)
  @Returns('string')
  async getEmergencyPolicyHistory(
    ctx: CustodiaContext,
    patientId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const patient = valid(parseText(patientId, decoders.patientId, 'patientId'));
    requireSelfOr(ctx.caller, patient, ['auditor'], 'getEmergencyPolicyHistory');
    const page = pageArgs(pageSize, bookmark);
    return json(await pagePolicyVersions(ctx.store, patient, page.pageSize, page.bookmark));
  }
}
