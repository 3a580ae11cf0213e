/**
 * The sensitive corpus end to end on the embedded network: a centre uploads a Synthea-style transaction Bundle of
 * unlabelled sensitive resources; the lake labels them from their codes and registers the labels on-chain; a
 * clinician whose rule names no label receives none of them (only the controls), and each class is released
 * exactly when a permit names its label. Also the upload-time refusals a user would notice: another patient's
 * data (422, nothing stored), a body nested 100,000 deep (400), a security label the lake does not understand
 * (withheld until a permit names V, and reported).
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { Caller, Label, RecordMeta } from '@custodia/chaincode';
import { CATEGORIES } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import { CONTEXT_TYPES } from '../src/assembly/references';
import type { AssemblyResult } from '../src/assembly/assemble';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { sensitiveCorpus } from './fixtures/sensitive-corpus';
import { LAKE_ACTOR, startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';

jest.setTimeout(240_000);

const PATIENT = pseudonym('corpus-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-corpus', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-corpus', role: 'clinician', country: 'FR' };

interface UploadAnswer {
  readonly records: {
    recordId: string;
    resourceType: string;
    labels: Label[];
    unrecognisedLabels?: string[];
  }[];
  readonly skipped: { index: number }[];
}

let env: LakeOnLedger;
let patientLedger: LedgerSession;
let clinicianLedger: LedgerSession;
const corpus = sensitiveCorpus();
/** recordId → the labels the corpus says its codes must earn. */
const expected = new Map<string, readonly Label[]>();

const upload = (body: string, sourceId: string, patientId = PATIENT) =>
  env.call('POST', `/v1/patients/${patientId}/records?sourceId=${sourceId}`, centre, {
    body,
    contentType: 'application/fhir+json',
  });

async function storedKeys(): Promise<string[]> {
  const home = env.lake.locations.forCountry('DE');
  const keys: string[] = [];
  for (const zone of ['raw', 'structured'] as const)
    for await (const item of home.store.list(
      home.bucket(zone),
      `${zone === 'raw' ? 'patients' : 'records'}/${PATIENT}/`,
    ))
      keys.push(item.key);
  return keys.sort();
}

async function releasedWith(labels: Label[]): Promise<string[]> {
  const rule = await patientLedger.rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
      categories: CATEGORIES,
      labels,
      purposes: ['TREAT'],
    },
  });
  const ruleId = rule.ruleId;
  try {
    const entry = await clinicianLedger.access.request({
      patientId: PATIENT,
      categories: CATEGORIES,
      purpose: 'TREAT',
      requestId: randomUUID(),
    });
    const assembled = await env.call('POST', `/v1/grants/${entry.grantId as string}/assembly`, clinician);
    expect(assembled.status).toBe(201);
    const result = (await assembled.json()) as AssemblyResult;
    expect(result.excluded).toEqual([]);
    const bundle = (await (
      await env.call('GET', `/v1/grants/${entry.grantId as string}/record`, clinician)
    ).json()) as Bundle;
    // What the clinician can read is what the manifest lists: one entry per included record.
    const clinical = (bundle.entry ?? []).filter(
      (each) =>
        !['Composition', 'Patient', 'Device'].includes(each.resource?.resourceType ?? '') &&
        !CONTEXT_TYPES.has(each.resource?.resourceType ?? ''),
    );
    expect(clinical).toHaveLength(result.included.length);
    return result.included.map((each) => each.recordId).sort();
  } finally {
    await patientLedger.rules.revoke(ruleId);
  }
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient, clinician]) await env.enrol(actor);
  patientLedger = env.ledgerAs(patient);
  clinicianLedger = env.ledgerAs(clinician);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
}, 180_000);

afterAll(async () => {
  await env?.destroy();
});

it('refuses an upload holding another patient’s resource with 422 and stores nothing of it', async () => {
  const bundle = structuredClone(corpus.bundle);
  const entries = bundle.entry ?? [];
  (entries[5]?.resource as Resource & { subject: unknown }).subject = { reference: 'Patient/patient-marco' };
  const response = await upload(JSON.stringify(bundle), 'corpus-mixed');
  expect(response.status).toBe(422);
  const problem = (await response.json()) as { code: string; issues: unknown[] };
  expect(problem.code).toBe('WRONG_PATIENT');
  expect(problem.issues).toEqual([
    { index: 5, fullUrl: entries[5]?.fullUrl, element: 'Condition.subject', reason: 'not-this-patient' },
  ]);
  expect(JSON.stringify(problem)).not.toContain('marco');
  expect(await storedKeys()).toEqual([]);
});

it('answers 400 to a body nested 100,000 deep', async () => {
  // A valid-looking Observation whose extensions nest 100,000 levels (validators recurse: a 500 before).
  const levels = 50_000;
  const deep = `{"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":${'[{"url":"http://example.org/x","extension":'.repeat(levels)}[]${'}]'.repeat(levels)}}`;
  const response = await upload(deep, 'deep');
  expect(response.status).toBe(400);
  expect(((await response.json()) as { code: string }).code).toBe('INVALID_INPUT');
});

it('labels every sensitive resource of an unlabelled Synthea-style Bundle at ingest, and on-chain', async () => {
  const response = await upload(JSON.stringify(corpus.bundle), 'synthea-export-1');
  expect(response.status).toBe(201);
  const answer = (await response.json()) as UploadAnswer;
  expect(answer.records).toHaveLength(corpus.entries.length);
  answer.records.forEach((record, position) => {
    const want = corpus.entries[position];
    expect({ type: record.resourceType, labels: record.labels }).toEqual({
      type: want?.resourceType,
      labels: want?.labels,
    });
    expected.set(record.recordId, want?.labels ?? []);
  });
  // The ledger holds the same labels: the lake's assembly and the auditors' replay read them there.
  for (const [recordId, labels] of expected) {
    const meta = await env.ledger.getRecordMeta(LAKE_ACTOR, recordId);
    expect((meta as RecordMeta).labels).toEqual(labels);
  }
});

it('releases none of them to a clinician whose rule names no label, and each class when a permit names it', async () => {
  const controls = [...expected]
    .filter(([, labels]) => labels.length === 0)
    .map(([id]) => id)
    .sort();
  expect(controls.length).toBeGreaterThan(0);
  expect(await releasedWith([])).toEqual(controls);
  for (const label of ['PSY', 'SUD', 'ETH', 'HIV', 'STD', 'SDV'] as const) {
    const members = [...expected].filter(
      ([, labels]) => labels.length > 0 && labels.every((l) => l === label),
    );
    expect(members.length).toBeGreaterThanOrEqual(4);
    expect({ label, released: await releasedWith([label]) }).toEqual({
      label,
      released: [...controls, ...members.map(([id]) => id)].sort(),
    });
  }
});

it('reads a source label in its OID form or as a bare code, and withholds the record without a permit naming it', async () => {
  const labelled = async (coding: object, sourceId: string) => {
    const response = await upload(
      JSON.stringify({
        resourceType: 'Condition',
        meta: { security: [coding] },
        subject: { reference: `Patient/${PATIENT}` },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
        note: [{ text: sourceId }],
      }),
      sourceId,
    );
    expect(response.status).toBe(201);
    const record = ((await response.json()) as UploadAnswer).records[0];
    expect(record?.labels).toEqual(['PSY']);
    return record?.recordId as string;
  };
  const oid = await labelled({ system: 'urn:oid:2.16.840.1.113883.5.4', code: 'PSY' }, 'oid-form');
  const bare = await labelled({ code: 'PSY' }, 'bare-form');
  const unlabelled = await releasedWith([]);
  expect(unlabelled).not.toContain(oid);
  expect(unlabelled).not.toContain(bare);
  expect(await releasedWith(['PSY'])).toEqual(expect.arrayContaining([oid, bare]));
});

it('withholds a record with a label it does not understand until a permit names V, and reports it', async () => {
  const resource = {
    resourceType: 'Condition',
    meta: { security: [{ system: 'urn:oid:2.16.840.1.113883.5.4', code: 'GDIS' }] },
    subject: { reference: `Patient/${PATIENT}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
  };
  const response = await upload(JSON.stringify(resource), 'unknown-label');
  expect(response.status).toBe(201);
  const answer = (await response.json()) as UploadAnswer;
  const record = answer.records[0];
  expect(record?.labels).toEqual(['V']);
  expect(record?.unrecognisedLabels).toEqual(['urn:oid:2.16.840.1.113883.5.4|GDIS']);
  expect(await releasedWith(['PSY', 'SUD', 'ETH', 'HIV', 'STD', 'SDV', 'R'])).not.toContain(record?.recordId);
  expect(await releasedWith(['V'])).toContain(record?.recordId);
});
