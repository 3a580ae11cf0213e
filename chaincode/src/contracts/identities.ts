/**
 * `identities:*` — identities an organisation has disabled. Every Custodia transaction refuses a disabled
 * caller, on any network: a Fabric peer ignores a CA's revocation until the CRL reaches the channel's MSP
 * definition. An organisation's admin disables and enables identities of its own MSP only.
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeError, decoders, EVENTS, GRANT_REVOKERS, parseArgument } from '../model';
import type { IdentityStatus } from '../model';
import { revokeRequesterGrants } from '../ledger/grants';
import { deleteDisabled, loadDisabled, saveDisabled } from '../ledger/identities';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';

@Info({ title: 'identities', description: 'Identities disabled by their organisation' })
export class IdentitiesContract
  extends CustodiaContract
  implements ContractFunctions<'identities', CustodiaContext>
{
  constructor() {
    super('identities');
  }

  /**
   * Disables `identity` (`{role, id}`) of the calling admin's organisation; a clinician's live grants are
   * revoked in the same transaction.
   */
  @Transaction()
  @Returns('string')
  async disableIdentity(ctx: CustodiaContext, identity: string): Promise<string> {
    const admin = ctx.callerAs(['admin'], 'disableIdentity');
    const ref = valid(parseArgument(identity, decoders.identityRef, 'identity'));
    if (ref.role === admin.role && ref.id === admin.id) {
      throw new ChaincodeError('FAILED_PRECONDITION', 'an admin cannot disable itself');
    }
    const target = { mspId: admin.mspId, ...ref };
    if (await loadDisabled(ctx.store, target)) {
      throw new ChaincodeError('FAILED_PRECONDITION', 'identity is already disabled');
    }
    const status: IdentityStatus = {
      ...target,
      disabled: true,
      disabledAt: ctx.now,
      disabledBy: admin.id,
      txId: ctx.txId,
    };
    await saveDisabled(ctx.store, status);
    const revokedGrantIds =
      ref.role === 'clinician'
        ? await revokeRequesterGrants(ctx.store, target, {
            at: ctx.now,
            txId: ctx.txId,
            ruleId: GRANT_REVOKERS.identityDisabled,
          })
        : [];
    ctx.emit(EVENTS.identityDisabled, { ...target, revokedGrantIds });
    return json(status);
  }

  /** Enables again an identity of the calling admin's organisation (its revoked grants stay revoked). */
  @Transaction()
  @Returns('string')
  async enableIdentity(ctx: CustodiaContext, identity: string): Promise<string> {
    const admin = ctx.callerAs(['admin'], 'enableIdentity');
    const target = {
      mspId: admin.mspId,
      ...valid(parseArgument(identity, decoders.identityRef, 'identity')),
    };
    if (!(await loadDisabled(ctx.store, target))) {
      throw new ChaincodeError('FAILED_PRECONDITION', 'identity is not disabled');
    }
    await deleteDisabled(ctx.store, target);
    ctx.emit(EVENTS.identityEnabled, { ...target, revokedGrantIds: [] });
    const status: IdentityStatus = { ...target, disabled: false };
    return json(status);
  }

  /** Whether `identity` (`{mspId, role, id}`) is disabled: for that organisation's admins and auditors. */
  @Transaction(false)
  @Returns('string')
  async getIdentityStatus(ctx: CustodiaContext, identity: string): Promise<string> {
    const target = valid(parseArgument(identity, decoders.identity, 'identity'));
    const caller = ctx.caller;
    if (!(caller.role === 'auditor' || (caller.role === 'admin' && caller.mspId === target.mspId))) {
      throw new ChaincodeError('FORBIDDEN', 'getIdentityStatus: not allowed for this caller');
    }
    const disabled = await loadDisabled(ctx.store, target);
    const status: IdentityStatus = disabled ?? { ...target, disabled: false };
    return json(status);
  }
}
