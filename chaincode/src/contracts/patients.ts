/**
 * `patients:*` — the patient registry. A patient's ledger id (an opaque pseudonym) is registered once,
 * by their home organisation's admin, binding it to that organisation: only that organisation's
 * patient identity with this id acts as the patient. Erasure is marked here too.
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, decoders, EVENTS, GRANT_REVOKERS, parseText, revokedRule } from '../model';
import type { Contribution, PatientRegistration } from '../model';
import { patientContributions, saveContribution } from '../ledger/contributions';
import { revokePatientGrants } from '../ledger/grants';
import { loadPatient, savePatient } from '../ledger/patients';
import { patientRules, saveRuleVersion } from '../ledger/rules';
import { requireSelfOr } from './access-control';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';

@Info({ title: 'patients', description: 'Patients and their home organisations' })
export class PatientsContract
  extends CustodiaContract
  implements ContractFunctions<'patients', CustodiaContext>
{
  constructor() {
    super('patients');
  }

  /** Registers `patientId` for the calling admin's organisation; an id is registered once, by anyone. */
  @Transaction()
  @Returns('string')
  async registerPatient(ctx: CustodiaContext, patientId: string): Promise<string> {
    const admin = ctx.callerAs(['admin'], 'registerPatient');
    const id = valid(parseText(patientId, decoders.patientId, 'patientId'));
    if (await loadPatient(ctx.store, id)) {
      throw new ChaincodeError('CONFLICT', 'patient id already registered');
    }
    const registration: PatientRegistration = {
      patientId: id,
      mspId: admin.mspId,
      registeredBy: admin.id,
      registeredAt: ctx.now,
      txId: ctx.txId,
    };
    await savePatient(ctx.store, registration);
    ctx.emit(EVENTS.patientRegistered, { patientId: id, mspId: admin.mspId });
    return json(registration);
  }

  /**
   * Erases the patient on-chain, by their home organisation's admin: in this transaction every live
   * grant and every active rule of the patient is revoked and every pending contribution rejected;
   * from then on nothing new is recorded for them.
   */
  @Transaction()
  @Returns('string')
  async markPatientErased(ctx: CustodiaContext, patientId: string): Promise<string> {
    const admin = ctx.callerAs(['admin'], 'markPatientErased');
    const id = valid(parseText(patientId, decoders.patientId, 'patientId'));
    const registration = await loadPatient(ctx.store, id);
    if (!registration) throw new ChaincodeError('NOT_FOUND', 'patient not found');
    if (registration.mspId !== admin.mspId) {
      throw new ChaincodeError('FORBIDDEN', "markPatientErased: only the patient's home organisation");
    }
    if (registration.erased) throw new ChaincodeError('FAILED_PRECONDITION', 'patient is erased');
    const { now: at, txId, store } = ctx;

    const revokedRuleIds: string[] = [];
    for (const rule of await patientRules(store, id)) {
      if (rule.status !== 'active') continue;
      await saveRuleVersion(store, revokedRule(rule, txId, at));
      revokedRuleIds.push(rule.ruleId);
    }
    const revokedGrantIds = await revokePatientGrants(store, id, {
      at,
      txId,
      ruleId: GRANT_REVOKERS.erasure,
    });
    const rejectedContributionIds: string[] = [];
    for (const contribution of await patientContributions(store, id)) {
      if (contribution.status !== 'pending') continue;
      const rejected: Contribution = {
        ...contribution,
        status: 'rejected',
        decidedAt: at,
        decidedTxId: txId,
      };
      await saveContribution(store, rejected);
      rejectedContributionIds.push(contribution.contributionId);
    }
    const erased: PatientRegistration = { ...registration, erased: { at, txId } };
    await savePatient(store, erased);
    ctx.emit(EVENTS.patientErased, {
      patientId: id,
      mspId: registration.mspId,
      revokedGrantIds,
      revokedRuleIds,
      rejectedContributionIds,
    });
    return json(erased);
  }

  /** The registration: for the patient, auditors and organisations' admins. */
  @Transaction(false)
  @Returns('string')
  async getPatient(ctx: CustodiaContext, patientId: string): Promise<string> {
    const id = valid(parseText(patientId, decoders.patientId, 'patientId'));
    requireSelfOr(ctx.caller, id, ['auditor', 'admin'], 'getPatient');
    const registration = await loadPatient(ctx.store, id);
    if (!registration) throw new ChaincodeError('NOT_FOUND', 'patient not found');
    return json(registration);
  }
}
