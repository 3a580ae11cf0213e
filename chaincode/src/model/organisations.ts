/**
 * The organisation registry's governance, as pure functions. Modelled on Fabric's chaincode lifecycle:
 * each organisation's admin approves a change for the next sequence, and the change takes effect only
 * when a strict majority of the current members approved exactly that change (by hash). The genesis —
 * the first registry, while none exists — needs every organisation it lists, as a channel's genesis
 * block needs every founding organisation.
 */
import { ChaincodeError } from './errors';
import { LIMITS } from './limits';
import type { Organisation, OrganisationRegistry, RegistryChange } from './types';

/** The registry before its genesis. */
export const EMPTY_REGISTRY: OrganisationRegistry = { version: 0, members: [] };

export function memberOf(registry: OrganisationRegistry, mspId: string): Organisation | undefined {
  return registry.members.find((member) => member.mspId === mspId);
}

/** The organisations whose approvals count for a change: the listed ones at genesis, else the members. */
export function votersFor(registry: OrganisationRegistry, change: RegistryChange): string[] {
  const electorate = change.kind === 'genesis' ? change.members : registry.members;
  return electorate.map((member) => member.mspId);
}

/** Approvals needed: all founders at genesis, otherwise a strict majority of the current members. */
export function approvalsRequired(registry: OrganisationRegistry, change: RegistryChange): number {
  const voters = votersFor(registry, change).length;
  return change.kind === 'genesis' ? voters : Math.floor(voters / 2) + 1;
}

/**
 * Checks that a change applies to the registry as it is (right sequence, sensible against the current
 * members) and returns the members it would produce. FAILED_PRECONDITION otherwise.
 */
export function membersAfter(registry: OrganisationRegistry, change: RegistryChange): Organisation[] {
  if (change.sequence !== registry.version + 1) {
    throw new ChaincodeError('FAILED_PRECONDITION', 'change.sequence: must be the registry version + 1');
  }
  if ((change.kind === 'genesis') !== (registry.version === 0)) {
    throw new ChaincodeError(
      'FAILED_PRECONDITION',
      change.kind === 'genesis' ? 'the registry already exists' : 'the registry has no genesis yet',
    );
  }
  const current = memberOf(registry, change.kind === 'genesis' ? '' : change.mspId);
  switch (change.kind) {
    case 'genesis':
      return [...change.members];
    case 'add':
      if (current) throw new ChaincodeError('FAILED_PRECONDITION', 'organisation is already a member');
      if (registry.members.length >= LIMITS.maxOrganisations) {
        throw new ChaincodeError('FAILED_PRECONDITION', 'the registry is full');
      }
      return [...registry.members, { mspId: change.mspId, country: change.country }].sort(byMspId);
    case 'change-country':
      if (!current) throw new ChaincodeError('FAILED_PRECONDITION', 'organisation is not a member');
      if (current.country === change.country) {
        throw new ChaincodeError('FAILED_PRECONDITION', 'organisation already has this country');
      }
      return registry.members.map((member) =>
        member.mspId === change.mspId ? { mspId: member.mspId, country: change.country } : member,
      );
    case 'remove':
      if (!current) throw new ChaincodeError('FAILED_PRECONDITION', 'organisation is not a member');
      // An empty registry would reopen the genesis to whoever asks first.
      if (registry.members.length === 1) {
        throw new ChaincodeError('FAILED_PRECONDITION', 'the last member cannot be removed');
      }
      return registry.members.filter((member) => member.mspId !== change.mspId);
  }
}

/** The registry's order of members. */
export function byMspId(a: Organisation, b: Organisation): number {
  return a.mspId < b.mspId ? -1 : a.mspId > b.mspId ? 1 : 0;
}
