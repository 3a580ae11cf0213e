/**
 * Binaries the lake sealed in 64 KiB chunks, before it sealed in 1 MiB chunks, against the embedded network and a
 * real s3rver: still released and served byte for byte; cut short at a chunk boundary, they are not released again
 * and the download stops short of its announced length. A binary sealed now in one chunk that fails authentication
 * is answered as a problem before any of its bytes.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Bundle, DocumentReference } from '@medplum/fhirtypes';
import type { Caller, Category } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import type { AssemblyResult } from '../src/assembly/assemble';
import { decodeHeader, EARLIER_CHUNK_SIZE, HEADER_BYTES, TAG_BYTES } from '../src/crypto/format';
import { layout } from '../src/zones/layout';
import { SealedObjects } from '../src/zones/sealed-objects';
import { ORG_DE, pseudonym } from '../../network/test/fixtures/embedded-network';
import { permitClinicians, startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';
import { documentForm } from './document-form';

const PATIENT = pseudonym('chunks-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-chunks', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_DE, id: 'dr-chunks', role: 'clinician', country: 'DE' };

let env: LakeOnLedger;
let clinicianLedger: LedgerSession;
// Several earlier chunks and a short last one.
const content = randomBytes(5 * EARLIER_CHUNK_SIZE + 1234);
let recordId = '';

async function grantAndAssemble(
  categories: Category[],
): Promise<{ grantId: string; result: AssemblyResult }> {
  const entry = await clinicianLedger.access.request({
    patientId: PATIENT,
    categories,
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const grantId = entry.grantId as string;
  const assembled = await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician);
  expect(assembled.status).toBe(201);
  return { grantId, result: (await assembled.json()) as AssemblyResult };
}

async function binaryLink(grantId: string): Promise<string | undefined> {
  const bundle = (await (await env.call('GET', `/v1/grants/${grantId}/record`, clinician)).json()) as Bundle;
  const reference = bundle.entry?.find((each) => each.resource?.resourceType === 'DocumentReference')
    ?.resource as DocumentReference | undefined;
  return reference?.content[0]?.attachment.url;
}

/** The binary's raw object where the lake keeps it, and its place for sealing. */
async function rawPlace() {
  const document = await env.lake.index.get(PATIENT, recordId);
  const binary = document?.binary;
  if (document === undefined || binary === undefined) throw new Error('no binary record');
  const location = env.lake.locations.forCountry(document.country);
  return {
    location,
    zone: 'raw' as const,
    objectKey: layout.rawObject(PATIENT, binary.objectId),
    keyKey: layout.dataKey(PATIENT, binary.objectId),
    patientId: PATIENT,
    owner: document.organisation,
    objectId: binary.objectId,
  };
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient, clinician]) await env.enrol(actor);
  clinicianLedger = env.ledgerAs(clinician);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
  const form = documentForm(PATIENT, content);
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/documents?sourceId=scan-1`, centre, {
    body: form,
  });
  expect(uploaded.status).toBe(201);
  recordId = ((await uploaded.json()) as { records: { recordId: string }[] }).records[0]?.recordId ?? '';
  await permitClinicians(env.ledgerAs(patient), ['documents']);
  // The same bytes sealed again as the earlier lake sealed them: 64 KiB chunks, the same place, key and owner.
  await new SealedObjects(env.lake.keyrings, EARLIER_CHUNK_SIZE).write(await rawPlace(), content);
}, 180_000);

afterAll(async () => {
  await env?.destroy();
});

it('releases and serves a binary sealed in the earlier 64 KiB chunks, byte for byte', async () => {
  const place = await rawPlace();
  const stored = await place.location.store.getBuffer(place.location.bucket('raw'), place.objectKey, 1 << 20);
  expect(stored && decodeHeader(stored).chunkSize).toBe(EARLIER_CHUNK_SIZE);

  const { grantId, result } = await grantAndAssemble(['documents']);
  expect(result.excluded).toEqual([]);
  const link = await binaryLink(grantId);
  expect(link).toBeDefined();
  const served = await env.call('GET', link as string, clinician);
  expect(served.status).toBe(200);
  expect(Buffer.from(await served.arrayBuffer()).equals(content)).toBe(true);
});

it('refuses a binary of the earlier chunks cut short at a chunk boundary', async () => {
  const { grantId } = await grantAndAssemble(['documents']);
  const link = await binaryLink(grantId);
  expect(link).toBeDefined();
  const place = await rawPlace();
  const bucket = place.location.bucket('raw');
  const stored = (await place.location.store.getBuffer(bucket, place.objectKey, 1 << 20)) as Buffer;
  // The short last chunk dropped: what is left is whole chunks, each authentic.
  const cut = stored.subarray(0, HEADER_BYTES + 5 * (EARLIER_CHUNK_SIZE + TAG_BYTES));
  await place.location.store.put(bucket, place.objectKey, Buffer.from(cut));

  // A link given before: the download fails instead of ending as a shorter file.
  const served = await env.call('GET', link as string, clinician);
  await expect(served.arrayBuffer()).rejects.toThrow();
  // A new assembly does not release it.
  const again = await grantAndAssemble(['documents']);
  expect(again.result.excluded.map((each) => each.recordId)).toContain(recordId);
  expect(await binaryLink(again.grantId)).toBeUndefined();
});

it('refuses, with a problem and none of its bytes, a binary sealed now whose only chunk was changed', async () => {
  const small = randomBytes(300 * 1024);
  const form = documentForm(PATIENT, small, 'letter', 'letter.pdf');
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/documents?sourceId=letter-1`, centre, {
    body: form,
  });
  expect(uploaded.status).toBe(201);
  const smallId = ((await uploaded.json()) as { records: { recordId: string }[] }).records[0]?.recordId ?? '';
  const document = await env.lake.index.get(PATIENT, smallId);
  const location = env.lake.locations.forCountry(document?.country ?? 'DE');
  const key = layout.rawObject(PATIENT, document?.binary?.objectId ?? '');
  const stored = (await location.store.getBuffer(location.bucket('raw'), key, 1 << 20)) as Buffer;
  // Sealed in one 1 MiB chunk; an attacker with write access to the bucket flips one byte (same length).
  expect(decodeHeader(stored).chunkSize).toBe(1024 * 1024);
  const flipped = Buffer.from(stored);
  flipped[HEADER_BYTES + 1000] = (flipped[HEADER_BYTES + 1000] as number) ^ 0x01;
  await location.store.put(location.bucket('raw'), key, flipped);

  const { grantId } = await grantAndAssemble(['documents']);
  const bundle = (await (await env.call('GET', `/v1/grants/${grantId}/record`, clinician)).json()) as Bundle;
  const link = bundle.entry
    ?.map((each) => each.resource)
    .filter((resource): resource is DocumentReference => resource?.resourceType === 'DocumentReference')
    .map((reference) => reference.content[0]?.attachment.url ?? '')
    .find((url) => url.includes(encodeURIComponent(smallId)) || url.includes(smallId));
  expect(link).toBeDefined();
  const served = await env.call('GET', link as string, clinician);
  expect(served.status).toBe(500);
  expect(served.headers.get('content-type')).toMatch(/problem\+json/);
  const problem = (await served.json()) as { code?: string };
  expect(problem.code).toBe('INTEGRITY_FAILED');
  expect(JSON.stringify(problem)).not.toContain(small.subarray(0, 16).toString('base64'));
});
