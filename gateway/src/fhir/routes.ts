/**
 * Custodia's FHIR endpoint under `/fhir`: the CapabilityStatement, the IPS `$summary` operation, and Consent and
 * AuditEvent searches. fullUrls and links are absolute under the deployment's public base URL
 * (CUSTODIA_PUBLIC_BASE_URL), or the address the request came to when none is configured.
 */
import { Type } from '@sinclair/typebox';
import { defineRoute, FHIR_BASE } from '../http/route';
import type { RouteDef, RouteInput, RouteSchemas } from '../http/route';
import type { JourneyDeps } from '../journeys/context';
import type { AuditSource } from './audit-event';
import { capabilityStatement } from './capability';
import { FHIR_JSON, negotiate } from './format';
import { searchRoutes } from './search';
import { Format, summaryRoutes } from './summary';

export interface FhirOptions {
  readonly publicBaseUrl: string | undefined;
  readonly version: string;
  /** The CapabilityStatement's date: when this gateway started. */
  readonly startedAt: Date;
}

/** The ledger and the gateway as BALP names them (configuration, not ledger data). */
function auditSource(baseUrl: string): AuditSource {
  return {
    ledger: { identifier: { system: 'urn:custodia:ledger', value: 'custodia' }, display: 'Custodia ledger' },
    site: new URL(baseUrl).host,
    client: {
      who: {
        identifier: { system: 'urn:custodia:application', value: 'gateway' },
        display: 'Custodia gateway',
      },
      address: new URL(baseUrl).hostname,
      addressType: '1',
    },
  };
}

export function fhirRoutes(deps: JourneyDeps, options: FhirOptions): RouteDef[] {
  const base = (input: RouteInput<RouteSchemas>): string =>
    options.publicBaseUrl ?? `${input.req.protocol}://${input.req.get('host') ?? 'localhost'}`;
  return [
    defineRoute({
      method: 'get',
      base: FHIR_BASE,
      path: '/metadata',
      summary: 'The CapabilityStatement of this FHIR endpoint (R4, JSON): what it supports, exactly',
      tag: 'fhir',
      access: 'public',
      produces: FHIR_JSON,
      schemas: {
        query: Type.Object(
          { _format: Format, mode: Type.Optional(Type.Literal('full')) },
          { additionalProperties: false },
        ),
      },
      handler: async (input) => {
        negotiate(input.query._format, input.req.headers.accept);
        input.res.type(FHIR_JSON).json(
          capabilityStatement({
            baseUrl: base(input as RouteInput<RouteSchemas>),
            version: options.version,
            date: options.startedAt.toISOString(),
          }),
        );
        return undefined;
      },
    }),
    ...summaryRoutes(deps),
    ...searchRoutes(deps, base, auditSource),
  ];
}
