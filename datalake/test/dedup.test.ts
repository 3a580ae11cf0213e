/**
 * Deduplication and versions on the embedded network: the same content uploaded again under another source id
 * (and another source-system id, another lastUpdated) appears once in the record; a new version of a source
 * document replaces the old one — on-chain (`supersedes` / `supersededBy`) and in what is released; a document
 * changed back is a new version again; another organisation's identical upload is its own record.
 */
import { randomUUID } from 'node:crypto';
import type { Caller, RecordMeta } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import type { AssemblyResult } from '../src/assembly/assemble';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { LAKE_ACTOR, startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';

jest.setTimeout(180_000);

const PATIENT = pseudonym('dedup-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-dedup', role: 'centre', country: 'DE' };
const otherCentre: Caller = { mspId: ORG_FR, id: 'centre-dedup-fr', role: 'centre', country: 'FR' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-dedup', role: 'clinician', country: 'FR' };

interface Answer {
  readonly records: { recordId: string; outcome: string; supersedes?: string }[];
}

let env: LakeOnLedger;
let clinicianLedger: LedgerSession;

const problem = (code: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Condition',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
  },
  code: { coding: [{ system: 'http://snomed.info/sct', code }] },
  subject: { reference: `Patient/${PATIENT}` },
  onsetDateTime: '2024-01-10',
  ...extra,
});

async function upload(body: object, sourceId: string, actor: Caller = centre): Promise<Answer> {
  const response = await env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=${sourceId}`, actor, {
    body: JSON.stringify(body),
    contentType: 'application/fhir+json',
  });
  expect(response.status).toBeLessThan(300);
  return (await response.json()) as Answer;
}

async function released(): Promise<string[]> {
  const entry = await clinicianLedger.access.request({
    patientId: PATIENT,
    categories: ['problems'],
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const assembled = await env.call('POST', `/v1/grants/${entry.grantId as string}/assembly`, clinician);
  expect(assembled.status).toBe(201);
  const result = (await assembled.json()) as AssemblyResult;
  expect(result.excluded).toEqual([]);
  return result.included.map((each) => each.recordId).sort();
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, otherCentre, patient, clinician]) await env.enrol(actor);
  clinicianLedger = env.ledgerAs(clinician);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
  const patientLedger = env.ledgerAs(patient);
  await patientLedger.rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['problems'],
      labels: [],
      purposes: ['TREAT'],
    },
  });
}, 120_000);

afterAll(async () => {
  await env?.destroy();
});

let hypertension: string;

it('keeps one record for the same content sent under other source ids and other server metadata', async () => {
  const first = await upload(problem('38341003', { id: 'his-1' }), 'his-a');
  expect(first.records[0]?.outcome).toBe('created');
  hypertension = first.records[0]?.recordId as string;
  const again = await upload(
    problem('38341003', {
      id: 'other-system-77',
      meta: { versionId: '3', lastUpdated: '2024-05-05T10:00:00Z' },
    }),
    'export-2024/file-9.json',
  );
  expect(again.records).toEqual([expect.objectContaining({ recordId: hypertension, outcome: 'duplicate' })]);
  // Two identical entries in one Bundle are one record as well.
  const bundle = await upload(
    {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { resource: problem('195967001', { id: 'x1' }) },
        { resource: problem('195967001', { id: 'x2' }) },
      ],
    },
    'bundle-1',
  );
  expect(bundle.records.map((record) => record.outcome)).toEqual(['created', 'duplicate']);
  expect(bundle.records[1]?.recordId).toBe(bundle.records[0]?.recordId);
  expect(await released()).toEqual([hypertension, bundle.records[0]?.recordId as string].sort());
});

it('replaces a source document by its new version, on-chain and in what is released', async () => {
  const asthma = (await released()).find((id) => id !== hypertension) as string;
  const v2 = await upload(
    problem('38341003', { id: 'his-1', note: [{ text: 'confirmed by cardiology' }] }),
    'his-a',
  );
  expect(v2.records[0]).toMatchObject({ outcome: 'created', supersedes: hypertension });
  const newer = v2.records[0]?.recordId as string;
  const onChain = (await env.ledger.getRecordMeta(LAKE_ACTOR, hypertension)) as RecordMeta;
  expect(onChain.supersededBy).toBe(newer);
  expect(((await env.ledger.getRecordMeta(LAKE_ACTOR, newer)) as RecordMeta).supersedes).toBe(hypertension);
  expect(await released()).toEqual([asthma, newer].sort());
  // The same new version retried is the same record, not another version.
  expect(
    (await upload(problem('38341003', { id: 'his-1', note: [{ text: 'confirmed by cardiology' }] }), 'his-a'))
      .records[0],
  ).toMatchObject({
    recordId: newer,
    outcome: 'existing',
  });

  // Changed back to the first content: a new version again, not the retired record.
  const v3 = await upload(problem('38341003', { id: 'his-1' }), 'his-a');
  expect(v3.records[0]).toMatchObject({ outcome: 'created', supersedes: newer });
  expect(v3.records[0]?.recordId).not.toBe(hypertension);
  expect(await released()).toEqual([asthma, v3.records[0]?.recordId as string].sort());
});

it('does not let another organisation’s identical upload find, hide or replace this centre’s record', async () => {
  const before = await released();
  const theirs = await upload(problem('195967001', { id: 'x1' }), 'bundle-1', otherCentre);
  expect(theirs.records[0]?.outcome).toBe('created');
  expect(before).not.toContain(theirs.records[0]?.recordId);
  expect(await released()).toEqual([...before, theirs.records[0]?.recordId as string].sort());
});
