/**
 * Creating a patient: a pseudonym the platform generates → the patient's home organisation registers it on-chain
 * (`patients:registerPatient`, signed by the acting admin of that organisation) → the data lake learns of it (with
 * the patient's identification set, which it keeps sealed under the patient's key) → the patient is enrolled at the
 * organisation's CA with it → the user store. The user exists only once every step succeeded; a failure at any step
 * leaves nothing half-visible: at most a pseudonym nobody holds, registered on-chain without any certificate that
 * can act as it, and perhaps known to the lake. The ledger comes first because the lake erases only a patient the
 * ledger records as erased (`markPatientErased` needs the registration): an identification set the lake held for a
 * pseudonym the ledger never registered could never be erased. A retry starts again with a new pseudonym, so it
 * never meets the CA's or the ledger's record of the failed attempt.
 */
import type { DatalakeActor } from '@custodia/datalake';
import type { LedgerSession } from '@custodia/ledger';
import type { DataLake } from '../journeys/context';
import type { IdentityService, NewUser, User } from '../identity';
import { newPatientId } from './pseudonym';

export interface PatientRegistrar {
  /** The acting admin of the patient's home organisation, as the ledger and the lake see them. */
  readonly ledger: LedgerSession;
  readonly actor: DatalakeActor;
}

export async function createPatient(
  deps: { readonly identity: IdentityService; readonly datalake: Pick<DataLake, 'registerPatient'> },
  registrar: PatientRegistrar,
  input: Omit<NewUser, 'ledgerId' | 'role'>,
): Promise<User> {
  const patientId = newPatientId();
  await registrar.ledger.patients.register(patientId);
  // The home organisation's identification set goes with the registration: the lake releases it with every record.
  await deps.datalake.registerPatient(registrar.actor, patientId, input.person);
  return deps.identity.createUser({ ...input, role: 'patient', ledgerId: patientId });
}
