/**
 * The whole HTTP surface, route by route: who may call what (an explicit table — not read from policy.csv — walked
 * for every declared route × every role + anonymous), a patient's ownership of her own routes, and fuzzed input
 * (fast-check) against every route as a user of an allowed role: only 2xx/4xx, and the server stays up.
 */
import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';
import type { Role } from '@custodia/chaincode';
import { fullPath } from '../src/http/route';
import type { RouteDef } from '../src/http/route';
import { demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(600_000);

type Caller = Role | 'anonymous';
/** Who may call a route: anyone, any signed-in user, or these roles. */
type Access = 'public' | 'signed-in' | readonly Role[];

const P: Role = 'patient';
const C: Role = 'clinician';
const CE: Role = 'centre';
const AU: Role = 'auditor';
const AD: Role = 'admin';

/** The expected authorisation of every route, written down from the design (GATEWAY_DESIGN.md, issue 5). */
const EXPECTED: Readonly<Record<string, Access>> = {
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/refresh': 'public',
  'POST /api/v1/auth/logout': 'public',
  'POST /api/v1/auth/mfa/setup': 'public',
  'POST /api/v1/auth/mfa/confirm': 'public',
  'GET /api/v1/auth/me': 'signed-in',
  'GET /api/v1/auth/oidc/login': 'public',
  'GET /api/v1/auth/oidc/callback': 'public',
  'GET /api/v1/transactions/:transactionId': 'signed-in',
  'GET /api/v1/directory': 'signed-in',
  'GET /api/v1/directory/names': 'signed-in',

  'GET /api/v1/patients/:patientId/rules': [P, AU],
  'POST /api/v1/patients/:patientId/rules': [P],
  'GET /api/v1/patients/:patientId/rules/:ruleId': [P],
  'PUT /api/v1/patients/:patientId/rules/:ruleId': [P],
  'DELETE /api/v1/patients/:patientId/rules/:ruleId': [P],
  'GET /api/v1/patients/:patientId/rules/:ruleId/history': [P],
  'POST /api/v1/patients/:patientId/rules/:ruleId/restore': [P],
  'POST /api/v1/patients/:patientId/preview': [P],
  'GET /api/v1/patients/:patientId/emergency-policy': [P, AU],
  'PUT /api/v1/patients/:patientId/emergency-policy': [P],
  'GET /api/v1/patients/:patientId/access-log': [P],
  'GET /api/v1/patients/:patientId/grants/:grantId': [P, AU],
  'GET /api/v1/patients/:patientId/grants/:grantId/deliveries': [P, AU],
  'GET /api/v1/patients/:patientId/contributions': [P],
  'GET /api/v1/patients/:patientId/emergency-card': [P],
  'GET /api/v1/patients/:patientId/contributions/:contributionId/content': [P],
  'POST /api/v1/patients/:patientId/contributions/:contributionId/approve': [P],
  'POST /api/v1/patients/:patientId/contributions/:contributionId/reject': [P],
  'POST /api/v1/patients/:patientId/erasure-request': [P],
  'GET /api/v1/patients/:patientId/erasure-request': [P],
  // Registered after the shared journeys (patient-grants.ts): the owner check walks routes in that order.
  'GET /api/v1/patients/:patientId/record': [P],
  'GET /api/v1/patients/:patientId/grants': [P],
  'POST /api/v1/patients/:patientId/grants/:grantId/end': [P],

  'GET /api/v1/patients/lookup': [C, CE],
  'POST /api/v1/access-requests': [C],
  'POST /api/v1/emergency-access': [C],
  'GET /api/v1/grants/:grantId': [C],
  'POST /api/v1/grants/:grantId/assembly': [C],
  'GET /api/v1/grants/:grantId/record': [C],
  'GET /api/v1/grants/:grantId/binaries/:recordId': [C],
  'POST /api/v1/patients/:patientId/contributions': [C],
  'GET /fhir/Patient/:patientId/$summary': [C],
  'POST /fhir/Patient/:patientId/$summary': [C],
  'GET /fhir/Patient/$summary': [C],
  'POST /fhir/Patient/$summary': [C],
  'GET /fhir/metadata': 'public',
  'GET /fhir/Consent': [P, AU],
  'GET /fhir/AuditEvent': [P, AU],

  'POST /api/v1/patients/:patientId/records': [CE],
  'POST /api/v1/uploads': [CE],
  'GET /api/v1/uploads': [CE],
  'GET /api/v1/uploads/:uploadId': [CE],
  'PUT /api/v1/uploads/:uploadId/parts/:index': [CE],
  'POST /api/v1/uploads/:uploadId/complete': [CE],
  'POST /api/v1/uploads/:uploadId/resume': [CE],

  'GET /api/v1/audit/access-log': [AU],
  'GET /api/v1/audit/patients/:patientId/emergency-policy/history': [AU],
  'GET /api/v1/audit/rules/:ruleId/history': [AU],
  'GET /api/v1/audit/blocks': [AU],
  'GET /api/v1/audit/blocks/:number': [AU],
  'GET /api/v1/audit/transactions/:txId': [AU],
  'POST /api/v1/audit/replay': [AU],
  'GET /api/v1/audit/residency': [AU],

  'GET /api/v1/admin/organisations': [AD],
  'GET /api/v1/admin/users': [AD],
  'POST /api/v1/admin/users': [AD],
  'GET /api/v1/admin/erasure-requests': [AD],
  'POST /api/v1/admin/patients/:patientId/erasure': [AD],
  'POST /api/v1/admin/users/:userId/disable': [AD],
};

/** The routes on which a patient acts on her own data only. */
const OWNED = Object.keys(EXPECTED).filter((key) => {
  const access = EXPECTED[key];
  return Array.isArray(access) && access.includes(P) && key.includes(':patientId');
});

const CALLERS: readonly Caller[] = ['anonymous', 'patient', 'clinician', 'centre', 'auditor', 'admin'];
/** The demo user signed in for each role. */
const USER_OF: Readonly<Record<Role, string>> = {
  patient: 'anna',
  clinician: 'dr.weber',
  centre: 'centre.berlin',
  auditor: 'auditor',
  admin: 'admin',
};
/** The demo patient's pseudonym, generated when the platform seeded the demo. */
let ANNA = '';

/** Well-formed throwaway values for path parameters (none names a real rule, grant, upload or user). */
const THROWAWAY: Readonly<Record<string, string>> = {
  get patientId() {
    return ANNA;
  },
  ruleId: 'rule-throwaway',
  contributionId: 'contribution-throwaway',
  grantId: 'grant-throwaway',
  recordId: 'record-throwaway',
  uploadId: '00000000-0000-4000-8000-000000000000',
  index: '0',
  number: '0',
  txId: '0'.repeat(64),
  transactionId: '0'.repeat(64),
  userId: '00000000-0000-4000-8000-000000000001',
};

const keyOf = (route: RouteDef): string => `${route.method.toUpperCase()} ${fullPath(route)}`;

function concrete(route: RouteDef, values: Readonly<Record<string, string>> = THROWAWAY): string {
  return fullPath(route).replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no throwaway value for :${name}`);
    return value;
  });
}

function allows(access: Access, caller: Caller): boolean {
  if (access === 'public') return true;
  if (caller === 'anonymous') return false;
  return access === 'signed-in' || access.includes(caller);
}

/** The stable code of a failure: problem+json `code`, or the coding of a FHIR OperationOutcome. */
async function failureCode(response: Response): Promise<string | undefined> {
  const body = (await response.json().catch(() => undefined)) as
    { code?: string; issue?: { details?: { coding?: { code?: string }[] } }[] } | undefined;
  return body?.code ?? body?.issue?.[0]?.details?.coding?.[0]?.code;
}

let stack: TestPlatform;
let routes: readonly RouteDef[];
const { token } = demoApi(() => stack);

beforeAll(async () => {
  stack = await startTestPlatform();
  ANNA = stack.patientId('anna');
  routes = stack.platform.gateway.routes;
});
afterAll(async () => stack?.destroy());

async function callAs(
  caller: Caller,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<Response> {
  return stack.call(
    method,
    path,
    caller === 'anonymous' ? undefined : await token(USER_OF[caller]),
    body,
    headers,
  );
}

describe('route × role', () => {
  it('the table names exactly the declared routes', () => {
    expect(routes.map(keyOf).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(
      routes
        .filter((route) => route.ownedBy === 'patientId')
        .map(keyOf)
        .sort(),
    ).toEqual([...OWNED].sort());
  });

  it('the OpenAPI document describes every route of the table', async () => {
    const openapi = (await (await stack.call('GET', '/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(openapi.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('every route answers 401 to anonymous callers, 403 to roles not allowed, and lets allowed ones through', async () => {
    const seen: string[] = [];
    for (const route of routes) {
      const access = EXPECTED[keyOf(route)] ?? [];
      for (const caller of CALLERS) {
        // An unknown query parameter: an allowed caller is stopped by validation, after authorisation, so
        // nothing is changed on the ledger; JSON routes get a JSON body so that the media type passes.
        const body = route.body !== 'raw' && route.schemas.body !== undefined ? {} : undefined;
        const response = await callAs(caller, route.method.toUpperCase(), `${concrete(route)}?probe=1`, body);
        const code = await failureCode(response);
        const expected = allows(access, caller)
          ? 'through'
          : caller === 'anonymous'
            ? '401 UNAUTHENTICATED'
            : '403 FORBIDDEN';
        const actual =
          response.status === 401 || response.status === 403
            ? `${response.status} ${code ?? ''}`
            : ['VALIDATION_FAILED', 'UNSUPPORTED_MEDIA_TYPE'].includes(code ?? '')
              ? 'through'
              : `${response.status} ${code ?? ''}`;
        seen.push(
          `${keyOf(route)} as ${caller}: ${actual === expected ? 'ok' : `${actual} (expected ${expected})`}`,
        );
      }
    }
    expect(seen.filter((line) => !line.endsWith(': ok'))).toEqual([]);
    expect(seen).toHaveLength(routes.length * CALLERS.length);
  });

  it('a patient cannot read or act on another patient’s routes (NOT_OWNER)', async () => {
    const refused: string[] = [];
    for (const route of routes.filter((candidate) => OWNED.includes(keyOf(candidate)))) {
      const body = route.schemas.body !== undefined ? {} : undefined;
      // Marco calls Anna's routes with otherwise valid requests: the owner check stops them before anything runs.
      const response = await stack.call(
        route.method.toUpperCase(),
        concrete(route),
        await token('marco'),
        body,
      );
      refused.push(`${keyOf(route)}: ${response.status} ${(await failureCode(response)) ?? ''}`);
    }
    expect(refused).toEqual(
      OWNED.filter((key) => routes.some((route) => keyOf(route) === key)).map(
        (key) => `${key}: 403 NOT_OWNER`,
      ),
    );
    // Her own data, on the same route, is hers.
    const own = await stack.call(
      'GET',
      `/api/v1/patients/${stack.patientId('marco')}/emergency-card`,
      await token('marco'),
    );
    expect(own.status).toBe(200);
  });
});

/** Property names a route's schema knows, so that fuzzed objects reach past "unknown property". */
function propertiesOf(schema: TSchema | undefined): string[] {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties === undefined ? [] : Object.keys(properties);
}

/**
 * A valid value for each body and query field the routes know (none a demo username: fuzzed sign-ins must not
 * lock a demo account). A fuzzed request mixes these with arbitrary values, so that it often passes validation
 * with one field off, and reaches the ledger, the data lake or the upload store.
 */
const VALID: Readonly<Record<string, unknown>> = {
  get patientId() {
    return ANNA;
  },
  categories: ['allergies', 'results'],
  purpose: 'TREAT',
  reason: 'fuzzed request',
  reasonCode: 'unconscious',
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician', countries: ['DE'] },
  labels: [],
  purposes: ['TREAT'],
  notBefore: '2026-01-01T00:00:00Z',
  notAfter: '2027-01-01T00:00:00Z',
  requester: { mspId: 'HospitalDEMSP', role: 'clinician', id: 'clin-weber' },
  at: '2026-06-01T00:00:00Z',
  enabled: true,
  roles: ['clinician'],
  countries: ['DE'],
  maxDurationMinutes: 60,
  version: 1,
  resource: { resourceType: 'Observation', status: 'final' },
  sourceId: 'fuzz-source-1',
  fileName: 'fuzz.pdf',
  contentType: 'application/pdf',
  size: 10,
  documentReference: { resourceType: 'DocumentReference', status: 'current' },
  username: 'fuzz.nobody',
  password: 'not the password of anyone',
  displayName: 'Fuzz',
  role: 'clinician',
  mspId: 'HospitalDEMSP',
  country: 'DE',
  refreshToken: 'f'.repeat(32),
  setupToken: 's'.repeat(32),
  code: '123456',
  totp: '123456',
  pageSize: 5,
  bookmark: '',
  get id() {
    return ANNA;
  },
  from: '2026-01-01T00:00:00Z',
  to: '2030-01-01T00:00:00Z',
  requesterMspId: 'HospitalDEMSP',
  requesterId: 'clin-weber',
  limit: 5,
  toBlock: 3,
  format: 'csv',
  expires: '9999999999999',
  sig: 'x'.repeat(43),
};

const anything = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom<unknown>('', null, 0, -1, 2 ** 53, 1e308, ['allergies'], { resourceType: 'Patient' }),
);
/** A field's valid value, or anything. */
const field = (key: string): fc.Arbitrary<unknown> =>
  key in VALID
    ? fc.oneof({ arbitrary: fc.constant(VALID[key]), weight: 3 }, { arbitrary: anything, weight: 1 })
    : anything;

/** Objects over the schema's fields (some missing, some off), or over arbitrary keys. */
function objectsFor(schema: TSchema | undefined): fc.Arbitrary<Record<string, unknown>> {
  const keys = propertiesOf(schema);
  const model = Object.fromEntries(keys.map((key) => [key, field(key)]));
  return fc.oneof(
    fc.record(model, { requiredKeys: [] }),
    fc
      .record(model)
      .chain((object) =>
        fc.dictionary(fc.string({ maxLength: 12 }), anything).map((extra) => ({ ...object, ...extra })),
      ),
    fc.dictionary(fc.string({ maxLength: 12 }), anything),
  );
}

function bodyArbitrary(route: RouteDef): fc.Arbitrary<{ body?: string | Buffer; type?: string }> {
  if (route.method === 'get') return fc.constant({});
  const text = fc.oneof(
    { arbitrary: objectsFor(route.schemas.body).map((object) => JSON.stringify(object)), weight: 4 },
    fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  );
  const type = fc.constantFrom(
    'application/json',
    'application/json',
    'application/fhir+json',
    'application/octet-stream',
    'text/plain',
  );
  return fc.record({ body: text, type });
}

function queryArbitrary(route: RouteDef): fc.Arbitrary<string> {
  const text = (item: unknown): string => (typeof item === 'string' ? item : (JSON.stringify(item) ?? ''));
  return objectsFor(route.schemas.query).map((object) => {
    const entries = Object.entries(object).map(([key, item]): [string, string] => [key, text(item)]);
    return entries.length === 0 ? '' : `?${new URLSearchParams(entries).toString()}`;
  });
}

function pathArbitrary(route: RouteDef, caller: Caller): fc.Arbitrary<string> {
  const names = [...fullPath(route).matchAll(/:([A-Za-z]+)/g)].map((match) => match[1] ?? '');
  const param = (name: string) =>
    fc.oneof(
      // A patient's own id keeps most fuzzed calls past the owner check.
      fc.constant(caller === 'patient' && name === 'patientId' ? ANNA : (THROWAWAY[name] ?? 'x')),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).map(encodeURIComponent),
      fc.constantFrom('%E0%A4%A', '..', '%2e%2e%2f', '-1', '1e309', '00000000-0000-0000-0000-000000000000'),
    );
  return fc
    .tuple(...names.map(param))
    .map((values) =>
      concrete(route, Object.fromEntries(names.map((name, index) => [name, values[index] ?? '']))),
    );
}

const RUNS = 20;

describe('fuzzed input', () => {
  it('every route answers fuzzed bodies, queries and path parameters with 2xx/4xx only, and stays up', async () => {
    const failures: string[] = [];
    /** How far fuzzed requests got: past validation (2xx, or a 4xx other than VALIDATION_FAILED) or not. */
    const outcomes = new Map<string, number>();
    for (const route of routes) {
      const access = EXPECTED[keyOf(route)] ?? 'public';
      const caller: Caller =
        access === 'public' ? 'anonymous' : access === 'signed-in' ? 'patient' : (access[0] ?? P);
      const run = await fc.check(
        fc.asyncProperty(
          pathArbitrary(route, caller),
          queryArbitrary(route),
          bodyArbitrary(route),
          async (path, query, { body, type }) => {
            const response = await callAs(
              caller,
              route.method.toUpperCase(),
              `${path}${query}`,
              body,
              type === undefined ? {} : { 'content-type': type },
            );
            const code = await failureCode(response);
            const outcome =
              response.status < 300 ? '2xx' : code === 'VALIDATION_FAILED' ? 'invalid' : 'refused later';
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
            return response.status >= 200 && response.status < 500;
          },
        ),
        // A fixed seed: the same inputs every run, so a failure is reproducible (and shrunk).
        { numRuns: RUNS, seed: 20_261_123 + routes.indexOf(route) },
      );
      if (run.failed)
        failures.push(
          `${keyOf(route)} as ${caller}: ${fc.stringify(run.counterexample)} ${String(run.errorInstance ?? '')}`,
        );
      expect((await stack.call('GET', '/healthz')).status).toBe(200);
    }
    expect(failures).toEqual([]);
    // The generators are worth something only if many requests get past validation to the handlers.
    const past = (outcomes.get('2xx') ?? 0) + (outcomes.get('refused later') ?? 0);
    expect(past).toBeGreaterThan((routes.length * RUNS) / 4);
    expect(outcomes.get('2xx') ?? 0).toBeGreaterThan(routes.length / 2);
  });
});
