import type { PatientRegistration } from '@custodia/chaincode';
import { DatalakeError } from '../errors';
import { requireErasureOnLedger } from './erasure-record';
import type { LedgerActor } from './port';

const lake: LedgerActor = { mspId: 'HospitalDEMSP', id: 'custodia-datalake', role: 'admin' };
const registered = { patientId: 'pt-1', mspId: 'HospitalDEMSP' } as unknown as PatientRegistration;
const erased = { ...registered, erased: { at: '2030-01-01T00:00:00Z', txId: 'tx' } } as PatientRegistration;

/** A ledger answering these registrations in turn (the last one from then on), noting who read. */
function answering(...answers: (PatientRegistration | undefined)[]) {
  const readers: LedgerActor[] = [];
  return {
    readers,
    getPatient: (actor: LedgerActor) => {
      readers.push(actor);
      return Promise.resolve(answers.length > 1 ? answers.shift() : answers[0]);
    },
  };
}

async function refusal(pending: Promise<void>): Promise<string | undefined> {
  return pending.then(
    () => undefined,
    (error: unknown) => (error instanceof DatalakeError ? `${error.status} ${error.code}` : String(error)),
  );
}

it('lets an erasure the ledger records go on, read with the lake’s own identity', async () => {
  const ledger = answering(erased);
  await expect(requireErasureOnLedger(ledger, lake, 'pt-1', 0)).resolves.toBeUndefined();
  expect(ledger.readers).toEqual([lake]);
});

it('reads once more before refusing: a peer behind the one that committed the mark catches up', async () => {
  const ledger = answering(registered, erased);
  await expect(requireErasureOnLedger(ledger, lake, 'pt-1', 0)).resolves.toBeUndefined();
  expect(ledger.readers).toHaveLength(2);
});

it('refuses with 409 ERASURE_NOT_RECORDED a patient not marked erased, or not registered at all', async () => {
  for (const answer of [registered, undefined]) {
    const ledger = answering(answer);
    expect(await refusal(requireErasureOnLedger(ledger, lake, 'pt-1', 0))).toBe('409 ERASURE_NOT_RECORDED');
    expect(ledger.readers).toHaveLength(2);
  }
});

it('refuses without reading when the lake has no ledger identity', async () => {
  const ledger = answering(erased);
  expect(await refusal(requireErasureOnLedger(ledger, undefined, 'pt-1', 0))).toBe(
    '409 ERASURE_NOT_RECORDED',
  );
  expect(ledger.readers).toEqual([]);
});
