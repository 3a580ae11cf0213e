import { TRANSACTIONS } from '@custodia/chaincode';
import type { Contribution, ContributionRequest, Page, PageRequest } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { contributions } = TRANSACTIONS;

/** `contributions:*` — what clinicians add, held until the patient decides. */
export class ContributionCalls {
  constructor(private readonly session: LedgerSession) {}

  /** Needs an active grant for the patient; idempotent per caller and `requestId`. */
  async submit(submission: ContributionRequest): Promise<Contribution> {
    return (await this.session.submit(contributions.submitContribution, submission)).value;
  }

  /** Registers the content as a record of the patient (`recordId` on the answer). */
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
