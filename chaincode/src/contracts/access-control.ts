/** Who may read what, and which patients may be acted on: the checks shared by several contracts. */
import { ChaincodeError } from '../model';
import type { AdmittedCaller, Caller, PatientRegistration, Role } from '../model';
import { loadPatient } from '../ledger/patients';
import type { CustodiaContext } from './context';

/**
 * The patient themselves, or one of the listed roles (e.g. auditors) for any patient. A patient caller
 * was admitted only as the patient its organisation registered, so its id is enough here.
 */
export function requireSelfOr(
  caller: AdmittedCaller,
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

/** FAILED_PRECONDITION once the patient is erased: nothing new is recorded for them. */
export function refuseErased(registration: PatientRegistration): void {
  if (registration.erased) throw new ChaincodeError('FAILED_PRECONDITION', 'patient is erased');
}

/** The registration of a patient something is recorded for: NOT_FOUND if unregistered, refused once erased. */
export async function activePatient(ctx: CustodiaContext, patientId: string): Promise<PatientRegistration> {
  const registration = await loadPatient(ctx.store, patientId);
  if (!registration) throw new ChaincodeError('NOT_FOUND', 'patient not found');
  refuseErased(registration);
  return registration;
}
