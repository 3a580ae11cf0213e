/** The OpenAPI 3.1 document, generated from the same route declarations ajv validates with. */
import type { TObject, TSchema } from '@sinclair/typebox';
import { fullPath } from './route';
import type { RouteDef } from './route';

type Json = Record<string, unknown>;

/** TypeBox schemas are JSON Schema; drop its symbol keys and `$id`s so the document is plain JSON. */
function plain(schema: TSchema): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

function parameters(where: 'path' | 'query' | 'header', schema: TObject | undefined): Json[] {
  if (schema === undefined) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: plain(property),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const PROBLEM = {
  description: 'RFC 9457 problem details',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string' },
          retryAfterSeconds: { type: 'integer', description: 'also sent as the Retry-After header' },
          transactionId: {
            type: 'string',
            description: 'LEDGER_OUTCOME_UNKNOWN: the transaction to ask about',
          },
          transactionStatus: {
            type: 'string',
            description: 'LEDGER_OUTCOME_UNKNOWN: where to ask (GET /api/v1/transactions/{transactionId})',
          },
        },
        required: ['type', 'title', 'status', 'code'],
      },
    },
  },
};

const RETRY_AFTER = {
  'Retry-After': { description: 'seconds to wait before trying again', schema: { type: 'integer' } },
};

/** Ledger outages, each with its own code; nothing was recorded, so the same request may be sent again later. */
const OUTAGE = {
  ...PROBLEM,
  description:
    'a dependency is down, nothing was recorded: LEDGER_UNAVAILABLE (no peer answered), LEDGER_ENDORSERS_UNAVAILABLE, LEDGER_QUORUM_LOST (too few organisations answer to approve a change), LEDGER_ORDERER_UNAVAILABLE, DATALAKE_UNAVAILABLE; try again after Retry-After',
  headers: RETRY_AFTER,
};

/** A write sent for ordering whose fate is unknown: ask its status before sending the request again. */
const OUTCOME_UNKNOWN = {
  ...PROBLEM,
  description:
    'LEDGER_OUTCOME_UNKNOWN: the change was sent to the ledger but whether it was recorded is not known; the problem carries transactionId and transactionStatus — GET that before trying again (a new request would be a second change)',
  headers: RETRY_AFTER,
};

function operation(route: RouteDef): Json {
  const status = String(route.status ?? 200);
  const media = route.produces ?? 'application/json';
  const success =
    route.schemas.response === undefined && media === 'application/json'
      ? { description: 'done' }
      : {
          description: 'done',
          content: { [media]: { schema: route.schemas.response ? plain(route.schemas.response) : {} } },
        };
  const body =
    route.body === 'raw'
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              (route.contentTypes ?? ['application/octet-stream']).map((type) => [type, { schema: {} }]),
            ),
          },
        }
      : route.schemas.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: Object.fromEntries(
                (route.contentTypes ?? ['application/json']).map((type) => [
                  type,
                  { schema: plain(route.schemas.body as NonNullable<RouteDef['schemas']['body']>) },
                ]),
              ),
            },
          };
  return {
    operationId: `${route.method}${route.path.replace(/[^A-Za-z0-9]+/g, '_')}`,
    summary: route.summary,
    tags: [route.tag],
    parameters: [
      ...parameters('path', route.schemas.params),
      ...parameters('query', route.schemas.query),
      ...parameters('header', route.schemas.headers),
    ],
    ...body,
    ...(route.access === 'public' ? { security: [] } : {}),
    responses: {
      [status]: success,
      ...(route.accepted === undefined ? {} : { '202': { description: route.accepted } }),
      '4XX': PROBLEM,
      '503': OUTAGE,
      '504': OUTCOME_UNKNOWN,
      '5XX': PROBLEM,
    },
  };
}

export function openApiDocument(routes: readonly RouteDef[], info: { version: string }): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const key = fullPath(route).replace(/:(\w+)/g, '{$1}');
    paths[key] = { ...(paths[key] ?? {}), [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Custodia gateway API',
      version: info.version,
      description:
        'Patient-controlled, ledger-anchored sharing of medical data. Errors are RFC 9457 problem+json.',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
