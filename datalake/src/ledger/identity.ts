/**
 * Who signs a ledger call: the data lake signs with the acting user's own enrolment (a centre registers its
 * records, a clinician reads its grant), so the chaincode decides on the real caller, never on a claim. The
 * enrolments are the gateway's: the same wallet (`@custodia/ledger`, private keys encrypted at rest).
 */
import type { Identity, Wallet } from '@custodia/ledger';
import { DatalakeError } from '../errors';
import type { LedgerActor } from './port';

export interface IdentityResolver {
  /** The enrolment of `actor`; throws DatalakeError(FORBIDDEN) when the actor has none here. */
  resolve(actor: LedgerActor): Promise<Identity>;
}

/** Resolves actors from a wallet, where the gateway files every user it enrols under (MSP id, ledger id). */
export class WalletIdentities implements IdentityResolver {
  constructor(private readonly wallet: Wallet) {}

  async resolve(actor: LedgerActor): Promise<Identity> {
    let identity: Identity | undefined;
    try {
      identity = await this.wallet.get(actor.mspId, actor.id);
    } catch (error) {
      // A tampered or unreadable entry, or the wrong wallet key: an operator's problem, not the caller's.
      throw new DatalakeError('INTERNAL', 'the wallet entry could not be read', {}, error);
    }
    if (identity === undefined)
      throw new DatalakeError('FORBIDDEN', 'the actor has no enrolment in the wallet');
    return identity;
  }
}
