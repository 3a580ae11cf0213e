/**
 * The temporary record end to end, against the embedded network and a real s3rver: a centre uploads, the patient's
 * rules decide on-chain, the clinician's committed grant is assembled by the lake (which reads the grant and every
 * registration on the ledger itself), downloaded by the requester only, logged as a delivery; tampering, expiry
 * and revocation are each seen where a user would notice them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Bundle, Composition, DocumentReference } from '@medplum/fhirtypes';
import type { AccessLogEntry, Caller, Category, RuleSpec } from '@custodia/chaincode';
import type { LedgerSession } from '@custodia/ledger';
import { ClassicLevel } from 'classic-level';
import type { AssemblyResult } from '../src/assembly/assemble';
import { layout } from '../src/zones/layout';
import { ORG_DE, ORG_FR, pseudonym } from '../../network/test/fixtures/embedded-network';
import { startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';
import { documentForm } from './document-form';

const PATIENT = pseudonym('asm-1');
const centre: Caller = { mspId: ORG_DE, id: 'centre-asm', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };
const clinician: Caller = { mspId: ORG_FR, id: 'dr-asm', role: 'clinician', country: 'FR' };
const stranger: Caller = { mspId: ORG_FR, id: 'dr-stranger', role: 'clinician', country: 'FR' };
const auditor: Caller = { mspId: ORG_FR, id: 'auditor-asm', role: 'auditor', country: 'FR' };

const subject = { reference: `Patient/${PATIENT}` };
const resources = {
  allergy: {
    resourceType: 'AllergyIntolerance',
    clinicalStatus: {
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
      ],
    },
    patient: subject,
    code: { coding: [{ system: 'http://snomed.info/sct', code: '91936005' }] },
  },
  problem: {
    resourceType: 'Condition',
    subject,
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003' }] },
  },
  psychiatric: {
    resourceType: 'Condition',
    meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
    subject,
    code: { coding: [{ system: 'http://snomed.info/sct', code: '35489007' }] },
  },
  medication: {
    resourceType: 'MedicationStatement',
    status: 'active',
    subject,
    medicationCodeableConcept: {
      coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197361' }],
    },
  },
} as const;

let env: LakeOnLedger;
let patientLedger: LedgerSession;
let clinicianLedger: LedgerSession;
const recordIds: Record<string, string> = {};

async function createRule(
  rule: Pick<RuleSpec, 'effect' | 'grantee' | 'categories'> & Partial<RuleSpec>,
): Promise<string> {
  return (
    await patientLedger.rules.create({
      requestId: randomUUID(),
      rule: { labels: [], purposes: ['TREAT'], ...rule },
    })
  ).ruleId;
}

async function requestGrant(categories: Category[]): Promise<AccessLogEntry> {
  return clinicianLedger.access.request({
    patientId: PATIENT,
    categories,
    purpose: 'TREAT',
    requestId: randomUUID(),
  });
}

async function assemble(grantId: string, actor: Caller = clinician): Promise<Response> {
  return env.call('POST', `/v1/grants/${grantId}/assembly`, actor);
}

async function download(grantId: string, actor: Caller = clinician): Promise<Response> {
  return env.call('GET', `/v1/grants/${grantId}/record`, actor);
}

async function consumerKeys(grantId: string): Promise<string[]> {
  const home = env.lake.locations.forCountry('DE');
  const keys: string[] = [];
  for await (const item of home.store.list(home.bucket('consumer'), layout.consumerGrant(grantId)))
    keys.push(item.key);
  return keys;
}

/** Waits for a condition the lake reaches asynchronously (bounded, so a broken listener fails the test). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 100 && !(await condition()); attempt += 1)
    await new Promise((resolve) => setTimeout(resolve, 100));
}

function resourceTypes(bundle: Bundle): string[] {
  return (bundle.entry ?? [])
    .map((entry) => entry.resource?.resourceType ?? '')
    .filter((type) => type !== 'Composition' && type !== 'Patient' && type !== 'Device');
}

beforeAll(async () => {
  env = await startLakeOnLedger();
  for (const actor of [centre, patient, clinician, stranger, auditor]) await env.enrol(actor);
  patientLedger = env.ledgerAs(patient);
  clinicianLedger = env.ledgerAs(clinician);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
  for (const [name, resource] of Object.entries(resources)) {
    const response = await env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=${name}`, centre, {
      body: JSON.stringify(resource),
      contentType: 'application/fhir+json',
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { records: { recordId: string }[] };
    recordIds[name] = body.records[0]?.recordId ?? '';
  }
  // Clinicians may see allergies and problems (not the psychiatric label); medications are denied outright.
  await createRule({
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['allergies', 'problems'],
  });
  await createRule({
    effect: 'deny',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['medications'],
  });
}, 180_000);

afterAll(async () => {
  await env?.destroy();
});

it('assembles, delivers and logs only the granted categories and labels, for the requester only', async () => {
  const entry = await requestGrant(['allergies', 'problems', 'medications']);
  expect(entry.decision.denied).toEqual(['medications']);
  const grantId = entry.grantId as string;

  expect((await assemble(grantId, stranger)).status).toBe(403);
  // The gateway's claim must agree with the certificate the lake signs with: the grant was decided for FR.
  const elsewhere = await assemble(grantId, { ...clinician, country: 'DE' });
  expect(elsewhere.status).toBe(403);
  expect(((await elsewhere.json()) as { code: string }).code).toBe('COUNTRY_NOT_ALLOWED');
  expect(await consumerKeys(grantId)).toEqual([]);
  const assembled = await assemble(grantId);
  expect(assembled.status).toBe(201);
  const result = (await assembled.json()) as AssemblyResult;
  expect(result.excluded).toEqual([]);
  expect(result.included.map((each) => each.recordId).sort()).toEqual(
    [recordIds.allergy, recordIds.problem].sort(),
  );

  // The curated copies and their data keys are gone once assembly ended.
  const home = env.lake.locations.forCountry('DE');
  const curatedLeft: string[] = [];
  for await (const item of home.store.list(home.bucket('curated'), layout.curatedGrant(grantId)))
    curatedLeft.push(item.key);
  for await (const item of home.store.list(home.bucket('keys'), layout.curatedKeys(grantId)))
    curatedLeft.push(item.key);
  expect(curatedLeft).toEqual([]);

  const response = await download(grantId);
  expect(response.status).toBe(200);
  const bundle = (await response.json()) as Bundle;
  expect(resourceTypes(bundle).sort()).toEqual(['AllergyIntolerance', 'Condition']);
  // The psychiatric condition is not there: only the unlabelled problem's code is.
  expect(JSON.stringify(bundle)).not.toContain('35489007');
  const composition = bundle.entry?.[0]?.resource as Composition;
  const medications = composition.section?.find((section) => section.code?.coding?.[0]?.code === '10160-0');
  expect(medications?.emptyReason?.coding?.[0]?.code).toBe('withheld');

  // The ledger itself refuses the stranger's reading of the grant.
  expect((await download(grantId, stranger)).status).toBe(403);
  const deliveries = await patientLedger.access.listDeliveries(grantId, { pageSize: 10 });
  expect(deliveries.items.map((delivery) => delivery.manifestHash)).toEqual([result.manifestHash]);
});

it('still releases every granted record from an index written before its category entries, once it is opened', async () => {
  // The earlier format, in every location's index: record entries only, no category entries, no format key.
  await env.lake.index.close();
  try {
    const folder = path.join(env.dir, 'lake', 'index');
    for (const country of await readdir(folder)) {
      const db = new ClassicLevel<string, Buffer>(path.join(folder, country), { valueEncoding: 'buffer' });
      const added = (await db.keys().all()).filter((key) => key.startsWith('g!') || key.startsWith('v!'));
      await db.batch(added.map((key) => ({ type: 'del' as const, key })));
      await db.close();
    }
  } finally {
    // As the lake opens its indexes when it starts.
    await env.lake.index.open();
  }
  const entry = await requestGrant(['allergies', 'problems']);
  const assembled = await assemble(entry.grantId as string);
  expect(assembled.status).toBe(201);
  const result = (await assembled.json()) as AssemblyResult;
  expect(result.excluded).toEqual([]);
  expect(result.included.map((each) => each.recordId).sort()).toEqual(
    [recordIds.allergy, recordIds.problem].sort(),
  );
});

it('withholds a record carrying two categories when only one of them is granted (issue #11, 5)', async () => {
  const tagged = {
    ...resources.problem,
    meta: {
      tag: [
        { system: 'urn:custodia:category', code: 'problems' },
        { system: 'urn:custodia:category', code: 'documents' },
      ],
    },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
  };
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=two-categories`, centre, {
    body: JSON.stringify(tagged),
    contentType: 'application/fhir+json',
  });
  expect(uploaded.status).toBe(201);
  const [twoCategories] = (
    (await uploaded.json()) as { records: { recordId: string; categories: string[] }[] }
  ).records;
  expect(twoCategories?.categories).toEqual(['problems', 'documents']);

  // The clinician's rules grant problems, not documents: the record tagged with both stays in the lake.
  const entry = await requestGrant(['problems', 'documents']);
  expect(entry.decision.granted).toEqual(['problems']);
  const assembled = await assemble(entry.grantId as string);
  expect(assembled.status).toBe(201);
  const result = (await assembled.json()) as AssemblyResult;
  expect(result.included.map((each) => each.recordId)).toEqual([recordIds.problem]);
  const bundle = (await (await download(entry.grantId as string)).json()) as Bundle;
  expect(JSON.stringify(bundle)).not.toContain('44054006');
});

it('refuses a request the rules denied entirely, and stores nothing for it', async () => {
  const entry = await requestGrant(['medications']);
  expect(entry.grantId).toBeUndefined();
  const refused = await assemble(entry.entryId);
  expect(refused.status).toBe(404);
  expect(await consumerKeys(entry.entryId)).toEqual([]);
});

it('deletes the temporary record once the grant has expired', async () => {
  const entry = await requestGrant(['allergies']);
  const grantId = entry.grantId as string;
  expect((await assemble(grantId)).status).toBe(201);
  expect(await consumerKeys(grantId)).not.toEqual([]);
  const expiresAt = Date.parse(entry.expiresAt as string);
  expect(await env.lake.consumer.sweep(new Date(expiresAt - 1))).not.toContain(grantId);
  expect(await env.lake.consumer.sweep(new Date(expiresAt + 1))).toContain(grantId);
  expect(await consumerKeys(grantId)).toEqual([]);
});

it('refuses a revoked grant and deletes its record when the revocation commits', async () => {
  const ruleId = await createRule({
    effect: 'permit',
    grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
    categories: ['immunizations'],
  });
  const entry = await requestGrant(['immunizations']);
  const grantId = entry.grantId as string;
  expect((await assemble(grantId)).status).toBe(201);
  await patientLedger.rules.revoke(ruleId);
  const again = await assemble(grantId);
  expect(again.status).toBe(403);
  expect(((await again.json()) as { code: string }).code).toBe('GRANT_NOT_ACTIVE');
  const served = await download(grantId);
  expect(served.status).toBe(403);
  expect(((await served.json()) as { code: string }).code).toBe('GRANT_NOT_ACTIVE');
  // The lake follows the ledger's events: the revoked grant's stored record is deleted without any request.
  await until(async () => (await consumerKeys(grantId)).length === 0);
  expect(await consumerKeys(grantId)).toEqual([]);
});

it('deletes the record of a grant its patient ended ("end now") when the ending commits', async () => {
  await createRule({
    effect: 'permit',
    grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
    categories: ['procedures'],
  });
  const grantId = (await requestGrant(['procedures'])).grantId as string;
  expect((await assemble(grantId)).status).toBe(201);
  expect(await consumerKeys(grantId)).not.toEqual([]);
  await patientLedger.access.endGrant(grantId);
  const served = await download(grantId);
  expect(served.status).toBe(403);
  expect(((await served.json()) as { code: string }).code).toBe('GRANT_NOT_ACTIVE');
  await until(async () => (await consumerKeys(grantId)).length === 0);
  expect(await consumerKeys(grantId)).toEqual([]);
});

it('gives the patient their own record, by their own certificate, and nobody else', async () => {
  const own = await env.call('GET', `/v1/patients/${PATIENT}/summary`, patient);
  expect(own.status).toBe(200);
  expect(own.headers.get('cache-control')).toBe('no-store');
  const text = await own.text();
  // Every record, the psychiatric one too (no rule decides what a patient sees of their own record).
  expect(text).toContain('35489007');
  expect(text).toContain('91936005');
  // Nothing was kept: no temporary record, no curated copy.
  expect(await consumerKeys('own-record')).toEqual([]);

  // The attackers: a clinician, another patient, and the patient's id claimed from another organisation (no
  // certificate of that patient there): the lake signs with the claimed identity and the ledger does not know it.
  const otherPatient: Caller = { mspId: ORG_DE, id: pseudonym('asm-other'), role: 'patient' };
  const forged: Caller = { ...patient, mspId: ORG_FR };
  for (const attacker of [clinician, otherPatient, forged]) {
    const refused = await env.call('GET', `/v1/patients/${PATIENT}/summary`, attacker);
    expect(refused.status).toBe(403);
  }
});

it('serves a released binary through its signed link to the requester only, byte for byte', async () => {
  const content = randomBytes(300 * 1024);
  const form = documentForm(PATIENT, content);
  const uploaded = await env.call('POST', `/v1/patients/${PATIENT}/documents?sourceId=scan-1`, centre, {
    body: form,
  });
  expect(uploaded.status).toBe(201);
  await createRule({
    effect: 'permit',
    grantee: { kind: 'role', role: 'clinician' },
    categories: ['documents'],
  });

  const entry = await requestGrant(['documents']);
  const grantId = entry.grantId as string;
  expect((await assemble(grantId)).status).toBe(201);
  const bundle = (await (await download(grantId)).json()) as Bundle;
  const reference = bundle.entry?.find((each) => each.resource?.resourceType === 'DocumentReference')
    ?.resource as DocumentReference;
  const url = reference.content[0]?.attachment.url as string;
  expect(url).toMatch(new RegExp(`^/v1/grants/${grantId}/binaries/`));

  const served = await env.call('GET', url, clinician);
  expect(served.status).toBe(200);
  expect(Buffer.from(await served.arrayBuffer()).equals(content)).toBe(true);
  expect((await env.call('GET', url, stranger)).status).toBe(403);
  expect((await env.call('GET', url.replace(/sig=[^&]+/, 'sig=forged'), clinician)).status).toBe(404);
});

it('excludes and reports a record whose stored document (its resource inside) was altered', async () => {
  const document = await env.lake.index.get(PATIENT, recordIds.allergy as string);
  if (!document) throw new Error('no allergy document');
  const location = env.lake.locations.forCountry(document.country);
  const key = layout.recordDocument(PATIENT, document.recordId);
  const sealed = await location.store.getBuffer(location.bucket('structured'), key, 1024 * 1024);
  if (!sealed) throw new Error('no record document');
  sealed[sealed.length - 20] = (sealed[sealed.length - 20] as number) ^ 0x01;
  await location.store.put(location.bucket('structured'), key, sealed);

  const entry = await requestGrant(['allergies', 'problems']);
  const assembled = await assemble(entry.grantId as string);
  expect(assembled.status).toBe(201);
  const result = (await assembled.json()) as AssemblyResult;
  expect(result.excluded).toEqual([{ recordId: recordIds.allergy, reason: 'metadata-unauthentic' }]);
  expect(result.included.map((each) => each.recordId)).toEqual([recordIds.problem]);
  // Auditors find the exclusion in the stored manifest, whose SHA-256 is the one the ledger logged; at rest it is
  // sealed (not the canonical bytes in clear).
  const home = env.lake.locations.forCountry('DE');
  const atRest = await home.store.getBuffer(
    home.bucket('structured'),
    layout.deliveryManifest(entry.grantId as string, result.manifestHash),
    64 * 1024,
  );
  expect(atRest?.toString('latin1')).not.toContain(recordIds.allergy as string);
  const served = await env.call('GET', `/v1/grants/${entry.grantId as string}/manifest`, auditor);
  expect(served.status).toBe(200);
  const stored = Buffer.from(await served.arrayBuffer());
  expect(createHash('sha256').update(stored).digest('hex')).toBe(result.manifestHash);
  expect((JSON.parse(stored.toString('utf8')) as { excluded: unknown[] }).excluded).toEqual([
    { recordId: recordIds.allergy, reason: 'metadata-unauthentic' },
  ]);
  const bundle = (await (await download(entry.grantId as string)).json()) as Bundle;
  expect(resourceTypes(bundle)).toEqual(['Condition']);
});

describe('an approved contribution', () => {
  const contributed = {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
        ],
      },
    ],
    subject,
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    valueQuantity: { value: 72, unit: '/min' },
  };
  const content = Buffer.from(JSON.stringify(contributed));
  const contentHash = createHash('sha256').update(content).digest('hex');
  let recordId: string;

  beforeAll(async () => {
    await createRule({
      effect: 'permit',
      grantee: { kind: 'practitioner', id: clinician.id, mspId: clinician.mspId },
      categories: ['vital-signs'],
    });
    // Only a clinician holding an active grant for the patient may contribute.
    await requestGrant(['vital-signs']);
    const submitted = await clinicianLedger.contributions.submit({
      patientId: PATIENT,
      categories: ['vital-signs'],
      labels: [],
      contentHash,
      requestId: randomUUID(),
    });
    const approved = await patientLedger.contributions.approve(submitted.contributionId);
    recordId = approved.recordId as string;
    expect(recordId).toBe(`contribution-${submitted.contributionId}`);
  });

  const store = (body: Buffer, actor: Caller = patient, id = recordId): Promise<Response> =>
    env.call('PUT', `/v1/patients/${PATIENT}/contributions/${id}`, actor, {
      body: body.toString('utf8'),
      contentType: 'application/fhir+json',
    });

  it('is stored only with the content its on-chain registration hashes, by its patient', async () => {
    const altered = Buffer.from(
      JSON.stringify({ ...contributed, valueQuantity: { value: 30, unit: '/min' } }),
    );
    const substituted = await store(altered);
    expect(substituted.status).toBe(409);
    const otherPatient: Caller = { ...patient, id: pseudonym('someone-else') };
    expect((await store(content, otherPatient)).status).toBe(403);
    // A centre's own record is not a contribution: nothing can be stored over it this way.
    expect((await store(content, patient, recordIds.problem as string)).status).toBe(404);
    expect(await env.lake.index.get(PATIENT, recordId)).toBeUndefined();

    const stored = await store(content);
    expect(stored.status).toBe(201);
    expect((await store(content)).status).toBe(200);
  });

  it('appears in the next assembled record, from the contributing organisation', async () => {
    const document = await env.lake.index.get(PATIENT, recordId);
    expect(document).toMatchObject({ organisation: ORG_FR, categories: ['vital-signs'], contentHash });
    const entry = await requestGrant(['vital-signs']);
    const assembled = await assemble(entry.grantId as string);
    expect(assembled.status).toBe(201);
    const result = (await assembled.json()) as AssemblyResult;
    expect(result.included).toEqual([{ recordId, contentHash }]);
    const bundle = (await (await download(entry.grantId as string)).json()) as Bundle;
    expect(JSON.stringify(bundle)).toContain('8867-4');
  });
});
