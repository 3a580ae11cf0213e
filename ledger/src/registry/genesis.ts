/**
 * The organisation registry's genesis ceremony, as a platform's start-up or an operator runs it: every founding
 * organisation's admin identity approves the same genesis change, then one of them commits it. Idempotent: an
 * approval already recorded is not sent again, and a registry that already exists (founded earlier, or by a
 * concurrent run) is returned as it is — the genesis never runs twice, and a registry changed since by its members
 * is never reset.
 */
import { ChaincodeCallError } from '../client/errors';
import type { GenesisChange, Organisation, OrganisationRegistry } from '@custodia/chaincode';
import type { LedgerSession } from '../facade/session';

/** A founding organisation and the ledger as its `admin`-role identity sees it. */
export interface Founder {
  readonly organisation: Organisation;
  readonly admin: LedgerSession;
}

/** The registry after the genesis: the one committed now, or the one that already existed. */
export async function foundRegistry(founders: readonly Founder[]): Promise<OrganisationRegistry> {
  const [first] = founders;
  if (first === undefined) throw new RangeError('a registry needs at least one founding organisation');
  const existing = await first.admin.organisations.registry();
  if (existing.version > 0) return existing;
  const genesis: GenesisChange = {
    sequence: 1,
    kind: 'genesis',
    members: founders.map((founder) => founder.organisation),
  };
  const readiness = await first.admin.organisations.readiness(genesis);
  const approved = new Set(
    readiness.approvals.filter((approval) => approval.approved).map((approval) => approval.mspId),
  );
  for (const founder of founders) {
    if (!approved.has(founder.organisation.mspId)) await founder.admin.organisations.approve(genesis);
  }
  try {
    return await first.admin.organisations.commit(genesis);
  } catch (error) {
    // Another run committed it first: the registry exists now, which is what was asked.
    if (!(error instanceof ChaincodeCallError && error.code === 'FAILED_PRECONDITION')) throw error;
    const registry = await first.admin.organisations.registry();
    if (registry.version === 0) throw error;
    return registry;
  }
}
