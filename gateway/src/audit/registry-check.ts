/**
 * The registries' writes, re-checked: a registry version committed with the approvals its governance needs
 * (every founder for the genesis, a strict majority of the members after; committed by the admin of an
 * organisation that votes on it), approvals written by the approving organisation's own admin, patients registered (and erased) by
 * an admin of their home organisation and never otherwise altered, identities disabled or enabled by an admin of
 * their own organisation — the rules the chaincode applies, so a forged write shows.
 */
import { approvalsRequired, votersFor } from '@custodia/chaincode';
import type {
  Caller,
  IdentityStatus,
  OrganisationRegistry,
  PatientRegistration,
  RegistryApproval,
  RegistryChange,
} from '@custodia/chaincode';
import { canonicalJson } from './canonical-json';
import { describeCaller } from './creator';
import type { LoggedBy } from './decision-check';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy, DiscrepancyKind } from './discrepancy';

function found(kind: DiscrepancyKind, tx: LoggedBy, detail: string): Discrepancy[] {
  return [{ kind, block: tx.block, txId: tx.txId, detail }];
}

const isAdminOf = (creator: Caller | undefined, mspId: string): creator is Caller =>
  creator !== undefined && creator.role === 'admin' && creator.mspId === mspId;

/** The electorate of the change that produced `after` from `before` (its kind matters only for the genesis). */
function changeOf(before: OrganisationRegistry, after: OrganisationRegistry): RegistryChange {
  return before.version === 0
    ? { sequence: after.version, kind: 'genesis', members: after.members }
    : { sequence: after.version, kind: 'remove', mspId: '' };
}

/** `approvals`: those world state held for the new version's sequence before the commit. */
export function checkRegistryCommit(
  before: OrganisationRegistry,
  after: OrganisationRegistry,
  approvals: readonly RegistryApproval[],
  tx: LoggedBy,
): Discrepancy[] {
  const kind = DISCREPANCY_KINDS.REGISTRY_CHANGE_UNAPPROVED;
  if (after.version !== before.version + 1)
    return found(kind, tx, `registry version ${after.version} follows version ${before.version}`);
  const change = changeOf(before, after);
  const voters = votersFor(before, change);
  const approvedBy = approvals
    .filter((approval) => voters.includes(approval.mspId) && approval.changeHash === after.changeHash)
    .map((approval) => approval.mspId);
  const required = approvalsRequired(before, change);
  const problems = [
    ...(approvedBy.length < required
      ? [`${approvedBy.length} of the ${required} approvals needed (${voters.join(', ')} vote)`]
      : []),
    ...(tx.creator !== undefined && tx.creator.role === 'admin' && voters.includes(tx.creator.mspId)
      ? []
      : [`committed by ${describeCaller(tx.creator)}, not the admin of an organisation that votes on it`]),
  ];
  return problems.length === 0
    ? []
    : found(kind, tx, `registry version ${after.version}: ${problems.join('; ')}`);
}

export function checkApproval(approval: RegistryApproval, tx: LoggedBy): Discrepancy[] {
  return isAdminOf(tx.creator, approval.mspId) && tx.creator.id === approval.approvedBy
    ? []
    : found(
        DISCREPANCY_KINDS.REGISTRY_CHANGE_UNAPPROVED,
        tx,
        `approval for ${approval.mspId} (sequence ${approval.sequence}) written by ${describeCaller(tx.creator)}`,
      );
}

export function checkPatientRegistration(
  before: PatientRegistration | undefined,
  after: PatientRegistration,
  tx: LoggedBy,
): Discrepancy[] {
  const kind = DISCREPANCY_KINDS.REGISTRATION_INCONSISTENT;
  if (!isAdminOf(tx.creator, (before ?? after).mspId))
    return found(
      kind,
      tx,
      `patient ${after.patientId} of ${(before ?? after).mspId} written by ${describeCaller(tx.creator)}`,
    );
  if (before === undefined)
    return after.mspId === tx.creator.mspId &&
      after.registeredBy === tx.creator.id &&
      after.erased === undefined
      ? []
      : found(kind, tx, `patient ${after.patientId} registered with fields not its registering admin's`);
  const { erased, ...kept } = after;
  const unchanged = canonicalJson(kept) === canonicalJson(before);
  return unchanged && before.erased === undefined && erased?.txId === tx.txId
    ? []
    : found(kind, tx, `patient ${after.patientId}'s registration altered other than by its erasure`);
}

/** `mspId`: the organisation the disabled-identity key names; a delete is the identity enabled again. */
export function checkIdentityStatus(
  mspId: string,
  status: IdentityStatus | undefined,
  tx: LoggedBy,
): Discrepancy[] {
  const by = isAdminOf(tx.creator, mspId) && (status === undefined || status.disabledBy === tx.creator.id);
  return by
    ? []
    : found(
        DISCREPANCY_KINDS.REGISTRATION_INCONSISTENT,
        tx,
        `an identity of ${mspId} ${status === undefined ? 'enabled' : 'disabled'} by ${describeCaller(tx.creator)}`,
      );
}
