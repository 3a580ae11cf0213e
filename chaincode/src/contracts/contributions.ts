/**
 * `contributions:*` — data a clinician adds to a patient's record, held until the patient decides.
 * Only a clinician the patient's rules (or emergency policy) currently let see the patient may add
 * anything, within a quota of pending contributions; an approved one becomes a record of the patient.
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  ChaincodeError,
  contributionRecord,
  decoders,
  EVENTS,
  LIMITS,
  memberOf,
  parseArgument,
  parseText,
} from '../model';
import type { AdmittedCaller, Contribution, ContributionStatus } from '../model';
import { loadContribution, pageContributions, pendingCount, saveContribution } from '../ledger/contributions';
import { requesterGrantsFor } from '../ledger/grants';
import { loadRecord, saveRecord } from '../ledger/records';
import { activePatient, refuseErased, requireSelfOr, sameParty } from './access-control';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { createOnce } from './client-request';
import { CustodiaContext } from './context';
import { currentStatus } from './grant-status';
import { pageArgs } from './paging';

const READERS = ['auditor', 'admin'] as const;

@Info({ title: 'contributions', description: 'Clinician contributions awaiting patient approval' })
export class ContributionsContract
  extends CustodiaContract
  implements ContractFunctions<'contributions', CustodiaContext>
{
  constructor() {
    super('contributions');
  }

  /**
   * Registers a contribution (content hash and tags; the content stays in the data lake) as pending.
   * `contribution` is `{patientId, categories, labels?, contentHash, requestId}`; the caller must hold an
   * active grant for the patient. A repeated `requestId` returns the contribution it created.
   */
  @Transaction()
  @Returns('string')
  async submitContribution(ctx: CustodiaContext, contribution: string): Promise<string> {
    const submitter = ctx.callerAs(['clinician'], 'submitContribution');
    const { requestId, ...submission } = valid(
      parseArgument(contribution, decoders.contributionRequest, 'contribution'),
    );
    const stored = await createOnce(
      ctx,
      'submitContribution',
      requestId,
      submission,
      (id) => this.find(ctx, submission.patientId, id),
      async () => {
        await activePatient(ctx, submission.patientId);
        await this.requireActiveGrant(ctx, submitter, submission.patientId);
        if ((await pendingCount(ctx.store, submitter)) >= LIMITS.maxPendingContributionsPerClinician) {
          throw new ChaincodeError(
            'RESOURCE_EXHAUSTED',
            `contributions: at most ${LIMITS.maxPendingContributionsPerClinician} pending per clinician`,
          );
        }
        const created: Contribution = {
          contributionId: ctx.txId,
          ...submission,
          submitter,
          status: 'pending',
          submittedAt: ctx.now,
        };
        await saveContribution(ctx.store, created);
        ctx.emit(EVENTS.contributionSubmitted, {
          contributionId: created.contributionId,
          patientId: created.patientId,
          status: created.status,
        });
        return { id: created.contributionId, value: created };
      },
    );
    return json(stored);
  }

  /** Approves and, in the same transaction, registers the contribution as a record of the patient. */
  @Transaction()
  @Returns('string')
  async approveContribution(ctx: CustodiaContext, contributionId: string): Promise<string> {
    return this.decideOn(ctx, contributionId, 'approved');
  }

  @Transaction()
  @Returns('string')
  async rejectContribution(ctx: CustodiaContext, contributionId: string): Promise<string> {
    return this.decideOn(ctx, contributionId, 'rejected');
  }

  @Transaction(false)
  @Returns('string')
  async getContribution(ctx: CustodiaContext, patientId: string, contributionId: string): Promise<string> {
    const patient = valid(parseText(patientId, decoders.patientId, 'patientId'));
    const id = valid(parseText(contributionId, decoders.id, 'contributionId'));
    const caller = ctx.caller;
    const contribution = await this.find(ctx, patient, id);
    if (!sameParty(contribution.submitter, caller))
      requireSelfOr(caller, patient, READERS, 'getContribution');
    return json(contribution);
  }

  @Transaction(false)
  @Returns('string')
  async listContributions(
    ctx: CustodiaContext,
    patientId: string,
    pageSize: string,
    bookmark: string,
  ): Promise<string> {
    const patient = valid(parseText(patientId, decoders.patientId, 'patientId'));
    requireSelfOr(ctx.caller, patient, READERS, 'listContributions');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageContributions(ctx.store, patient, page.pageSize, page.bookmark));
  }

  private async find(ctx: CustodiaContext, patientId: string, contributionId: string): Promise<Contribution> {
    const contribution = await loadContribution(ctx.store, patientId, contributionId);
    if (!contribution) throw new ChaincodeError('NOT_FOUND', 'contribution not found');
    return contribution;
  }

  /** FORBIDDEN unless one of the clinician's grants for the patient is active (re-decided now). */
  private async requireActiveGrant(
    ctx: CustodiaContext,
    clinician: AdmittedCaller,
    patientId: string,
  ): Promise<void> {
    for (const grant of await requesterGrantsFor(ctx.store, clinician, patientId, ctx.now)) {
      if ((await currentStatus(ctx, grant)) === 'active') return;
    }
    throw new ChaincodeError('FORBIDDEN', 'submitContribution: no active grant for this patient');
  }

  /** Only the patient the contribution is about, and only once. */
  private async decideOn(
    ctx: CustodiaContext,
    contributionId: string,
    status: ContributionStatus,
  ): Promise<string> {
    const caller = ctx.callerAs(
      ['patient'],
      status === 'approved' ? 'approveContribution' : 'rejectContribution',
    );
    refuseErased(ctx.ownRegistration);
    const id = valid(parseText(contributionId, decoders.id, 'contributionId'));
    const contribution = await this.find(ctx, caller.id, id);
    if (contribution.status !== 'pending')
      throw new ChaincodeError('FAILED_PRECONDITION', `contribution is ${contribution.status}`);
    let recordId: string | undefined;
    if (status === 'approved') {
      const country = memberOf(await ctx.registry(), contribution.submitter.mspId)?.country;
      if (country === undefined) {
        throw new ChaincodeError('FAILED_PRECONDITION', "contributor's organisation is not a member");
      }
      const record = contributionRecord(contribution, country, ctx.now, ctx.txId);
      if (await loadRecord(ctx.store, record.recordId)) {
        throw new ChaincodeError('CONFLICT', 'record id already registered');
      }
      await saveRecord(ctx.store, record);
      recordId = record.recordId;
    }
    const decided: Contribution = {
      ...contribution,
      status,
      decidedAt: ctx.now,
      decidedTxId: ctx.txId,
      ...(recordId === undefined ? {} : { recordId }),
    };
    await saveContribution(ctx.store, decided);
    ctx.emit(EVENTS.contributionDecided, {
      contributionId: id,
      patientId: caller.id,
      status,
      ...(recordId === undefined ? {} : { recordId }),
    });
    return json(decided);
  }
}
