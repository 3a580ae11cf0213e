/**
 * The lake destroys a patient's keys and data only once the ledger records their erasure: their home organisation's
 * administrator marks them erased on-chain first (`patients:markPatientErased`, which also revokes their rules and
 * grants; the gateway's erasure runs that step before the lake's). Read with the lake's own identity, so an erasure
 * does not rest on the gateway's word: a caller holding the lake's service credential, or acting-user headers
 * naming an administrator or the patient, cannot erase a patient the ledger does not record as erased.
 */
import { DatalakeError } from '../errors';
import type { LedgerActor, LedgerPort } from './port';

export async function requireErasureOnLedger(
  ledger: LedgerPort,
  serviceActor: LedgerActor | undefined,
  patientId: string,
): Promise<void> {
  if (serviceActor === undefined)
    throw new DatalakeError(
      'ERASURE_NOT_RECORDED',
      'this lake has no ledger identity (CUSTODIA_DATALAKE_IDENTITY) to read the erasure on the ledger with',
    );
  const registration = await ledger.getPatient(serviceActor, patientId);
  if (registration?.erased === undefined)
    throw new DatalakeError(
      'ERASURE_NOT_RECORDED',
      'the ledger does not record this patient as erased: their home organisation marks the erasure on-chain first',
    );
}
