import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { LedgerPort } from '../src/ledger/port';
import { loadConfig } from '../src/service/config';
import { startDatalake } from '../src/service/server';
import type { RunningDatalake } from '../src/service/server';
import { testLakeS3 } from './s3';

const TOKEN = 'test-service-token-0123456789';
const PATIENT = 'patient-7';

/**
 * A ledger that refuses every call and remembers it: bad input must be turned away before the
 * ledger is ever asked, and a refused registration must leave nothing visible.
 */
function refusingLedger(): LedgerPort & { calls: string[] } {
  const calls: string[] = [];
  const refuse = async (name: string): Promise<never> => {
    calls.push(name);
    throw new Error('ledger unreachable');
  };
  return {
    calls,
    registerRecord: () => refuse('registerRecord'),
    getRecordMeta: () => refuse('getRecordMeta'),
    listRecordMeta: () => refuse('listRecordMeta'),
    getPatient: () => refuse('getPatient'),
    getGrant: () => refuse('getGrant'),
    recordDelivery: () => refuse('recordDelivery'),
    signerOf: () => refuse('signerOf'),
  };
}

const admin = {
  'custodia-actor-msp': 'HospitalA',
  'custodia-actor-id': 'admin-a',
  'custodia-actor-role': 'admin',
};

const centre = {
  'custodia-actor-msp': 'HospitalA',
  'custodia-actor-id': 'centre-a',
  'custodia-actor-role': 'centre',
  'custodia-actor-country': 'DE',
};

const observation = {
  resourceType: 'Observation',
  status: 'final',
  category: [
    {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }],
    },
  ],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  effectiveDateTime: '2030-01-02T10:00:00Z',
  valueQuantity: { value: 72, unit: '/min' },
};

describe('data-lake HTTP service', () => {
  let dir: string;
  let lake: RunningDatalake;
  let ledger: ReturnType<typeof refusingLedger>;
  let s3: ReturnType<typeof testLakeS3>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'custodia-lake-'));
    ledger = refusingLedger();
    s3 = testLakeS3(dir);
    const config = loadConfig({
      ...s3.env,
      CUSTODIA_DATALAKE_TOKEN: TOKEN,
      CUSTODIA_DATALAKE_DIR: path.join(dir, 'lake'),
      CUSTODIA_MAX_JSON_BYTES: String(64 * 1024),
      CUSTODIA_ORGANISATIONS: JSON.stringify({ HospitalA: 'DE', HospitalB: 'FR' }),
    });
    lake = await startDatalake(config, { ledger, logger: pino({ level: 'silent' }) });
    const registered = await call('PUT', `/v1/patients/${PATIENT}`, {
      headers: admin,
    });
    expect(registered.status).toBe(204);
  });

  afterAll(async () => {
    await lake.close();
    await s3.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  async function call(
    method: string,
    route: string,
    options: { headers?: Record<string, string>; body?: string | FormData; token?: string | null } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token !== null) headers.authorization = `Bearer ${options.token ?? TOKEN}`;
    return fetch(`${lake.url}${route}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
    });
  }

  function upload(
    body: string,
    contentType = 'application/fhir+json',
    query = '?sourceId=doc-1',
  ): Promise<Response> {
    return call('POST', `/v1/patients/${PATIENT}/records${query}`, {
      headers: { ...centre, 'content-type': contentType },
      body,
    });
  }

  async function problem(response: Response): Promise<Record<string, unknown>> {
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await response.json()) as Record<string, unknown>;
  }

  /** Every object of every location, but the patient directory's entries. */
  async function storedObjects(): Promise<string[]> {
    const found: string[] = [];
    for (const location of lake.locations.all()) {
      for (const zone of ['raw', 'keys', 'curated', 'consumer', 'structured'] as const) {
        for await (const item of location.store.list(location.bucket(zone), ''))
          if (!item.key.startsWith('patients/') || zone !== 'structured')
            found.push(`${location.country}:${zone}:${item.key}`);
      }
    }
    return found;
  }

  it('refuses any caller without the service credential, with one generic answer', async () => {
    const none = await call('POST', `/v1/patients/${PATIENT}/records?sourceId=x`, { token: null });
    const wrong = await call('POST', `/v1/patients/${PATIENT}/records?sourceId=x`, {
      token: 'guess-guess-guess-guess',
    });
    expect(none.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(await problem(none)).toEqual(await problem(wrong));
  });

  it('turns bad uploads away with a clear 4xx and stores nothing', async () => {
    const cases: Array<[Promise<Response>, number, string]> = [
      [upload(JSON.stringify(observation), 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [upload('{"resourceType": "Observation", '), 400, 'NOT_FHIR'],
      [upload('{"hello": "world"}'), 400, 'NOT_FHIR'],
      [upload('{"resourceType": "Spaceship"}'), 400, 'NOT_FHIR'],
      [upload(JSON.stringify({ ...observation, valueQuantity: { value: 'high' } })), 400, 'INVALID_INPUT'],
      [upload(JSON.stringify({ resourceType: 'Patient', gender: 'female' })), 400, 'INVALID_INPUT'],
      [
        upload(JSON.stringify({ ...observation, note: [{ text: 'x'.repeat(70 * 1024) }] })),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [upload(JSON.stringify(observation), 'application/fhir+json', ''), 400, 'INVALID_INPUT'],
      [
        call('POST', '/v1/patients/nobody-here/records?sourceId=doc-1', {
          headers: { ...centre, 'content-type': 'application/fhir+json' },
          body: JSON.stringify(observation),
        }),
        404,
        'UNKNOWN_PATIENT',
      ],
      [
        call('POST', `/v1/patients/${PATIENT}/records?sourceId=doc-1`, {
          headers: { ...centre, 'custodia-actor-role': 'clinician', 'content-type': 'application/fhir+json' },
          body: JSON.stringify(observation),
        }),
        403,
        'FORBIDDEN',
      ],
    ];
    for (const [pending, status, code] of cases) {
      const response = await pending;
      expect({ status: response.status, code: (await problem(response)).code }).toEqual({ status, code });
    }
    expect(await storedObjects()).toEqual([]);
    expect(ledger.calls).toEqual([]);
  });

  it('answers 400 to JSON nested 100,000 deep, in a body or a DocumentReference header, and stores nothing', async () => {
    const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const body = await upload(deep);
    expect({ status: body.status, code: (await problem(body)).code }).toEqual({
      status: 400,
      code: 'INVALID_INPUT',
    });
    const header = await call('POST', `/v1/patients/${PATIENT}/documents?sourceId=scan-deep`, {
      headers: {
        ...centre,
        'content-type': 'application/pdf',
        'custodia-document-reference': Buffer.from(`${'['.repeat(20_000)}${']'.repeat(20_000)}`).toString(
          'base64url',
        ),
      },
      body: '%PDF-1.7',
    });
    expect({ status: header.status, code: (await problem(header)).code }).toEqual({
      status: 400,
      code: 'INVALID_INPUT',
    });
    expect(await storedObjects()).toEqual([]);
    expect(ledger.calls).toEqual([]);
  });

  it('reports where a FHIR resource is invalid, without echoing its content', async () => {
    const response = await upload(
      JSON.stringify({ ...observation, valueQuantity: { value: 'secret-value' } }),
    );
    const body = await problem(response);
    expect(JSON.stringify(body)).not.toContain('secret-value');
    expect(body.issues).toEqual([expect.objectContaining({ expression: 'Observation.value[x].value' })]);
  });

  it('refuses document uploads that are not multipart or send the file first', async () => {
    const notMultipart = await call('POST', `/v1/patients/${PATIENT}/documents?sourceId=scan-1`, {
      headers: { ...centre, 'content-type': 'application/pdf' },
      body: '%PDF-1.7',
    });
    expect(notMultipart.status).toBe(415);
    const form = new FormData();
    form.append('content', new Blob(['%PDF-1.7'], { type: 'application/pdf' }), 'scan.pdf');
    form.append(
      'documentReference',
      JSON.stringify({ resourceType: 'DocumentReference', status: 'current' }),
    );
    const fileFirst = await call('POST', `/v1/patients/${PATIENT}/documents?sourceId=scan-1`, {
      headers: centre,
      body: form,
    });
    expect(fileFirst.status).toBe(400);
    expect(await storedObjects()).toEqual([]);
  });

  it('leaves a record invisible when the ledger refuses its registration', async () => {
    const response = await upload(JSON.stringify(observation));
    expect(response.status).toBe(503);
    expect((await problem(response)).code).toBe('LEDGER_UNAVAILABLE');
    expect(ledger.calls).toEqual(['registerRecord']);
    expect(await lake.index.published(PATIENT)).toEqual([]);
    const de = lake.locations.forCountry('DE');
    const docs = [];
    for await (const scanned of lake.structured.scan(de, PATIENT)) if (scanned.ok) docs.push(scanned.doc);
    expect(docs.map((doc) => ({ state: doc.state, categories: doc.categories }))).toEqual([
      { state: 'pending', categories: ['vital-signs'] },
    ]);
    // The raw object and the metadata are sealed: neither the uploaded JSON nor the source id is readable at rest.
    for (const zone of ['raw', 'structured'] as const)
      for await (const item of de.store.list(de.bucket(zone), '')) {
        const bytes = (await de.store.getBuffer(de.bucket(zone), item.key, 1 << 20))?.toString('latin1');
        expect(bytes).not.toContain('Observation');
        expect(bytes).not.toContain('vital-signs');
        expect(bytes).not.toContain('doc-1');
      }
    // A pending marker says what to complete when the lake starts again.
    expect((await storedObjects()).filter((key) => key.includes(':structured:pending/'))).toHaveLength(1);
  });

  it('stores an upload in its organisation’s country whatever country the actor claims, and refuses an unknown organisation', async () => {
    const claimsFrance = await call('POST', `/v1/patients/${PATIENT}/records?sourceId=doc-2`, {
      headers: { ...centre, 'custodia-actor-country': 'FR', 'content-type': 'application/fhir+json' },
      body: JSON.stringify({ ...observation, effectiveDateTime: '2030-01-03T10:00:00Z' }),
    });
    expect(claimsFrance.status).toBe(503);
    const stored = await storedObjects();
    expect(stored.filter((key) => key.startsWith('FR:'))).toEqual([]);
    expect(stored.filter((key) => key.startsWith('DE:raw:'))).toHaveLength(2);

    const before = await storedObjects();
    const unknown = await call('POST', `/v1/patients/${PATIENT}/records?sourceId=doc-3`, {
      headers: { ...centre, 'custodia-actor-msp': 'HospitalZ', 'content-type': 'application/fhir+json' },
      body: JSON.stringify(observation),
    });
    expect({ status: unknown.status, code: (await problem(unknown)).code }).toEqual({
      status: 403,
      code: 'UNKNOWN_ORGANISATION',
    });
    expect(await storedObjects()).toEqual(before);
  });

  it('erases nothing without a ledger identity to read the erasure with: 409, the patient kept', async () => {
    const before = await storedObjects();
    const calls = ledger.calls.length;
    const erase = await call('DELETE', `/v1/patients/${PATIENT}`, {
      headers: admin,
    });
    expect({ status: erase.status, code: (await problem(erase)).code }).toEqual({
      status: 409,
      code: 'ERASURE_NOT_RECORDED',
    });
    expect(ledger.calls.length).toBe(calls);
    expect(await storedObjects()).toEqual(before);
    // Still registered, not erased: registering again is accepted (an erased patient answers 410).
    const again = await call('PUT', `/v1/patients/${PATIENT}`, {
      headers: admin,
    });
    expect(again.status).toBe(204);
  });
});
