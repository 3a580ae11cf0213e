/**
 * Residency in every zone (issue #16): three locations — Germany on the lake's S3 server, France and Italy on a
 * second S3 server in a process of its own. Every object of an upload and of an assembly for a clinician abroad is
 * in the data's country and nothing is in any other location; the country is the organisation's (a centre whose
 * certificate claims another country changes nothing); keys and index are per location; the residency check lists,
 * per location, the countries of the data it holds, and notices a document or object moved in from elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Caller } from '@custodia/chaincode';
import type { ResidencyReport } from '../src/residency/report';
import type { S3Endpoint } from '../src/storage/minio-store';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';
import { clientOn } from './s3';
import { startS3Process } from './s3-process';
import type { S3Process } from './s3-process';
import { documentForm } from './document-form';

const ANNA = pseudonym('patient-res-anna');
const LEA = pseudonym('patient-res-lea');
const centreDE: Caller = { mspId: ORG_DE, id: 'centre-res-de', role: 'centre', country: 'DE' };
const centreFR: Caller = { mspId: ORG_FR, id: 'centre-res-fr', role: 'centre', country: 'FR' };
/** A French centre whose certificate (and the gateway's header) claims Germany: the chaincode refuses it. */
const centreFRClaimingDE: Caller = { mspId: ORG_FR, id: 'centre-res-fr-de', role: 'centre', country: 'DE' };
const anna: Caller = { mspId: ORG_DE, id: ANNA, role: 'patient' };
const lea: Caller = { mspId: ORG_FR, id: LEA, role: 'patient' };
const drFR: Caller = { mspId: ORG_FR, id: 'dr-res-fr', role: 'clinician', country: 'FR' };
const drDE: Caller = { mspId: ORG_DE, id: 'dr-res-de', role: 'clinician', country: 'DE' };
const auditor: Caller = { mspId: ORG_FR, id: 'auditor-res', role: 'auditor', country: 'FR' };

let env: LakeOnLedger;
let second: S3Process;

/** Every object on an S3 endpoint, as `bucket/key`. */
async function objectsOn(endpoint: S3Endpoint): Promise<string[]> {
  const client = clientOn(endpoint);
  const found: string[] = [];
  for (const bucket of await client.listBuckets()) {
    const stream = client.listObjectsV2(bucket.name, '', true);
    for await (const item of stream) found.push(`${bucket.name}/${(item as { name: string }).name}`);
  }
  return found.sort();
}

function condition(patientId: string, code: string) {
  return {
    resourceType: 'Condition',
    subject: { reference: `Patient/${patientId}` },
    code: { coding: [{ system: 'http://snomed.info/sct', code }] },
  };
}

async function uploadFhir(
  actor: Caller,
  patientId: string,
  sourceId: string,
  resource: object,
): Promise<void> {
  const response = await env.call('POST', `/v1/patients/${patientId}/records?sourceId=${sourceId}`, actor, {
    body: JSON.stringify(resource),
    contentType: 'application/fhir+json',
  });
  expect(response.status).toBe(201);
}

/** The patient permits clinicians; `clinician` requests, the lake assembles, the clinician downloads everything. */
async function assembleAndDownload(patient: Caller, clinician: Caller, binaries: number): Promise<void> {
  await env.ledgerAs(patient).rules.create({
    requestId: randomUUID(),
    rule: {
      effect: 'permit',
      grantee: { kind: 'role', role: 'clinician' },
      categories: ['problems', 'documents'],
      labels: [],
      purposes: ['TREAT'],
    },
  });
  const entry = await env.ledgerAs(clinician).access.request({
    patientId: patient.id,
    categories: ['problems', 'documents'],
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
  const grantId = entry.grantId as string;
  expect((await env.call('POST', `/v1/grants/${grantId}/assembly`, clinician)).status).toBe(201);
  const record = await env.call('GET', `/v1/grants/${grantId}/record`, clinician);
  expect(record.status).toBe(200);
  const text = await record.text();
  const links = text.match(/\/v1\/grants\/[^"]+\/binaries\/[^"]+/g) ?? [];
  expect(links).toHaveLength(binaries);
  for (const url of links) {
    const binary = await env.call('GET', url, clinician);
    expect(binary.status).toBe(200);
    await binary.arrayBuffer();
  }
}

beforeAll(async () => {
  second = await startS3Process();
  env = await startLakeOnLedger(
    {},
    {
      CUSTODIA_S3_LOCATIONS: JSON.stringify({
        FR: { endpoint: second.endpoint, bucketPrefix: 'fr-' },
        IT: { endpoint: second.endpoint, bucketPrefix: 'it-' },
      }),
    },
  );
  for (const actor of [centreDE, centreFR, centreFRClaimingDE, anna, lea, drFR, drDE, auditor])
    await env.enrol(actor);
  expect((await env.call('PUT', `/v1/patients/${ANNA}`, anna)).status).toBe(204);
  expect((await env.call('PUT', `/v1/patients/${LEA}`, lea)).status).toBe(204);
}, 180_000);

afterAll(async () => {
  await env?.destroy();
  await second?.dispose();
});

it('keeps every object of a German upload and of its assembly for a French clinician in Germany', async () => {
  await uploadFhir(centreDE, ANNA, 'anna-asthma', condition(ANNA, '195967001'));
  const form = documentForm(ANNA, Buffer.alloc(200_000, 7));
  const uploaded = await env.call('POST', `/v1/patients/${ANNA}/documents?sourceId=anna-scan`, centreDE, {
    body: form,
  });
  expect(uploaded.status).toBe(201);
  await assembleAndDownload(anna, drFR, 1);

  // Nothing of it on the second server (France, Italy), which holds only the French patient's registration; on the
  // first, only German buckets hold anything.
  expect(await objectsOn(second.endpoint)).toEqual([`fr-custodia-structured/patients/${LEA}.json`]);
  const de = env.lake.locations.forCountry('DE');
  const onFirst = await objectsOn(firstEndpoint());
  expect(onFirst.length).toBeGreaterThan(0);
  const germanBuckets = ['raw', 'structured', 'consumer', 'keys', 'curated'].map((zone) =>
    de.bucket(zone as 'raw'),
  );
  expect(
    onFirst.filter((object) => !germanBuckets.some((bucket) => object.startsWith(`${bucket}/`))),
  ).toEqual([]);
  // Every zone of it: raw objects, data keys, record documents, the temporary record, its marker and manifest.
  for (const prefix of [
    `${de.bucket('raw')}/patients/${ANNA}/objects/`,
    `${de.bucket('keys')}/patients/${ANNA}/`,
    `${de.bucket('structured')}/records/${ANNA}/`,
    `${de.bucket('structured')}/manifests/`,
    `${de.bucket('consumer')}/grants/`,
    `${de.bucket('consumer')}/expiry/`,
  ])
    expect(onFirst.some((object) => object.startsWith(prefix))).toBe(true);
}, 120_000);

it('keeps a French centre’s upload and its assembly for a German clinician in France; a certificate claiming Germany is refused', async () => {
  const firstBefore = await objectsOn(firstEndpoint());
  const secondBefore = await objectsOn(second.endpoint);
  const claimed = await env.call(
    'POST',
    `/v1/patients/${LEA}/records?sourceId=lea-claimed`,
    centreFRClaimingDE,
    {
      body: JSON.stringify(condition(LEA, '37796009')),
      contentType: 'application/fhir+json',
    },
  );
  expect(claimed.status).toBe(403);
  // Refused before anything was kept, in either country.
  expect(await objectsOn(firstEndpoint())).toEqual(firstBefore);
  expect(await objectsOn(second.endpoint)).toEqual(secondBefore);
  await uploadFhir(centreFR, LEA, 'lea-migraine', condition(LEA, '37796009'));
  await assembleAndDownload(lea, drDE, 0);
  // Nothing new on the first server; on the second, French buckets only.
  expect(await objectsOn(firstEndpoint())).toEqual(firstBefore);
  const fr = env.lake.locations.forCountry('FR');
  const onSecond = await objectsOn(second.endpoint);
  expect(onSecond.length).toBeGreaterThan(0);
  expect(onSecond.filter((object) => !object.startsWith('fr-custodia-'))).toEqual([]);
  expect(onSecond.some((object) => object.startsWith(`${fr.bucket('raw')}/patients/${LEA}/`))).toBe(true);
  expect(onSecond.some((object) => object.startsWith(`${fr.bucket('consumer')}/grants/`))).toBe(true);
}, 120_000);

it('keeps keys and index per location: each keyring holds keys of its own country’s patients only', async () => {
  const lakeDir = path.join(env.dir, 'lake');
  expect((await readdir(path.join(lakeDir, 'index'))).sort()).toEqual(['DE', 'FR', 'IT']);
  const patientsIn = async (country: string) =>
    (await readdir(path.join(lakeDir, 'keys', country, 'patients')).catch(() => [])).length;
  expect(await patientsIn('DE')).toBe(1);
  expect(await patientsIn('FR')).toBe(1);
  expect(await patientsIn('IT')).toBe(0);
});

it('lists per location the countries of the data it holds, and notices data moved in from another country', async () => {
  const check = async (): Promise<ResidencyReport> => {
    const response = await env.call('GET', '/v1/residency', auditor);
    expect(response.status).toBe(200);
    return (await response.json()) as ResidencyReport;
  };
  expect((await env.call('GET', '/v1/residency', drFR)).status).toBe(403);
  const report = await check();
  expect(report.ok).toBe(true);
  const byCountry = Object.fromEntries(report.locations.map((each) => [each.country, each]));
  expect(byCountry.DE).toMatchObject({ countries: ['DE'], temporaryRecords: { DE: 1 }, ok: true });
  expect(byCountry.DE?.holds.DE).toMatchObject({ records: 2, rawObjects: 3, indexEntries: 2 });
  expect(byCountry.FR).toMatchObject({ countries: ['FR'], temporaryRecords: { FR: 1 }, ok: true });
  expect(byCountry.IT).toMatchObject({ countries: [], ok: true });

  // Someone copies a German record document and raw object into the French buckets.
  const de = env.lake.locations.forCountry('DE');
  const fr = env.lake.locations.forCountry('FR');
  const moved: [string, string][] = [];
  for (const zone of ['structured', 'raw'] as const) {
    for await (const item of de.store.list(de.bucket(zone), zone === 'raw' ? 'patients/' : 'records/')) {
      const bytes = (await de.store.getBuffer(de.bucket(zone), item.key, 1 << 20)) as Buffer;
      await fr.store.put(fr.bucket(zone), item.key, bytes);
      moved.push([zone, item.key]);
      break;
    }
  }
  const tampered = await check();
  expect(tampered.ok).toBe(false);
  const french = tampered.locations.find((each) => each.country === 'FR');
  expect(french).toMatchObject({ ok: false, unattributed: { documents: 1, rawObjects: 1 } });
  for (const [zone, key] of moved) await fr.store.remove(fr.bucket(zone as 'raw'), [key]);
  expect((await check()).ok).toBe(true);
});

/** The lake's own S3 endpoint (Germany's), with its keys. */
function firstEndpoint(): S3Endpoint {
  const s3 = env.lake.s3;
  if (s3 !== undefined) return { url: s3.endpoint, ...s3.credentials };
  const external = process.env;
  return {
    url: external.CUSTODIA_TEST_S3_ENDPOINT as string,
    accessKey: external.CUSTODIA_TEST_S3_ACCESS_KEY as string,
    secretKey: external.CUSTODIA_TEST_S3_SECRET_KEY as string,
  };
}
