/**
 * The medical centre's uploads over HTTP (FHIR JSON and resumable binary uploads), what bad uploads leave behind
 * (nothing), and the patient's protections end to end: a country-limited rule refuses a clinician of another
 * country, a revoked rule blocks the next request and the lake deletes the record it released, and no log line
 * carries a planted patient name or birth date.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { GrantView } from '@custodia/chaincode';
import { eventually, jsonOf, problemOf } from './fixtures/answers';
import { API, demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

const PART_BYTES = 64 * 1024;
const MAX_JSON_BYTES = 256 * 1024;
/** The demo patients' pseudonyms. */
let ANNA: string;
let MARCO: string;
/** A pseudonym nobody registered. */
const NOBODY = `pt-${'z'.repeat(26)}`;

interface UploadView {
  readonly uploadId: string;
  readonly kind: 'fhir' | 'document';
  readonly status: string;
  readonly parts: number[];
  readonly partCount: number;
  readonly receivedBytes: number;
  readonly sourceId: string;
  readonly createdAt: string;
  readonly error?: string;
  readonly issues?: { expression?: string; reason: string }[];
  readonly result?: { records: { recordId: string; outcome: string }[] };
}
interface FhirUpload {
  readonly uploadId: string;
  readonly result: {
    records: { recordId: string; outcome: string; resourceType: string }[];
    skipped: unknown[];
  };
}
interface Bundle {
  readonly entry: { readonly resource: Record<string, unknown> & { resourceType: string } }[];
}

let stack: TestPlatform;
const { token, get, send, requestAccess } = demoApi(() => stack);

beforeAll(async () => {
  stack = await startTestPlatform({
    env: { CUSTODIA_UPLOAD_PART_BYTES: String(PART_BYTES), CUSTODIA_MAX_JSON_BYTES: String(MAX_JSON_BYTES) },
  });
  ANNA = stack.patientId('anna');
  MARCO = stack.patientId('marco');
});
afterAll(async () => stack?.destroy());

const uploadFhir = async (
  patientId: string,
  sourceId: string,
  body: string,
  type = 'application/fhir+json',
) =>
  stack.call(
    'POST',
    `${API}/patients/${patientId}/records?sourceId=${encodeURIComponent(sourceId)}`,
    await token('centre.berlin'),
    body,
    { 'content-type': type },
  );
const putPart = async (uploadId: string, index: number, bytes: Buffer) =>
  stack.call('PUT', `${API}/uploads/${uploadId}/parts/${index}`, await token('centre.berlin'), bytes, {
    'content-type': 'application/octet-stream',
  });

function glucose(patientId: string, value: number): Record<string, unknown> {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '2345-7', display: 'Glucose' }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime: '2026-10-01',
    valueQuantity: { value, unit: 'mg/dL', system: 'http://unitsofmeasure.org', code: 'mg/dL' },
  };
}
const bundleOf = (...resources: Record<string, unknown>[]): string =>
  JSON.stringify({
    resourceType: 'Bundle',
    type: 'collection',
    entry: resources.map((resource) => ({ resource })),
  });

/** The chain height, as an auditor sees it: every stored record is registered on the ledger. */
async function height(): Promise<number> {
  return (await jsonOf<{ height: number }>(await get('/audit/blocks?limit=1', 'auditor'), 200)).height;
}

async function history(): Promise<UploadView[]> {
  return (await jsonOf<{ items: UploadView[] }>(await get('/uploads', 'centre.berlin'), 200)).items;
}

describe('centre: FHIR uploads', () => {
  it('stores a FHIR Bundle once: the same upload again is recognised', async () => {
    const first = await jsonOf<FhirUpload>(
      await uploadFhir(MARCO, 'lab-2026-001', bundleOf(glucose(MARCO, 101))),
      201,
    );
    expect(first.result.records).toEqual([
      expect.objectContaining({ outcome: 'created', resourceType: 'Observation' }),
    ]);
    const again = await jsonOf<FhirUpload>(
      await uploadFhir(MARCO, 'lab-2026-001', bundleOf(glucose(MARCO, 101))),
      201,
    );
    expect(again.result.records).toEqual([
      expect.objectContaining({ outcome: 'existing', recordId: first.result.records[0]?.recordId }),
    ]);
  });

  it('refuses a wrong content type, non-FHIR, an oversize body and an unknown patient — and stores nothing', async () => {
    const before = await height();
    const failedBefore = (await history()).filter((item) => item.status === 'failed').length;

    await problemOf(
      await uploadFhir(MARCO, 'lab-bad-1', bundleOf(glucose(MARCO, 90)), 'text/plain'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await problemOf(await uploadFhir(MARCO, 'lab-bad-2', '{"hello":"world"}'), 400, 'NOT_FHIR');
    await problemOf(await uploadFhir(MARCO, 'lab-bad-3', 'this is not JSON'), 400, 'NOT_FHIR');
    // A single resource over the limit is refused at once (a Bundle that large becomes a job, below).
    const padded = { ...glucose(MARCO, 91), note: [{ text: 'x'.repeat(MAX_JSON_BYTES) }] };
    await problemOf(await uploadFhir(MARCO, 'lab-bad-4', JSON.stringify(padded)), 413, 'PAYLOAD_TOO_LARGE');
    await problemOf(
      await uploadFhir(NOBODY, 'lab-bad-5', bundleOf(glucose(NOBODY, 92))),
      404,
      'UNKNOWN_PATIENT',
    );

    expect(await height()).toBe(before);
    const failed = (await history()).filter((item) => item.status === 'failed');
    expect(failed).toHaveLength(failedBefore + 4);
    expect(failed.map((item) => item.error).sort()).toEqual(
      ['NOT_FHIR', 'NOT_FHIR', 'PAYLOAD_TOO_LARGE', 'UNKNOWN_PATIENT'].sort(),
    );
    // The refused source id has nothing stored under it: a good upload with it is new.
    const good = await jsonOf<FhirUpload>(
      await uploadFhir(MARCO, 'lab-bad-2', bundleOf(glucose(MARCO, 93))),
      201,
    );
    expect(good.result.records.map((record) => record.outcome)).toEqual(['created']);
  });

  it('keeps a refused file’s issues in the history, where the centre can read what to fix later', async () => {
    const broken = { ...glucose(MARCO, 94), valueQuantity: { value: 'lots', unit: 'mg/dL' } };
    const refusal = await problemOf(
      await uploadFhir(MARCO, 'lab-issues-1', bundleOf(broken)),
      400,
      'INVALID_INPUT',
    );
    const item = (await history()).find((each) => each.sourceId === 'lab-issues-1');
    expect(item).toMatchObject({ status: 'failed', error: 'INVALID_INPUT' });
    expect(item?.issues?.length).toBeGreaterThan(0);
    expect(item?.issues).toEqual((refusal as { issues?: unknown }).issues);
    expect(JSON.stringify(item?.issues)).toContain('Bundle.entry[0].resource.value[x]');
    // Where and why only: the refused value itself is not kept.
    expect(JSON.stringify(item)).not.toContain('lots');
  });
});

describe('centre: uploads the data lake must refuse or take its time over', () => {
  it('refuses another patient’s data with 422 naming the entry, and a body nested 100,000 deep with 400', async () => {
    const before = await height();
    const wrong = await problemOf(
      await uploadFhir(ANNA, 'lab-wrong-1', bundleOf(glucose(ANNA, 95), glucose(MARCO, 96))),
      422,
      'WRONG_PATIENT',
    );
    expect((wrong as unknown as { issues: unknown[] }).issues).toEqual([
      { index: 1, element: 'Observation.subject', reason: 'not-this-patient' },
    ]);
    expect(JSON.stringify(wrong)).not.toContain(MARCO);
    // Valid-looking FHIR whose extensions nest 10,000 levels deep (within the size limit): validators recurse.
    const levels = 5_000;
    const deepObservation = `{"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":${'[{"url":"http://example.org/x","extension":'.repeat(levels)}[]${'}]'.repeat(levels)}}`;
    await problemOf(await uploadFhir(ANNA, 'deep-1', deepObservation), 400, 'INVALID_INPUT');
    // The gateway's own JSON routes: a clinician's contribution nested 100,000 deep.
    const deepContribution = `{"categories":["problems"],"labels":[],"resource":{"resourceType":"Observation","note":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
    await problemOf(
      await stack.call(
        'POST',
        `${API}/patients/${ANNA}/contributions`,
        await token('dr.weber'),
        deepContribution,
        { 'content-type': 'application/json' },
      ),
      400,
      'VALIDATION_FAILED',
    );
    expect(await height()).toBe(before);
  });

  it('takes a large Bundle as a job: 202 and a status URL at once, followed there to its counts', async () => {
    const readings = Array.from({ length: 150 }, (_, index) => glucose(ANNA, 120 + index));
    const response = await uploadFhir(ANNA, 'lab-batch-2026-11', bundleOf(...readings));
    const accepted = await jsonOf<{ uploadId: string; status: string; statusUrl: string }>(response, 202);
    expect(accepted.status).toBe('storing');
    expect(response.headers.get('location')).toBe(accepted.statusUrl);
    const route = accepted.statusUrl.slice(API.length);
    let view: (UploadView & { job?: { status: string; result?: { created: number } } }) | undefined;
    const settled = await eventually(async () => {
      view = await jsonOf(await get(route, 'centre.berlin'), 200);
      return view?.status !== 'storing';
    }, 120_000);
    expect(settled).toBe(true);
    expect(view?.status).toBe('stored');
    expect(view?.job).toMatchObject({ status: 'completed', result: { created: 150 } });
    // Another centre's staff cannot follow it.
    expect((await get(route, 'admin')).status).toBeGreaterThanOrEqual(400);
  });
});

describe('centre: resumable binary upload', () => {
  const file = randomBytes(2 * PART_BYTES + 18_928);
  const part = (index: number): Buffer => file.subarray(index * PART_BYTES, (index + 1) * PART_BYTES);
  let upload: UploadView;

  it('takes parts in any order, a re-sent part replaces the first, and GET tells what is missing', async () => {
    upload = await jsonOf<UploadView>(
      await send('POST', '/uploads', 'centre.berlin', {
        patientId: ANNA,
        sourceId: 'scan-2026-0042',
        fileName: 'ct-report.pdf',
        contentType: 'application/pdf',
        size: file.length,
        documentReference: {
          resourceType: 'DocumentReference',
          status: 'current',
          type: {
            coding: [{ system: 'http://loinc.org', code: '18748-4', display: 'Diagnostic imaging study' }],
          },
          subject: { reference: `Patient/${ANNA}` },
          date: '2026-10-02T09:00:00Z',
          content: [{ attachment: { contentType: 'application/pdf', title: 'CT report' } }],
        },
      }),
      201,
    );
    expect(upload).toMatchObject({ status: 'receiving', partCount: 3, parts: [], receivedBytes: 0 });
    const { uploadId } = upload;

    // Part 0 goes out damaged, then again intact (a retry after a broken connection).
    expect(await jsonOf<UploadView>(await putPart(uploadId, 0, Buffer.alloc(PART_BYTES)), 200)).toMatchObject(
      {
        parts: [0],
      },
    );
    expect(await jsonOf<UploadView>(await putPart(uploadId, 0, part(0)), 200)).toMatchObject({ parts: [0] });
    expect(await jsonOf<UploadView>(await putPart(uploadId, 2, part(2)), 200)).toMatchObject({
      parts: [0, 2],
    });
    await problemOf(await putPart(uploadId, 1, part(1).subarray(0, 100)), 400, 'VALIDATION_FAILED');
    await problemOf(await putPart(uploadId, 3, part(2)), 400, 'VALIDATION_FAILED');

    const resumed = await jsonOf<UploadView>(await get(`/uploads/${uploadId}`, 'centre.berlin'), 200);
    expect(resumed).toMatchObject({ parts: [0, 2], status: 'receiving', receivedBytes: PART_BYTES + 18_928 });
    await problemOf(await send('POST', `/uploads/${uploadId}/complete`, 'centre.berlin'), 409, 'CONFLICT');
  });

  it('completes once every part is in; the clinician receives exactly the uploaded bytes', async () => {
    const { uploadId } = upload;
    expect(await jsonOf<UploadView>(await putPart(uploadId, 1, part(1)), 200)).toMatchObject({
      parts: [0, 1, 2],
      receivedBytes: file.length,
    });
    const stored = await jsonOf<UploadView>(
      await send('POST', `/uploads/${uploadId}/complete`, 'centre.berlin'),
      200,
    );
    expect(stored.status).toBe('stored');
    expect(stored.result?.records[0]?.outcome).toBe('created');
    await problemOf(await putPart(uploadId, 0, part(0)), 409, 'CONFLICT');

    const entry = await requestAccess('dr.weber', ANNA, ['documents']);
    const bundle = await jsonOf<Bundle>(await get(`/grants/${entry.grantId ?? ''}/record`, 'dr.weber'), 200);
    const attachments = bundle.entry
      .filter((item) => item.resource.resourceType === 'DocumentReference')
      .map(
        (item) => (item.resource.content as { attachment: { url?: string; size?: number } }[])[0]?.attachment,
      );
    const ours = attachments.find((attachment) => attachment?.size === file.length);
    expect(ours?.url).toBeDefined();
    // The link points through the gateway, which serves the lake's binary route under /api.
    expect(ours?.url).toMatch(/^\/api\/v1\/grants\/[^/]+\/binaries\/[^/?]+\?expires=\d+&sig=/);
    const binary = await stack.call('GET', ours?.url ?? '', await token('dr.weber'));
    expect(binary.status).toBe(200);
    expect(binary.headers.get('content-type')).toMatch(/^application\/pdf/);
    const received = Buffer.from(await binary.arrayBuffer());
    expect(createHash('sha256').update(received).digest('hex')).toBe(
      createHash('sha256').update(file).digest('hex'),
    );
  });

  it('lists the centre’s uploads newest first, with their statuses', async () => {
    const items = await history();
    expect(items.map((item) => item.createdAt)).toEqual(
      [...items.map((item) => item.createdAt)].sort().reverse(),
    );
    expect(items.find((item) => item.uploadId === upload.uploadId)).toMatchObject({
      kind: 'document',
      status: 'stored',
      sourceId: 'scan-2026-0042',
    });
    expect(new Set(items.map((item) => item.status))).toEqual(new Set(['stored', 'failed']));
    expect(
      items.filter((item) => item.kind === 'fhir' && item.status === 'stored').length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('the patient’s rules protect her data end to end', () => {
  const request = (user: string, categories: string[]) => requestAccess(user, ANNA, categories);

  it('a country-limited rule (French clinicians) gives an Italian clinician nothing', async () => {
    const essentials = ['allergies', 'medications', 'problems'];
    const italian = await request('dr.rossi', essentials);
    expect(italian.decision.granted).toEqual([]);
    expect(italian.grantId).toBeUndefined();
    const french = await request('dr.dubois', essentials);
    expect(french.decision.granted).toEqual(essentials);
    expect(french.grantId).toBeDefined();
  });

  it('a revoked rule blocks the next request and the record it released is deleted', async () => {
    const rule = await jsonOf<{ ruleId: string }>(
      await send('POST', `/patients/${ANNA}/rules`, 'anna', {
        effect: 'permit',
        grantee: { kind: 'practitioner', id: 'clin-rossi', mspId: 'HospitalITMSP' },
        categories: ['immunizations'],
        labels: [],
        purposes: ['TREAT'],
      }),
      201,
    );
    const granted = await request('dr.rossi', ['immunizations']);
    const grantId = granted.grantId ?? '';
    expect(granted.decision.granted).toEqual(['immunizations']);
    const record = await jsonOf<Bundle>(await get(`/grants/${grantId}/record`, 'dr.rossi'), 200);
    expect(record.entry.map((item) => item.resource.resourceType)).toContain('Immunization');
    const lake = stack.platform.datalake();
    // Anna's temporary records are kept in her home country's location (Germany).
    const home = lake?.locations.forCountry('DE');
    if (lake === undefined || home === undefined) throw new Error('the data lake is not running');
    expect(await lake.consumer.meta(home, grantId)).toBeDefined();

    expect(
      await jsonOf(await send('DELETE', `/patients/${ANNA}/rules/${rule.ruleId}`, 'anna'), 200),
    ).toMatchObject({ status: 'revoked' });

    const next = await request('dr.rossi', ['immunizations']);
    expect(next.decision.granted).toEqual([]);
    expect(next.grantId).toBeUndefined();
    expect(await jsonOf<GrantView>(await get(`/grants/${grantId}`, 'dr.rossi'), 200)).toMatchObject({
      status: 'revoked',
    });
    expect(
      await eventually(async () =>
        [403, 404].includes((await get(`/grants/${grantId}/record`, 'dr.rossi')).status),
      ),
    ).toBe(true);
    // The lake's revocation listener deletes the bytes, not only refuses them.
    expect(await eventually(async () => (await lake.consumer.meta(home, grantId)) === undefined)).toBe(true);
  });
});

describe('logs', () => {
  const planted = { given: 'Zofia', family: 'Przybylska-Quendt', birthDate: '1961-04-17' };

  it('never carry a planted patient name or birth date', async () => {
    const created = await jsonOf<{ ledgerId: string }>(
      await send('POST', '/admin/users', 'admin', {
        username: 'zq.patient',
        password: 'another long passphrase',
        displayName: `${planted.given} ${planted.family}`,
        role: 'patient',
        mspId: 'HospitalDEMSP',
        country: 'DE',
      }),
      201,
    );
    const patient = {
      resourceType: 'Patient',
      name: [{ family: planted.family, given: [planted.given] }],
      birthDate: planted.birthDate,
    };
    const stored = await jsonOf<FhirUpload>(
      await uploadFhir(created.ledgerId, 'registration-1', bundleOf(patient, glucose(created.ledgerId, 88))),
      201,
    );
    expect(stored.result.records.map((record) => record.resourceType)).toEqual(['Observation']);
    // Failures with the name in them: a lone Patient (no IPS category) and a malformed one.
    const lone = await uploadFhir(created.ledgerId, 'registration-2', JSON.stringify(patient));
    expect(lone.status).toBe(400);
    const malformed = await uploadFhir(
      created.ledgerId,
      'registration-3',
      JSON.stringify({
        ...patient,
        name: `${planted.given} ${planted.family}`,
        birthDate: `born ${planted.birthDate}`,
      }),
    );
    expect(malformed.status).toBe(400);
    for (const answer of [await lone.text(), await malformed.text()])
      for (const value of Object.values(planted)) expect(answer).not.toContain(value);
    const signIn = await stack.call('POST', `${API}/auth/login`, undefined, {
      username: 'zq.patient',
      password: 'another long passphrase',
    });
    expect(signIn.status).toBe(200);

    // The sink does capture the platform's logs (requests of every service), so an absence means something.
    expect(stack.logs.some((line) => line.includes('/api/v1/patients/:patientId/records'))).toBe(true);
    expect(stack.logs.some((line) => line.includes('"service":"datalake"'))).toBe(true);
    const leaks = stack.logs.filter((line) => Object.values(planted).some((value) => line.includes(value)));
    expect(leaks).toEqual([]);
  });
});
