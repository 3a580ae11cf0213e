import { TRANSACTIONS } from '@custodia/chaincode';
import type { Contribution, ContributionSubmission, Page, PageRequest } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { contributions } = TRANSACTIONS;

/** `contributions:*` — what clinicians add, held until the patient decides. */
export class ContributionCalls {
  constructor(private readonly session: LedgerSession) {}

  async submit(submission: ContributionSubmission): Promise<Contribution> {
    return (await this.session.submit(contributions.submitContribution, submission)).value;
  }

  async approve(contributionId: string): Promise<Contribution> {
    return (await this.session.submit(contributions.approveContribution, { contributionId })).value;
  }

  async reject(contributionId: string): Promise<Contribution> {
    return (await this.session.submit(contributions.rejectContribution, { contributionId })).value;
  }

  get(patientId: string, contributionId: string): Promise<Contribution> {
    return this.session.evaluate(contributions.getContribution, { patientId, contributionId });
  }

  list(patientId: string, page: PageRequest): Promise<Page<Contribution>> {
    return this.session.evaluate(contributions.listContributions, { patientId, page });
  }
}
