/**
 * The data lake against the real ledger: uploads registered on-chain with the centre's own identity, grants read
 * and deliveries logged with the clinician's own identity, and an upload during a ledger outage that leaves
 * nothing visible and completes on retry.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '@custodia/chaincode';
import { isDatalakeError } from '../src/errors';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';

const PATIENT = pseudonym('ledger-1');

const centre: Caller = { mspId: ORG_DE, id: 'centre-de', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-fr', role: 'clinician', country: 'FR' };
const otherClinician: Caller = { mspId: ORG_FR, id: 'dr-other', role: 'clinician', country: 'FR' };

const allergy = {
  resourceType: 'AllergyIntolerance',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  patient: { reference: `Patient/${PATIENT}` },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] },
  recordedDate: '2030-01-02',
};

let env: LakeOnLedger;

function upload(sourceId: string, resource: unknown = allergy): Promise<Response> {
  return env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=${sourceId}`, centre, {
    body: JSON.stringify(resource),
    contentType: 'application/fhir+json',
  });
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient, clinician, otherClinician]) await env.enrol(actor);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
}, 120_000);

afterAll(async () => {
  await env?.destroy();
});

it('registers an upload on-chain under the centre’s own identity, with the content hash', async () => {
  const response = await upload('allergy-1');
  expect(response.status).toBe(201);
  const [record] = ((await response.json()) as { records: { recordId: string; contentHash: string }[] })
    .records;
  if (!record) throw new Error('no record');
  const meta = await env.ledger.getRecordMeta(patient, record.recordId);
  expect(meta).toMatchObject({
    recordId: record.recordId,
    patientId: PATIENT,
    contentHash: record.contentHash,
    categories: ['allergies'],
    sourceMspId: ORG_DE,
    registeredBy: centre.id,
    country: 'DE',
  });
  expect(await env.ledger.getRecordMeta(patient, 'no-such-record')).toBeUndefined();
  // A clinician is not a reader of registrations: the chaincode refuses it on the clinician's own certificate.
  const refused: unknown = await env.ledger
    .getRecordMeta(clinician, record.recordId)
    .catch((e: unknown) => e);
  expect(isDatalakeError(refused, 'FORBIDDEN')).toBe(true);
});

it('reads a grant and logs a delivery with the requester’s identity, and refuses anyone else', async () => {
  const patientLedger = env.ledgerAs(patient);
  await patientLedger.rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['allergies'],
      labels: [],
      purposes: ['TREAT'],
    },
  });
  const entry = await env.ledgerAs(clinician).access.request({
    patientId: PATIENT,
    categories: ['allergies'],
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const grantId = entry.grantId;
  if (grantId === undefined) throw new Error('nothing granted');

  const grant = await env.ledger.getGrant(clinician, grantId);
  expect(grant).toMatchObject({ grantId, patientId: PATIENT, status: 'active' });
  expect(grant?.granted.map((granted) => granted.category)).toEqual(['allergies']);
  expect(await env.ledger.getGrant(clinician, 'no-such-grant')).toBeUndefined();

  const stranger: unknown = await env.ledger.getGrant(otherClinician, grantId).catch((e: unknown) => e);
  expect(isDatalakeError(stranger, 'FORBIDDEN')).toBe(true);
  const strangerDelivery: unknown = await env.ledger
    .recordDelivery(otherClinician, grantId, 'a'.repeat(64))
    .catch((e: unknown) => e);
  expect(isDatalakeError(strangerDelivery, 'FORBIDDEN')).toBe(true);

  await env.ledger.recordDelivery(clinician, grantId, 'b'.repeat(64));
  const deliveries = await patientLedger.access.listDeliveries(grantId, { pageSize: 10 });
  expect(deliveries.items).toEqual([
    expect.objectContaining({
      manifestHash: 'b'.repeat(64),
      requester: expect.objectContaining({ id: clinician.id }),
    }),
  ]);
});

it('refuses an actor without an enrolment before reaching the ledger', async () => {
  const unknown: Caller = { mspId: ORG_DE, id: 'centre-unknown', role: 'centre', country: 'DE' };
  const error: unknown = await env.ledger.getGrant(unknown, 'any').catch((e: unknown) => e);
  expect(isDatalakeError(error, 'FORBIDDEN')).toBe(true);
});

it('leaves nothing visible when the ledger is down during registration, and the retry completes', async () => {
  const before = (await env.lake.index.published(PATIENT)).map((doc) => doc.recordId);
  await env.net.stop();
  const failed = await upload('allergy-outage', { ...allergy, recordedDate: '2030-03-04' });
  expect(failed.status).toBe(503);
  expect(((await failed.json()) as { code: string }).code).toBe('LEDGER_UNAVAILABLE');
  expect((await env.lake.index.published(PATIENT)).map((doc) => doc.recordId)).toEqual(before);

  await env.net.restart();
  env.refreshProfile();
  const retried = await upload('allergy-outage', { ...allergy, recordedDate: '2030-03-04' });
  expect(retried.status).toBe(201);
  const [record] = ((await retried.json()) as { records: { recordId: string; contentHash: string }[] })
    .records;
  if (!record) throw new Error('no record');
  expect((await env.lake.index.published(PATIENT)).map((doc) => doc.recordId)).toContain(record.recordId);
  expect(await env.ledger.getRecordMeta(patient, record.recordId)).toMatchObject({
    contentHash: record.contentHash,
  });
});
