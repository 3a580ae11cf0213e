/**
 * The lake destroys a patient's keys and data only once the ledger records their erasure: their home organisation's
 * administrator marks them erased on-chain first (`patients:markPatientErased`, which also revokes their rules and
 * grants; the gateway's erasure runs that step before the lake's). Read with the lake's own identity, so an erasure
 * does not rest on the gateway's word: a caller holding the lake's service credential, or acting-user headers
 * naming an administrator or the patient, cannot erase a patient the ledger does not record as erased.
 *
 * The lake may read from a peer that has not yet committed the block holding the mark the gateway just had
 * committed elsewhere: an answer without it is read once more after `rereadMs` before the erasure is refused.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DatalakeError } from '../errors';
import type { LedgerActor, LedgerPort } from './port';

/** How long a peer that has not seen the erasure yet is given to commit it (blocks reach peers within ~1 s). */
export const ERASURE_REREAD_MS = 500;

export async function requireErasureOnLedger(
  ledger: Pick<LedgerPort, 'getPatient'>,
  serviceActor: LedgerActor | undefined,
  patientId: string,
  rereadMs = ERASURE_REREAD_MS,
): Promise<void> {
  if (serviceActor === undefined)
    throw new DatalakeError(
      'ERASURE_NOT_RECORDED',
      'this lake has no ledger identity (CUSTODIA_DATALAKE_IDENTITY) to read the erasure on the ledger with',
    );
  const erased = async (): Promise<boolean> =>
    (await ledger.getPatient(serviceActor, patientId))?.erased !== undefined;
  if (await erased()) return;
  await sleep(rereadMs);
  if (await erased()) return;
  throw new DatalakeError(
    'ERASURE_NOT_RECORDED',
    'the ledger does not record this patient as erased: their home organisation marks the erasure on-chain first',
  );
}
