import { Type } from '@sinclair/typebox';
import { openApiDocument } from './openapi';
import { defineRoute, FHIR_BASE } from './route';
import { check, compile } from './validate';

const routes = [
  defineRoute({
    method: 'post',
    path: '/patients/:patientId/rules',
    summary: 'Create a rule',
    tag: 'patient',
    status: 201,
    schemas: {
      params: Type.Object({ patientId: Type.String() }),
      query: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }),
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'retry key' })) }),
      body: Type.Object(
        { effect: Type.String({ enum: ['permit', 'deny'] }) },
        { additionalProperties: false },
      ),
    },
    handler: async () => ({}),
  }),
  defineRoute({
    method: 'get',
    base: FHIR_BASE,
    path: '/Patient/:patientId/$summary',
    summary: 'IPS',
    tag: 'fhir',
    produces: 'application/fhir+json',
    schemas: { params: Type.Object({ patientId: Type.String() }) },
    handler: async () => undefined,
  }),
];

describe('openApiDocument', () => {
  const document = openApiDocument(routes, { version: '1.0.0' }) as {
    openapi: string;
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };

  it('documents each declared route with its parameters, body and answers', () => {
    expect(document.openapi).toBe('3.1.0');
    const create = document.paths['/api/v1/patients/{patientId}/rules']?.post;
    expect(create?.parameters).toEqual([
      expect.objectContaining({ name: 'patientId', in: 'path', required: true }),
      expect.objectContaining({ name: 'dryRun', in: 'query', required: false }),
      expect.objectContaining({
        name: 'idempotency-key',
        in: 'header',
        required: false,
        description: 'retry key',
      }),
    ]);
    expect(create?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { properties: { effect: { enum: ['permit', 'deny'] } } } } },
    });
    expect(Object.keys(create?.responses as object).sort()).toEqual(['201', '4XX', '503', '504', '5XX']);
    expect(create?.responses).toMatchObject({
      '503': { headers: { 'Retry-After': expect.any(Object) } },
      '504': { description: expect.stringContaining('LEDGER_OUTCOME_UNKNOWN') },
    });
    expect(document.paths['/fhir/Patient/{patientId}/$summary']?.get).toBeDefined();
  });

  it('is plain JSON (no TypeBox symbols survive)', () => {
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });
});

describe('validation', () => {
  const body = compile(
    'body',
    Type.Object({ effect: Type.String({ enum: ['permit', 'deny'] }) }, { additionalProperties: false }),
  );
  const query = compile('query', Type.Object({ pageSize: Type.Integer({ minimum: 1, default: 50 }) }));

  it('names the field and the rule, never the value', () => {
    expect(() => check('body', body, { effect: 'allow-everything-for-anna' })).toThrow(
      'body.effect must be one of: permit, deny',
    );
    expect(() => check('body', body, { effect: 'permit', extra: 1 })).toThrow(
      "body: unknown property 'extra'",
    );
    expect(() => check('body', body, undefined)).toThrow(/body/);
  });

  it('checks the headers a route declares, naming the header', () => {
    const headers = compile(
      'headers',
      Type.Object({ 'idempotency-key': Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$' })) }),
    );
    expect(check('headers', headers, { 'idempotency-key': 'retry-1' })).toEqual({
      'idempotency-key': 'retry-1',
    });
    expect(() => check('headers', headers, { 'idempotency-key': 'no spaces allowed' })).toThrow(
      /headers\.idempotency-key must match pattern/,
    );
  });

  it('coerces query strings and fills defaults', () => {
    expect(check('query', query, { pageSize: '20' })).toEqual({ pageSize: 20 });
    expect(check('query', query, {})).toEqual({ pageSize: 50 });
    expect(() => check('query', query, { pageSize: 'many' })).toThrow('query.pageSize must be integer');
  });
});
