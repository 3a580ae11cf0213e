/**
 * Every ledger call is signed by the user it is made for: the gateway's one ledger client (one channel per peer)
 * signs as each signed-in user, whose enrolment is read from the wallet on their first call and kept in the
 * client's bounded pool; a disabled user's is dropped at once.
 */
import type { Identity, IdentityRef, LedgerClient, LedgerSession } from '@custodia/ledger';
import type { AuthUser } from '../identity/user';

export interface IdentitySource {
  /** The user's enrolment (certificate + private key) from the wallet. */
  identityOf(user: AuthUser): Promise<Identity>;
}

type UserKey = Pick<AuthUser, 'mspId' | 'ledgerId'>;

export class UserLedger {
  constructor(
    readonly client: LedgerClient,
    private readonly identities: IdentitySource,
  ) {}

  /** The ledger as `user` sees it. */
  as(user: AuthUser): LedgerSession {
    return this.client.as(signer(user, () => this.identities.identityOf(user)));
  }

  /** Drops the user's loaded identity (disabled users sign nothing more). */
  forget(user: UserKey): void {
    this.client.forget(signer(user, () => Promise.reject(new Error('forgotten users are not loaded'))));
  }
}

function signer(user: UserKey, load: () => Promise<Identity>): IdentityRef {
  // A ledger id is unique within its organisation.
  return { key: `${user.mspId}\u0000${user.ledgerId}`, load };
}
