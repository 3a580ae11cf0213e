/** Who may read what: the rules shared by several contracts. */
import { ChaincodeError } from '../model';
import type { Caller, Role } from '../model';

/** The patient themselves, or one of the listed roles (e.g. auditors) for any patient. */
export function requireSelfOr(
  caller: Caller,
  patientId: string,
  roles: readonly Role[],
  action: string,
): void {
  if (caller.role === 'patient' && caller.id === patientId) return;
  if (roles.includes(caller.role)) return;
  throw new ChaincodeError('FORBIDDEN', `${action}: not allowed for this caller`);
}

/** The same identity: an id is only unique within its MSP and role. */
export function sameParty(a: Caller, b: Caller): boolean {
  return a.mspId === b.mspId && a.role === b.role && a.id === b.id;
}
