import { TRANSACTIONS } from '@custodia/chaincode';
import type { IdentityRef, IdentityStatus } from '@custodia/chaincode';
import type { LedgerSession } from './session';

const { identities } = TRANSACTIONS;

/** `identities:*` — identities an organisation's admin disabled (refused by every transaction). */
export class IdentityCalls {
  constructor(private readonly session: LedgerSession) {}

  /** Disables an identity of the calling admin's organisation; a clinician's live grants are revoked. */
  async disable(identity: IdentityRef): Promise<IdentityStatus> {
    return (await this.session.submit(identities.disableIdentity, identity)).value;
  }

  async enable(identity: IdentityRef): Promise<IdentityStatus> {
    return (await this.session.submit(identities.enableIdentity, identity)).value;
  }

  status(identity: IdentityRef & { readonly mspId: string }): Promise<IdentityStatus> {
    return this.session.evaluate(identities.getIdentityStatus, identity);
  }
}
