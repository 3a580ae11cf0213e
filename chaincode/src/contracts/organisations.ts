/**
 * `organisations:*` — the registry of member organisations and their countries, which no organisation
 * changes alone. Like Fabric's chaincode lifecycle: each organisation's admin approves a change for the
 * next sequence (`approveChange`), and `commitChange` applies it once a strict majority of the current
 * members approved exactly that change (by hash) — or, for the genesis, every founding organisation.
 * Non-members may take part (founders, applicants); everyone may read.
 */
import { Info, Returns, Transaction } from 'fabric-contract-api';
import {
  approvalsRequired,
  ChaincodeError,
  decoders,
  EVENTS,
  membersAfter,
  parseArgument,
  votersFor,
} from '../model';
import type { CommitReadiness, OrganisationRegistry, RegistryApproval, RegistryChange } from '../model';
import { digestOf } from '../ledger/digest';
import { loadApproval, saveApproval, saveRegistry } from '../ledger/organisations';
import type { ContractFunctions } from '../catalogue';
import { CustodiaContract, json, valid } from './base';
import { CustodiaContext } from './context';

@Info({ title: 'organisations', description: 'The member organisations and their countries' })
export class OrganisationsContract
  extends CustodiaContract
  implements ContractFunctions<'organisations', CustodiaContext>
{
  constructor() {
    super('organisations');
  }

  /** The registry's transactions admit their callers themselves: approvers need not be members yet. */
  protected override async admit(): Promise<void> {}

  /**
   * The calling organisation's approval of `change` (`{sequence, kind, …}` for the next sequence),
   * replacing any earlier approval of its own for that sequence.
   */
  @Transaction()
  @Returns('string')
  async approveChange(ctx: CustodiaContext, change: string): Promise<string> {
    const admin = await ctx.admitRegistryAdmin('approveChange');
    const proposed = valid(parseArgument(change, decoders.registryChange, 'change'));
    membersAfter(await ctx.registry(), proposed);
    const approval: RegistryApproval = {
      sequence: proposed.sequence,
      changeHash: digestOf(proposed),
      kind: proposed.kind,
      mspId: admin.mspId,
      approvedBy: admin.id,
      approvedAt: ctx.now,
      txId: ctx.txId,
    };
    await saveApproval(ctx.store, approval);
    ctx.emit(EVENTS.registryChangeApproved, {
      sequence: approval.sequence,
      changeHash: approval.changeHash,
      mspId: approval.mspId,
    });
    return json(approval);
  }

  /** Applies `change` as the next registry version, if enough organisations approved exactly it. */
  @Transaction()
  @Returns('string')
  async commitChange(ctx: CustodiaContext, change: string): Promise<string> {
    const admin = await ctx.admitRegistryAdmin('commitChange');
    const proposed = valid(parseArgument(change, decoders.registryChange, 'change'));
    const registry = await ctx.registry();
    const members = membersAfter(registry, proposed);
    const readiness = await this.readiness(ctx, registry, proposed);
    if (!readiness.approvals.some((approval) => approval.mspId === admin.mspId)) {
      throw new ChaincodeError(
        'FORBIDDEN',
        'commitChange: only an organisation that votes on it commits a change',
      );
    }
    if (!readiness.ready) {
      throw new ChaincodeError('FAILED_PRECONDITION', 'not enough organisations approved this change');
    }
    const next: OrganisationRegistry = {
      version: proposed.sequence,
      members,
      changeHash: readiness.changeHash,
      updatedAt: ctx.now,
      txId: ctx.txId,
    };
    await saveRegistry(ctx.store, next);
    ctx.emit(EVENTS.registryChanged, {
      version: next.version,
      changeHash: readiness.changeHash,
      kind: proposed.kind,
      mspIds: members.map((member) => member.mspId),
    });
    return json(next);
  }

  /** The registry as committed; version 0 without members before the genesis. */
  @Transaction(false)
  @Returns('string')
  async getRegistry(ctx: CustodiaContext): Promise<string> {
    return json(await ctx.registry());
  }

  /** Who has approved `change` and whether it could be committed now. */
  @Transaction(false)
  @Returns('string')
  async checkCommitReadiness(ctx: CustodiaContext, change: string): Promise<string> {
    const proposed = valid(parseArgument(change, decoders.registryChange, 'change'));
    const registry = await ctx.registry();
    membersAfter(registry, proposed);
    return json(await this.readiness(ctx, registry, proposed));
  }

  private async readiness(
    ctx: CustodiaContext,
    registry: OrganisationRegistry,
    change: RegistryChange,
  ): Promise<CommitReadiness> {
    const changeHash = digestOf(change);
    const approvals = [];
    for (const mspId of votersFor(registry, change)) {
      const approval = await loadApproval(ctx.store, change.sequence, mspId);
      approvals.push({ mspId, approved: approval?.changeHash === changeHash });
    }
    const required = approvalsRequired(registry, change);
    const approved = approvals.filter((approval) => approval.approved).length;
    return { sequence: change.sequence, changeHash, approvals, required, ready: approved >= required };
  }
}
