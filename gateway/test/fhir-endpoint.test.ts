/**
 * Custodia's FHIR endpoint end to end, on the whole platform (embedded network, data lake on s3rver, gateway): a
 * realistic upload (the 109-resource Synthea-style corpus) and the demo records fetched by a clinician with a grant
 * through `$summary` pass every independent validator with no unresolved reference and carry the patient's name
 * and birth date; the CapabilityStatement, Consent and AuditEvent searches validate; and the attacks: another
 * patient's Consent / AuditEvent, a clinician asking for Consent, a forged identifier, an unsupported profile or
 * format, another organisation overwriting the patient's identification set.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type {
  AuditEvent,
  Bundle,
  CapabilityStatement,
  Consent,
  DocumentReference,
  Patient,
} from '@medplum/fhirtypes';
import { DatalakeClient } from '@custodia/datalake';
import { conformanceErrors } from '../../datalake/test/fhir-conformance/validate';
import { DEMO_RULES } from '../src/platform/demo-data';
import { demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(600_000);

const PUBLIC_BASE = 'https://custodia.example.test';
const LAKE_TOKEN = 'fhir-endpoint-test-lake-token';
const IPS_BUNDLE = 'http://hl7.org/fhir/uv/ips/StructureDefinition/Bundle-uv-ips';
const corpus = readFileSync(path.join(__dirname, '../../datalake/test/fixtures/ips-structure-corpus.json'));

let stack: TestPlatform;
let ANNA = '';
let MARCO = '';
const { token, requestAccess } = demoApi(() => stack);

const fhir = async (
  username: string | undefined,
  method: string,
  route: string,
  body?: unknown,
  headers?: Record<string, string>,
) =>
  stack.call(
    method,
    `/fhir${route}`,
    username === undefined ? undefined : await token(username),
    body,
    headers,
  );

async function resourceOf<T>(response: Response, status = 200): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The OperationOutcome's status and Custodia code. */
async function outcome(response: Response): Promise<string> {
  const body = (await response.json()) as {
    resourceType?: string;
    issue?: { details?: { coding?: { code?: string }[] } }[];
  };
  return `${response.status} ${body.resourceType ?? ''} ${body.issue?.[0]?.details?.coding?.[0]?.code ?? ''}`;
}

const patientOf = (bundle: Bundle) =>
  (bundle.entry ?? [])
    .map((entry) => entry.resource)
    .find((resource): resource is Patient => resource?.resourceType === 'Patient');

beforeAll(async () => {
  stack = await startTestPlatform({
    env: {
      CUSTODIA_PUBLIC_BASE_URL: PUBLIC_BASE,
      CUSTODIA_DATALAKE_TOKEN: LAKE_TOKEN,
      // The corpus (109 entries) is stored before the answer, as a small upload is.
      CUSTODIA_SYNC_BUNDLE_ENTRIES: '200',
    },
  });
  ANNA = stack.patientId('anna');
  MARCO = stack.patientId('marco');
  const upload = await stack.call(
    'POST',
    `/api/v1/patients/${ANNA}/records?sourceId=synthea-export-1`,
    await token('centre.berlin'),
    corpus,
    { 'content-type': 'application/fhir+json' },
  );
  const stored = await resourceOf<{ result: { records: unknown[]; context?: number } }>(upload, 201);
  // The practitioners, organisations, encounters… the records reference are kept as their context.
  expect(stored.result.context).toBeGreaterThan(10);
  await requestAccess('dr.weber', ANNA, DEMO_RULES[0]?.categories ?? []);
});
afterAll(async () => stack?.destroy());

describe('the IPS $summary operation', () => {
  let bundle: Bundle;

  beforeAll(async () => {
    bundle = await resourceOf<Bundle>(await fhir('dr.weber', 'GET', `/Patient/${ANNA}/$summary`));
  });

  it('gives the clinician a record that passes every validator, resolves every reference and identifies the patient', () => {
    expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
    const patient = patientOf(bundle);
    expect(patient?.name?.[0]).toMatchObject({ family: 'Keller', given: ['Anna'] });
    expect(patient?.birthDate).toBe('1981-03-14');
    expect(patient?.meta?.profile).toContain('http://hl7.org/fhir/uv/ips/StructureDefinition/Patient-uv-ips');
    const types = new Set((bundle.entry ?? []).map((entry) => entry.resource?.resourceType));
    // What the corpus's records reference came with them, kept by the lake as their context.
    for (const type of ['Practitioner', 'Organization', 'Encounter', 'Location'])
      expect(types).toContain(type);
    for (const entry of (bundle.entry ?? []).slice(3))
      expect(entry.resource?.meta?.source).toBe('urn:custodia:organisation:HospitalDEMSP');
  });

  it('links binaries absolutely under the public base URL', () => {
    const links = (bundle.entry ?? [])
      .map((entry) => entry.resource)
      .filter((resource): resource is DocumentReference => resource?.resourceType === 'DocumentReference')
      .flatMap((doc) => doc.content.map((content) => content.attachment.url))
      .filter((url): url is string => url !== undefined);
    expect(links.length).toBeGreaterThan(0);
    for (const url of links) expect(url.startsWith(`${PUBLIC_BASE}/api/v1/grants/`)).toBe(true);
  });

  it('answers POST with Parameters and the identifier parameter, and _format=json', async () => {
    const parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'identifier', valueIdentifier: { system: 'urn:custodia:patient', value: ANNA } },
        { name: 'profile', valueCanonical: IPS_BUNDLE },
      ],
    };
    const fhirJson = { 'content-type': 'application/fhir+json' };
    for (const answer of [
      await fhir('dr.weber', 'POST', `/Patient/${ANNA}/$summary`, JSON.stringify(parameters), fhirJson),
      await fhir('dr.weber', 'POST', '/Patient/$summary', JSON.stringify(parameters), fhirJson),
      await fhir('dr.weber', 'GET', `/Patient/$summary?identifier=urn:custodia:patient|${ANNA}&_format=json`),
      await fhir(
        'dr.weber',
        'GET',
        `/Patient/${ANNA}/$summary?_format=application/fhir%2Bjson&profile=${IPS_BUNDLE}`,
      ),
    ]) {
      expect(answer.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      const again = await resourceOf<Bundle>(answer);
      expect(patientOf(again)?.birthDate).toBe('1981-03-14');
    }
  });

  it('refuses a forged identifier, an unsupported profile, format or body, as OperationOutcomes', async () => {
    expect(
      await outcome(
        await fhir('dr.weber', 'GET', `/Patient/$summary?identifier=urn:custodia:patient|${MARCO}`),
      ),
    ).toBe('403 OperationOutcome FORBIDDEN');
    expect(
      await outcome(await fhir('dr.weber', 'GET', `/Patient/$summary?identifier=urn:oid:1.2.3|${ANNA}`)),
    ).toBe('400 OperationOutcome VALIDATION_FAILED');
    expect(
      await outcome(
        await fhir('dr.weber', 'GET', `/Patient/$summary?identifier=urn:custodia:patient|${ANNA},${MARCO}`),
      ),
    ).toBe('400 OperationOutcome VALIDATION_FAILED');
    // The path names Anna, the identifier Marco: neither is taken.
    const mismatch = {
      resourceType: 'Parameters',
      parameter: [{ name: 'identifier', valueIdentifier: { system: 'urn:custodia:patient', value: MARCO } }],
    };
    expect(await outcome(await fhir('dr.weber', 'POST', `/Patient/${ANNA}/$summary`, mismatch))).toBe(
      '400 OperationOutcome VALIDATION_FAILED',
    );
    expect(
      await outcome(
        await fhir(
          'dr.weber',
          'GET',
          `/Patient/${ANNA}/$summary?profile=http://hl7.org/fhir/StructureDefinition/Bundle`,
        ),
      ),
    ).toBe('400 OperationOutcome VALIDATION_FAILED');
    expect(await outcome(await fhir('dr.weber', 'GET', `/Patient/${ANNA}/$summary?_format=xml`))).toBe(
      '406 OperationOutcome NOT_ACCEPTABLE',
    );
    expect(
      await outcome(
        await fhir('dr.weber', 'GET', `/Patient/${ANNA}/$summary`, undefined, {
          accept: 'application/fhir+xml',
        }),
      ),
    ).toBe('406 OperationOutcome NOT_ACCEPTABLE');
    expect(
      await outcome(
        await fhir('dr.weber', 'POST', `/Patient/${ANNA}/$summary`, '<Parameters/>', {
          'content-type': 'application/fhir+xml',
        }),
      ),
    ).toBe('415 OperationOutcome UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('the identification set', () => {
  it('is changed by the patient’s home organisation only: another organisation’s administrator is refused', async () => {
    const lake = new DatalakeClient({ baseUrl: stack.platform.datalake()?.url ?? '', token: LAKE_TOKEN });
    const forged = { given: ['Eve'], family: 'Mallory', birthDate: '1990-01-01', gender: 'female' } as const;
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (error: { code?: string }) => error.code,
      );
    expect(
      await refusal(
        lake.registerPatient(
          { mspId: 'HospitalFRMSP', id: 'admin-fr', role: 'admin', country: 'FR' },
          ANNA,
          forged,
        ),
      ),
    ).toBe('FORBIDDEN');
    // The patient herself does not rewrite who the record says she is.
    expect(
      await refusal(
        lake.registerPatient(
          { mspId: 'HospitalDEMSP', id: ANNA, role: 'patient', country: 'DE' },
          ANNA,
          forged,
        ),
      ),
    ).toBe('FORBIDDEN');
    lake.close();
    const bundle = await resourceOf<Bundle>(await fhir('dr.weber', 'GET', `/Patient/${ANNA}/$summary`));
    expect(patientOf(bundle)?.name?.[0]?.family).toBe('Keller');
    expect(JSON.stringify(bundle)).not.toContain('Mallory');
  });

  it('never appears in a log line', () => {
    const logs = stack.logs.join('\n');
    for (const value of ['Keller', '1981-03-14', 'Bianchi']) expect(logs).not.toContain(value);
  });
});

describe('metadata, Consent and AuditEvent', () => {
  it('describes the endpoint to anyone in a valid CapabilityStatement', async () => {
    const statement = await resourceOf<CapabilityStatement>(await fhir(undefined, 'GET', '/metadata'));
    // The validator's R4 JSON schema is the 4.0.0 edition (its FHIRVersion enum predates 4.0.1): see capability.test.
    expect(statement.fhirVersion).toBe('4.0.1');
    expect(conformanceErrors({ ...statement, fhirVersion: '4.0.0' })).toEqual([]);
    expect(statement.implementation?.url).toBe(`${PUBLIC_BASE}/fhir`);
    expect(statement.rest?.[0]?.resource?.map((resource) => resource.type)).toEqual([
      'Patient',
      'Consent',
      'AuditEvent',
    ]);
  });

  it('gives the patient and auditors the rules as valid Consents and the access log as valid BALP AuditEvents', async () => {
    for (const user of ['anna', 'auditor']) {
      const consents = await resourceOf<Bundle<Consent>>(await fhir(user, 'GET', `/Consent?patient=${ANNA}`));
      expect(consents.type).toBe('searchset');
      expect(conformanceErrors(consents)).toEqual([]);
      expect(consents.entry?.length).toBeGreaterThanOrEqual(DEMO_RULES.length);
      for (const entry of consents.entry ?? []) {
        expect(entry.fullUrl?.startsWith(`${PUBLIC_BASE}/fhir/Consent/`)).toBe(true);
        expect(conformanceErrors(entry.resource as Consent, ['custodia-consent'])).toEqual([]);
      }
      const events = await resourceOf<Bundle<AuditEvent>>(
        await fhir(user, 'GET', `/AuditEvent?patient=Patient/${ANNA}`),
      );
      expect(conformanceErrors(events)).toEqual([]);
      expect(events.entry?.length).toBeGreaterThan(0);
      for (const entry of events.entry ?? [])
        expect(conformanceErrors(entry.resource as AuditEvent, ['balp-authz-consent'])).toEqual([]);
    }
  });

  it('refuses another patient’s Consent and AuditEvent, and clinicians and centres altogether', async () => {
    expect(await outcome(await fhir('marco', 'GET', `/Consent?patient=${ANNA}`))).toBe(
      '403 OperationOutcome NOT_OWNER',
    );
    expect(await outcome(await fhir('marco', 'GET', `/AuditEvent?patient=Patient/${ANNA}`))).toBe(
      '403 OperationOutcome NOT_OWNER',
    );
    expect(await outcome(await fhir('dr.weber', 'GET', `/Consent?patient=${ANNA}`))).toBe(
      '403 OperationOutcome FORBIDDEN',
    );
    expect(await outcome(await fhir('centre.berlin', 'GET', `/AuditEvent?patient=${ANNA}`))).toBe(
      '403 OperationOutcome FORBIDDEN',
    );
    expect(await outcome(await fhir(undefined, 'GET', `/Consent?patient=${ANNA}`))).toBe(
      '401 OperationOutcome UNAUTHENTICATED',
    );
  });
});
