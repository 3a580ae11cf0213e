import { TRANSACTIONS } from '@custodia/chaincode';
import type {
  CommitReadiness,
  OrganisationRegistry,
  RegistryApproval,
  RegistryChange,
} from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { organisations } = TRANSACTIONS;

/** `organisations:*` — the registry of member organisations and their countries. */
export class OrganisationCalls {
  constructor(private readonly session: LedgerSession) {}

  /** The calling organisation's approval of `change` (for the registry's next sequence). */
  async approve(change: RegistryChange): Promise<RegistryApproval> {
    return (await this.session.submit(organisations.approveChange, change)).value;
  }

  /** Applies `change` once enough organisations approved exactly it (every founder for the genesis). */
  async commit(change: RegistryChange): Promise<OrganisationRegistry> {
    return (await this.session.submit(organisations.commitChange, change)).value;
  }

  /** The registry as committed; version 0 without members before the genesis. */
  registry(): Promise<OrganisationRegistry> {
    return this.session.evaluate(organisations.getRegistry, {});
  }

  readiness(change: RegistryChange): Promise<CommitReadiness> {
    return this.session.evaluate(organisations.checkCommitReadiness, change);
  }
}
