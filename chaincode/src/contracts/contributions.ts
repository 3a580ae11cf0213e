/** `contributions:*` — data a clinician adds to a patient's record, held until the patient decides. */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, decoders, EVENTS, parseArgument, parseText } from '../model';
import type { Contribution, ContributionStatus } from '../model';
import { loadContribution, pageContributions, saveContribution } from '../ledger/contributions';
import { requireSelfOr, sameParty } from './access-control';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';
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

  /** Registers a contribution (content hash and tags; the content stays in the data lake) as pending. */
  @Transaction()
  @Returns('string')
  async submitContribution(ctx: CustodiaContext, contribution: string): Promise<string> {
    const submitter = ctx.callerAs(['clinician'], 'submitContribution');
    const submission = valid(parseArgument(contribution, decoders.contributionSubmission, 'contribution'));
    const stored: Contribution = {
      contributionId: ctx.txId,
      ...submission,
      submitter,
      status: 'pending',
      submittedAt: ctx.now,
    };
    await saveContribution(ctx.store, stored);
    ctx.emit(EVENTS.contributionSubmitted, {
      contributionId: stored.contributionId,
      patientId: stored.patientId,
      status: stored.status,
    });
    return json(stored);
  }

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
    const patient = valid(parseText(patientId, decoders.id, 'patientId'));
    const id = valid(parseText(contributionId, decoders.id, 'contributionId'));
    const caller = ctx.caller;
    const contribution = await loadContribution(ctx.store, patient, id);
    if (!contribution) throw new ChaincodeError('NOT_FOUND', 'contribution not found');
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
    const patient = valid(parseText(patientId, decoders.id, 'patientId'));
    requireSelfOr(ctx.caller, patient, READERS, 'listContributions');
    const page = pageArgs(pageSize, bookmark);
    return json(await pageContributions(ctx.store, patient, page.pageSize, page.bookmark));
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
    const id = valid(parseText(contributionId, decoders.id, 'contributionId'));
    const contribution = await loadContribution(ctx.store, caller.id, id);
    if (!contribution) throw new ChaincodeError('NOT_FOUND', 'contribution not found');
    if (contribution.status !== 'pending')
      throw new ChaincodeError('FAILED_PRECONDITION', `contribution is ${contribution.status}`);
    const decided: Contribution = { ...contribution, status, decidedAt: ctx.now, decidedTxId: ctx.txId };
    await saveContribution(ctx.store, decided);
    ctx.emit(EVENTS.contributionDecided, { contributionId: id, patientId: caller.id, status });
    return json(decided);
  }
}
