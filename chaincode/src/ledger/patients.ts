/** Patient registrations: a pseudonymous ledger id bound to its home organisation. */
import type { PatientRegistration } from '../model';
import { OBJECT_TYPES } from './keys';
import type { Store } from './store';

export function loadPatient(store: Store, patientId: string): Promise<PatientRegistration | undefined> {
  return store.get<PatientRegistration>(store.key(OBJECT_TYPES.patient, [patientId]));
}

export async function savePatient(store: Store, registration: PatientRegistration): Promise<void> {
  await store.put(store.key(OBJECT_TYPES.patient, [registration.patientId]), registration);
}
