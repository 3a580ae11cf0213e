/**
 * DatalakeClient against the real lake service (embedded network, real s3rver): the calls the gateway makes, end to
 * end, and the failures it must tell apart — the lake's own refusals (its code and status) and the lake being down.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import type { Caller } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import { DatalakeClient, isUploadJob } from '../src/client';
import type { UploadAnswer } from '../src/client';
import type { IngestResult } from '../src/ingest/ingest-service';
import { DatalakeError } from '../src/errors';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { actorHeaders, startLakeOnLedger, TOKEN } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';

/** The records a small upload stored (it is never a job). */
function stored(answer: UploadAnswer): IngestResult {
  if (isUploadJob(answer)) throw new Error('a small upload became a job');
  return answer;
}

const PATIENT = pseudonym('client-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-client', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-client', role: 'clinician', country: 'FR' };
const auditor: Caller = { mspId: ORG_DE, id: 'auditor-client', role: 'auditor' };
const subject = { reference: `Patient/${PATIENT}` };

const allergy = {
  resourceType: 'AllergyIntolerance',
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  patient: subject,
  code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] },
};

let env: LakeOnLedger;
let client: DatalakeClient;
let patientLedger: LedgerSession;
let clinicianLedger: LedgerSession;

async function text(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function failure(promise: Promise<unknown>): Promise<DatalakeError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DatalakeError)) throw new Error(`expected a DatalakeError, got ${String(error)}`);
  return error;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient, clinician, auditor]) await env.enrol(actor);
  patientLedger = env.ledgerAs(patient);
  clinicianLedger = env.ledgerAs(clinician);
  client = new DatalakeClient({ baseUrl: env.lake.url, token: TOKEN });
  await patientLedger.rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['allergies', 'documents'],
      labels: [],
      purposes: ['TREAT'],
    },
  });
}, 180_000);

afterAll(async () => {
  client?.close();
  await env?.destroy();
});

it('uploads, assembles and downloads a record and a streamed binary, and gives auditors the manifest', async () => {
  expect(await client.health()).toBe(true);
  await client.registerPatient(patient, PATIENT);
  const uploaded = await client.uploadRecords(
    centre,
    PATIENT,
    'allergy-1',
    Buffer.from(JSON.stringify(allergy)),
    'application/fhir+json',
  );
  expect(stored(uploaded).records.map((record) => record.outcome)).toEqual(['created']);
  // The same upload again is recognised, not stored twice.
  const again = await client.uploadRecords(
    centre,
    PATIENT,
    'allergy-1',
    Readable.from([Buffer.from(JSON.stringify(allergy))]),
  );
  expect(stored(again).records.map((record) => record.outcome)).toEqual(['existing']);

  const content = randomBytes(3 * 1024 * 1024 + 17);
  // Handed over in small pieces, as a file read from disk would be.
  const pieces = Array.from({ length: Math.ceil(content.length / 65_536) }, (_, at) =>
    content.subarray(at * 65_536, (at + 1) * 65_536),
  );
  const document = await client.uploadDocument(
    centre,
    PATIENT,
    'scan-1',
    {
      resourceType: 'DocumentReference',
      status: 'current',
      subject,
      content: [{ attachment: { contentType: 'application/pdf', title: 'scan' } }],
    },
    Readable.from(pieces),
    'scan "1".pdf',
    'application/pdf',
  );
  expect(document.records[0]?.contentHash).toBe(createHash('sha256').update(content).digest('hex'));

  const entry = await clinicianLedger.access.request({
    patientId: PATIENT,
    categories: ['allergies', 'documents'],
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const grantId = entry.grantId as string;
  const assembled = await client.assemble(clinician, grantId);
  expect(assembled.included).toHaveLength(2);
  expect(assembled.excluded).toEqual([]);

  const bundle = JSON.parse((await text(await client.openRecord(clinician, grantId))).toString()) as Bundle;
  const reference = bundle.entry?.find((each) => each.resource?.resourceType === 'DocumentReference')
    ?.resource as DocumentReference;
  const link = new URL(reference.content[0]?.attachment.url as string, 'http://lake.invalid');
  const recordId = decodeURIComponent(link.pathname.split('/').pop() as string);
  const binary = await client.downloadBinary(clinician, grantId, recordId, {
    expires: link.searchParams.get('expires') as string,
    sig: link.searchParams.get('sig') as string,
  });
  expect(binary.contentType).toBe('application/pdf');
  expect(binary.length).toBe(content.length);
  expect((await text(binary.stream)).equals(content)).toBe(true);

  // The link the clinician holds still works after the lake restarts (its signing secret is kept on disk).
  await env.restartLake();
  client.close();
  client = new DatalakeClient({ baseUrl: env.lake.url, token: TOKEN });
  const afterRestart = await client.downloadBinary(clinician, grantId, recordId, {
    expires: link.searchParams.get('expires') as string,
    sig: link.searchParams.get('sig') as string,
  });
  expect((await text(afterRestart.stream)).equals(content)).toBe(true);

  // The clinician is not an auditor; the auditor gets the manifest whose hash the ledger logged.
  expect((await failure(client.getManifest(clinician, grantId))).code).toBe('FORBIDDEN');
  const manifest = await client.getManifest(auditor, grantId);
  expect(manifest.manifestHash).toBe(assembled.manifestHash);
  expect(manifest.included.map((each) => each.recordId).sort()).toEqual(
    assembled.included.map((each) => each.recordId).sort(),
  );
  // It outlives the temporary record: opening it again while the grant is active assembles a new one.
  await env.lake.consumer.remove(grantId);
  await text(await client.openRecord(clinician, grantId));
  expect((await client.getManifest(auditor, grantId)).manifestHash).not.toBe(assembled.manifestHash);
  expect((await client.getManifest(auditor, grantId, assembled.manifestHash)).manifestHash).toBe(
    assembled.manifestHash,
  );
  const unknownHash = createHash('sha256').update('other').digest('hex');
  expect((await failure(client.getManifest(auditor, grantId, unknownHash))).code).toBe('NOT_FOUND');
});

it('carries the lake’s refusals as their code and status', async () => {
  const notFhir = await failure(
    client.uploadRecords(centre, PATIENT, 'bad-1', Buffer.from('{"hello":"world"}'), 'application/fhir+json'),
  );
  expect({ code: notFhir.code, status: notFhir.status }).toEqual({ code: 'NOT_FHIR', status: 400 });
  const unknown = await failure(
    client.uploadRecords(centre, pseudonym('nobody'), 'a-1', Buffer.from(JSON.stringify(allergy))),
  );
  expect({ code: unknown.code, status: unknown.status }).toEqual({ code: 'UNKNOWN_PATIENT', status: 404 });
  // A refused upload releases the caller's source rather than leaving it half read.
  const source = Readable.from(
    Array.from({ length: 64 }, () => randomBytes(64 * 1024)),
    { objectMode: false },
  );
  const refusedUpload = await failure(
    client.uploadDocument(
      centre,
      pseudonym('nobody'),
      's-1',
      { resourceType: 'DocumentReference' },
      source,
      'x',
      'a/b',
    ),
  );
  expect(refusedUpload.code).toBe('UNKNOWN_PATIENT');
  expect(source.destroyed).toBe(true);
  const wrongToken = new DatalakeClient({ baseUrl: env.lake.url, token: 'not-the-service-token' });
  try {
    const refused = await failure(wrongToken.registerPatient(patient, PATIENT));
    expect({ code: refused.code, status: refused.status }).toEqual({ code: 'UNAUTHENTICATED', status: 401 });
  } finally {
    wrongToken.close();
  }
  // A DocumentReference header that is not base64url JSON is refused before anything is stored.
  const garbled = await fetch(`${env.lake.url}/v1/patients/${PATIENT}/documents?sourceId=scan-3`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...actorHeaders(centre),
      'content-type': 'application/pdf',
      'custodia-document-reference': 'not base64url!',
    },
    body: 'pdf bytes',
  });
  expect(garbled.status).toBe(400);
  // A failing upload source is the caller's error, not the lake's.
  const broken = new Readable({
    read() {
      this.destroy(new Error('disk read failed'));
    },
  });
  await expect(
    client.uploadDocument(
      centre,
      PATIENT,
      'scan-2',
      { resourceType: 'DocumentReference', status: 'current', subject, content: [{ attachment: {} }] },
      broken,
      'x',
      'a/b',
    ),
  ).rejects.toThrow('disk read failed');
});

it('answers DATALAKE_UNAVAILABLE (503) when the lake cannot be reached', async () => {
  const down = new DatalakeClient({ baseUrl: `http://127.0.0.1:${await closedPort()}`, token: TOKEN });
  try {
    const error = await failure(down.assemble(clinician, 'grant-1'));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'DATALAKE_UNAVAILABLE', status: 503 });
    expect(await down.health()).toBe(false);
  } finally {
    down.close();
  }
});

it('runs the residency check for an auditor, and refuses it to anyone else', async () => {
  const report = await client.residency(auditor);
  expect(report.ok).toBe(true);
  expect(report.locations.find((each) => each.country === 'DE')?.countries).toEqual(['DE']);
  expect((await failure(client.residency(clinician))).status).toBe(403);
});

it('erases a patient through the client, once the ledger records the erasure', async () => {
  const refused = await failure(client.erasePatient(patient, PATIENT));
  expect({ code: refused.code, status: refused.status }).toEqual({
    code: 'ERASURE_NOT_RECORDED',
    status: 409,
  });
  const admin: Caller = { mspId: ORG_DE, id: 'admin-client', role: 'admin', country: 'DE' };
  await env.enrol(admin);
  await env.ledgerAs(admin).patients.markErased(PATIENT);
  const report = await client.erasePatient(patient, PATIENT);
  expect(report.patientKeysDestroyed).toBeGreaterThan(0);
  expect(report.dataKeysDestroyed).toBeGreaterThan(0);
  const after = await failure(
    client.uploadRecords(centre, PATIENT, 'allergy-2', Buffer.from(JSON.stringify(allergy))),
  );
  expect({ code: after.code, status: after.status }).toEqual({ code: 'PATIENT_ERASED', status: 410 });
});
