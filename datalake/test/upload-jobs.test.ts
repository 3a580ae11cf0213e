/**
 * Large Bundles as asynchronous jobs, on the embedded network: a 20,000-entry Synthea-style Bundle is answered
 * 202 with a status URL at once (its body larger than the JSON limit, read entry by entry), its progress and
 * final counts are readable there, and only its owner can read them; a large Bundle with one foreign or one
 * invalid entry fails with the issue named and nothing stored; a single resource over the limit is 413.
 */
import type { Caller } from '@custodia/chaincode';
import { ORG_DE, pseudonym } from '../../network/test/fixtures/embedded-network';
import { startLakeOnLedger } from './lake-on-ledger';
import type { LakeOnLedger } from './lake-on-ledger';

jest.setTimeout(300_000);

const PATIENT = pseudonym('jobs-1');
const MAX_JSON_BYTES = 256 * 1024;
const centre: Caller = { mspId: ORG_DE, id: 'centre-jobs', role: 'centre', country: 'DE' };
const otherCentre: Caller = { mspId: ORG_DE, id: 'centre-jobs-2', role: 'centre', country: 'DE' };
const patient: Caller = { mspId: ORG_DE, id: PATIENT, role: 'patient' };

interface JobView {
  readonly jobId: string;
  readonly status: string;
  readonly statusUrl: string;
  readonly progress: { entries: number; processed: number };
  readonly result?: {
    created: number;
    existing: number;
    duplicate: number;
    labelled: number;
    skipped: { count: number; entries: { index: number; resourceType: string; reason: string }[] };
  };
  readonly error?: { code: string; issues?: unknown[] };
}

let env: LakeOnLedger;

/**
 * A Synthea-like export: one Patient, `observations` observations (the odd ones PHQ-9 scores, which are PSY),
 * then encounters (no IPS category: skipped) up to `entries`.
 */
function largeBundle(entries: number, observations: number, tamper?: (index: number) => object | undefined) {
  const patientUrl = 'urn:uuid:5a1e0000-0000-4000-8000-000000000000';
  const entry: object[] = [
    {
      fullUrl: patientUrl,
      resource: { resourceType: 'Patient', id: 'p1' },
      request: { method: 'POST', url: 'Patient' },
    },
  ];
  for (let index = 1; index < entries; index += 1) {
    const fullUrl = `urn:uuid:5a1e0000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const tampered = tamper?.(index);
    const resource =
      tampered ??
      (index <= observations
        ? {
            resourceType: 'Observation',
            id: `obs-${index}`,
            status: 'final',
            code: {
              coding: [
                index % 2 === 1
                  ? { system: 'http://loinc.org', code: '44261-6', display: 'PHQ-9 total score' }
                  : { system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' },
              ],
            },
            subject: { reference: patientUrl },
            effectiveDateTime: '2024-03-01T10:00:00Z',
            valueQuantity: { value: index, unit: '{score}' },
          }
        : {
            resourceType: 'Encounter',
            id: `enc-${index}`,
            status: 'finished',
            class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
            subject: { reference: patientUrl },
          });
    entry.push({
      fullUrl,
      resource,
      request: { method: 'POST', url: (resource as { resourceType: string }).resourceType },
    });
  }
  return JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry });
}

const upload = (body: string, sourceId: string, actor: Caller = centre) =>
  env.call('POST', `/v1/patients/${PATIENT}/records?sourceId=${sourceId}`, actor, {
    body,
    contentType: 'application/fhir+json',
  });

async function finished(statusUrl: string): Promise<JobView> {
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const view = (await (await env.call('GET', statusUrl, centre)).json()) as JobView;
    if (['completed', 'failed', 'interrupted'].includes(view.status)) return view;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the job did not finish');
}

async function accepted(response: Response): Promise<JobView> {
  expect(response.status).toBe(202);
  const { job } = (await response.json()) as { job: JobView };
  expect(response.headers.get('location')).toBe(job.statusUrl);
  return job;
}

beforeAll(async () => {
  env = await startLakeOnLedger({}, { CUSTODIA_MAX_JSON_BYTES: String(MAX_JSON_BYTES) });
  for (const actor of [centre, otherCentre, patient]) await env.enrol(actor);
  expect((await env.call('PUT', `/v1/patients/${PATIENT}`, patient)).status).toBe(204);
}, 180_000);

afterAll(async () => {
  await env?.destroy();
});

it('accepts a 20,000-entry Bundle as a job: 202 and a status URL at once, progress and counts there', async () => {
  const body = largeBundle(20_000, 200);
  expect(Buffer.byteLength(body)).toBeGreaterThan(10 * MAX_JSON_BYTES);
  const started = Date.now();
  const job = await accepted(await upload(body, 'synthea-large'));
  // Answered once the body is sealed, long before 200 registrations on the ledger could be made.
  expect(Date.now() - started).toBeLessThan(60_000);
  expect(job.status).toBe('queued');

  // Another centre cannot read it, not even to learn that it exists.
  const foreign = await env.call('GET', job.statusUrl, otherCentre);
  expect(foreign.status).toBe(404);

  const done = await finished(job.statusUrl);
  expect({ status: done.status, error: done.error }).toEqual({ status: 'completed', error: undefined });
  expect(done.progress).toEqual({ entries: 20_000, processed: 20_000 });
  expect(done.result).toMatchObject({ created: 200, existing: 0, duplicate: 0, labelled: 100 });
  expect(done.result?.skipped.count).toBe(19_800);
  expect(done.result?.skipped.entries[0]).toEqual({
    index: 0,
    resourceType: 'Patient',
    reason: 'no-category',
  });
  expect((await env.lake.index.published(PATIENT)).length).toBe(200);

  // The sealed body is gone once the job ended.
  const home = env.lake.locations.forCountry('DE');
  const left: string[] = [];
  for await (const item of home.store.list(home.bucket('raw'), `patients/${PATIENT}/jobs/`))
    left.push(item.key);
  expect(left).toEqual([]);

  // Sent again: the same records, nothing new.
  const again = await finished((await accepted(await upload(body, 'synthea-large'))).statusUrl);
  expect(again.result).toMatchObject({ created: 0, existing: 200 });
});

it('fails a large Bundle with one entry about another patient, naming it, and stores nothing', async () => {
  const before = (await env.lake.index.published(PATIENT)).length;
  const body = largeBundle(5_000, 50, (index) =>
    index === 4_321
      ? {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: 'Patient/patient-marco' },
        }
      : undefined,
  );
  const done = await finished((await accepted(await upload(body, 'mixed-large'))).statusUrl);
  expect(done.status).toBe('failed');
  expect(done.error).toMatchObject({
    code: 'WRONG_PATIENT',
    issues: [
      expect.objectContaining({ index: 4_321, element: 'Observation.subject', reason: 'not-this-patient' }),
    ],
  });
  expect(JSON.stringify(done)).not.toContain('marco');
  expect((await env.lake.index.published(PATIENT)).length).toBe(before);
});

it('refuses at once, with 422, a Bundle over the entry threshold but within the size limit about another patient', async () => {
  const body = largeBundle(150, 10, (index) =>
    index === 120
      ? {
          resourceType: 'Observation',
          status: 'final',
          code: { text: 'x' },
          subject: { reference: 'Patient/patient-marco' },
        }
      : undefined,
  );
  expect(Buffer.byteLength(body)).toBeLessThan(MAX_JSON_BYTES);
  const response = await upload(body, 'mixed-small');
  expect(response.status).toBe(422);
  expect(((await response.json()) as { issues: unknown[] }).issues).toEqual([
    expect.objectContaining({ index: 120, element: 'Observation.subject', reason: 'not-this-patient' }),
  ]);
});

it('fails a large Bundle with an invalid entry, naming where, and stores nothing', async () => {
  const before = (await env.lake.index.published(PATIENT)).length;
  const body = largeBundle(5_000, 50, (index) =>
    index === 2_500 ? { resourceType: 'Observation', status: 'bogus', code: { text: 'x' } } : undefined,
  );
  const done = await finished((await accepted(await upload(body, 'invalid-large'))).statusUrl);
  expect(done).toMatchObject({
    status: 'failed',
    error: { code: 'INVALID_INPUT', issues: [{ expression: 'Bundle.entry[2500].resource.status' }] },
  });
  expect((await env.lake.index.published(PATIENT)).length).toBe(before);
});

it('marks a job the lake’s stop interrupted, never leaving it "running" behind a restart, and resumes it', async () => {
  const before = (await env.lake.index.published(PATIENT)).length;
  // Observations of their own (values no other test uploads), so none is a duplicate of an earlier upload.
  const job = await accepted(
    await upload(
      largeBundle(20_000, 300, (index) =>
        index <= 300
          ? {
              resourceType: 'Observation',
              status: 'final',
              code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
              subject: { reference: 'urn:uuid:5a1e0000-0000-4000-8000-000000000000' },
              effectiveDateTime: '2024-04-01T10:00:00Z',
              valueQuantity: { value: 100_000 + index, unit: '/min' },
            }
          : undefined,
      ),
      'interrupted-large',
    ),
  );
  await env.restartLake();
  env.refreshProfile();
  const view = (await (await env.call('GET', job.statusUrl, centre)).json()) as JobView;
  expect(view).toMatchObject({ status: 'interrupted', error: { code: 'INTERRUPTED' } });
  const home = env.lake.locations.forCountry('DE');
  const sealedBodies = async () => {
    const left: string[] = [];
    for await (const item of home.store.list(home.bucket('raw'), `patients/${PATIENT}/jobs/`))
      left.push(item.key);
    return left;
  };
  // Its sealed copy is kept, so the centre resumes it without sending it again.
  expect(await sealedBodies()).toHaveLength(1);
  const stranger = { ...centre, id: 'centre-other' };
  expect((await env.call('POST', `${job.statusUrl}/resume`, stranger)).status).toBe(404);
  const resumed = await env.call('POST', `${job.statusUrl}/resume`, centre);
  expect(resumed.status).toBe(202);
  const done = await finished(job.statusUrl);
  expect({ status: done.status, error: done.error }).toEqual({ status: 'completed', error: undefined });
  expect(done.result?.created).toBe(300);
  expect((await env.lake.index.published(PATIENT)).length).toBe(before + 300);
  expect(await sealedBodies()).toEqual([]);
  // Only an interrupted job resumes.
  expect((await env.call('POST', `${job.statusUrl}/resume`, centre)).status).toBe(409);
});

it('refuses a single resource over the JSON limit at once', async () => {
  const response = await upload(
    JSON.stringify({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      note: [{ text: 'y'.repeat(2 * MAX_JSON_BYTES) }],
    }),
    'too-big',
  );
  expect(response.status).toBe(413);
});
