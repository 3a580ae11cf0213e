/**
 * The IPS `$summary` operation for FHIR clients (IPS 2.0 OperationDefinition `summary`): the International Patient
 * Summary of a grant the calling clinician holds for the patient, by id (`/Patient/{id}/$summary`) or by
 * `identifier` (`/Patient/$summary?identifier=urn:custodia:patient|{id}`), by GET or by POST of a Parameters
 * resource. `profile` may only name the IPS Bundle profile; `_format` and `Accept` are negotiated (format.ts).
 * Without an active grant: 403. Failures answer OperationOutcome.
 */
import { pipeline } from 'node:stream/promises';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { FORMATS as LEDGER_FORMATS } from '@custodia/chaincode';
import type { AccessLogEntry } from '@custodia/chaincode';
import { CUSTODIA_PATIENT_SYSTEM, IPS_BUNDLE_PROFILE } from '@custodia/datalake';
import { GatewayError } from '../errors';
import { defineRoute, FHIR_BASE } from '../http/route';
import type { RouteDef, RouteInput, RouteSchemas } from '../http/route';
import type { AuthUser } from '../identity/user';
import { caller, readRecord } from '../journeys/context';
import type { JourneyDeps } from '../journeys/context';
import { PatientId } from '../journeys/schemas';
import { FHIR_BODY_TYPES, FHIR_JSON, negotiate } from './format';

const PAGE_SIZE = 100;
const TAG = 'fhir';
const URI = Type.String({ minLength: 1, maxLength: 256 });

/** `_format` on every FHIR route (format.ts decides). */
export const Format = Type.Optional(
  Type.String({ maxLength: 64, description: 'json or application/fhir+json' }),
);

const SummaryQuery = Type.Object(
  { _format: Format, profile: Type.Optional(URI) },
  { additionalProperties: false },
);
const IdentifierQuery = Type.Object(
  {
    identifier: Type.String({
      minLength: 1,
      maxLength: 300,
      description: `the patient's identifier as a FHIR token: ${CUSTODIA_PATIENT_SYSTEM}|{id}`,
    }),
    _format: Format,
    profile: Type.Optional(URI),
  },
  { additionalProperties: false },
);
/** The operation's input parameters, as POSTed (IPS: `identifier`, `profile`; nothing else). */
const Parameters = Type.Object(
  {
    resourceType: Type.Literal('Parameters'),
    id: Type.Optional(Type.String({ maxLength: 64 })),
    parameter: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Object(
            {
              name: Type.Literal('identifier'),
              valueIdentifier: Type.Object(
                { system: URI, value: Type.String({ minLength: 1, maxLength: 128 }) },
                { additionalProperties: false },
              ),
            },
            { additionalProperties: false },
          ),
          Type.Object(
            { name: Type.Literal('profile'), valueCanonical: URI },
            { additionalProperties: false },
          ),
        ]),
        { maxItems: 2 },
      ),
    ),
  },
  { additionalProperties: false },
);
type ParametersBody = Static<typeof Parameters>;
const PatientParams = Type.Object({ patientId: PatientId }, { additionalProperties: false });

/** The one profile this server answers in; any other is refused rather than silently ignored. */
function checkProfile(profile: string | undefined): void {
  if (profile === undefined) return;
  const [canonical] = profile.split('|');
  if (canonical !== IPS_BUNDLE_PROFILE)
    throw new GatewayError(
      'VALIDATION_FAILED',
      `profile not supported: this server answers ${IPS_BUNDLE_PROFILE}`,
      {
        field: 'profile',
      },
    );
}

/** The patient a token `system|value` names: only Custodia's pseudonymous ids are resolvable here. */
export function patientOfIdentifier(system: string | undefined, value: string): string {
  if (system !== CUSTODIA_PATIENT_SYSTEM || !LEDGER_FORMATS.patientId.test(value))
    throw new GatewayError(
      'VALIDATION_FAILED',
      `identifier not supported: give ${CUSTODIA_PATIENT_SYSTEM}|{patient id}`,
      { field: 'identifier' },
    );
  return value;
}

function tokenOf(identifier: string): { system: string | undefined; value: string } {
  const bar = identifier.indexOf('|');
  return bar < 0
    ? { system: undefined, value: identifier }
    : { system: identifier.slice(0, bar), value: identifier.slice(bar + 1) };
}

function parametersOf(body: ParametersBody): { identifier?: string; profile?: string } {
  const parameters = body.parameter ?? [];
  const names = parameters.map((parameter) => parameter.name);
  if (new Set(names).size !== names.length)
    throw new GatewayError('VALIDATION_FAILED', 'each parameter may be given once', { field: 'parameter' });
  let identifier: string | undefined;
  let profile: string | undefined;
  for (const parameter of parameters) {
    if (parameter.name === 'identifier')
      identifier = patientOfIdentifier(parameter.valueIdentifier.system, parameter.valueIdentifier.value);
    else profile = parameter.valueCanonical;
  }
  return {
    ...(identifier === undefined ? {} : { identifier }),
    ...(profile === undefined ? {} : { profile }),
  };
}

/** The newest grant in the clinician's own access log for this patient that has not yet expired. */
async function latestGrant(
  deps: JourneyDeps,
  user: AuthUser,
  patientId: string,
): Promise<string | undefined> {
  const ledger = deps.ledger.as(user);
  const now = deps.now().getTime();
  let bookmark = '';
  let found: AccessLogEntry | undefined;
  do {
    const page = await ledger.audit.listAccessLog(
      { by: 'requester', mspId: user.mspId, requesterId: user.ledgerId },
      { pageSize: PAGE_SIZE, bookmark },
    );
    for (const entry of page.items)
      if (
        entry.patientId === patientId &&
        entry.grantId !== undefined &&
        entry.expiresAt !== undefined &&
        Date.parse(entry.expiresAt) > now
      )
        found = entry;
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return found?.grantId;
}

/** Streams the summary of the caller's active grant for the patient, or refuses (403) without one. */
async function summary<S extends RouteSchemas>(
  deps: JourneyDeps,
  input: RouteInput<S>,
  patientId: string,
  options: { readonly format?: string | undefined; readonly profile?: string | undefined },
): Promise<undefined> {
  negotiate(options.format, input.req.headers.accept);
  checkProfile(options.profile);
  const user = caller(input);
  const grantId = await latestGrant(deps, user, patientId);
  if (grantId === undefined)
    throw new GatewayError('FORBIDDEN', 'no active grant for this patient: request access first');
  const grant = await deps.ledger.as(user).access.getGrant(grantId);
  if (grant.status !== 'active') throw new GatewayError('FORBIDDEN', `the grant is ${grant.status}`);
  const stream = await readRecord(deps, user, grantId);
  input.res.status(200).type(FHIR_JSON).setHeader('Cache-Control', 'no-store');
  await pipeline(stream, input.res);
  return undefined;
}

const SUMMARY = 'The patient summary (FHIR IPS Bundle) released to the calling clinician by an active grant';

export function summaryRoutes(deps: JourneyDeps): RouteDef[] {
  return [
    defineRoute({
      method: 'get',
      base: FHIR_BASE,
      path: '/Patient/:patientId/$summary',
      summary: SUMMARY,
      tag: TAG,
      produces: FHIR_JSON,
      schemas: { params: PatientParams, query: SummaryQuery },
      handler: (input) =>
        summary(deps, input, input.params.patientId, {
          format: input.query._format,
          profile: input.query.profile,
        }),
    }),
    defineRoute({
      method: 'post',
      base: FHIR_BASE,
      path: '/Patient/:patientId/$summary',
      summary: `${SUMMARY} (operation parameters as a Parameters resource)`,
      tag: TAG,
      produces: FHIR_JSON,
      contentTypes: FHIR_BODY_TYPES,
      schemas: { params: PatientParams, query: SummaryQuery, body: Parameters },
      handler: (input) => {
        const parameters = parametersOf(input.body);
        // An identifier beside an id must name the same patient (a mismatch is a forged or mistaken request).
        if (parameters.identifier !== undefined && parameters.identifier !== input.params.patientId)
          throw new GatewayError('VALIDATION_FAILED', 'identifier names another patient than the path', {
            field: 'identifier',
          });
        return summary(deps, input, input.params.patientId, {
          format: input.query._format,
          profile: parameters.profile ?? input.query.profile,
        });
      },
    }),
    defineRoute({
      method: 'get',
      base: FHIR_BASE,
      path: '/Patient/$summary',
      summary: `${SUMMARY}, the patient named by identifier`,
      tag: TAG,
      produces: FHIR_JSON,
      schemas: { query: IdentifierQuery },
      handler: (input) => {
        const token = tokenOf(input.query.identifier);
        return summary(deps, input, patientOfIdentifier(token.system, token.value), {
          format: input.query._format,
          profile: input.query.profile,
        });
      },
    }),
    defineRoute({
      method: 'post',
      base: FHIR_BASE,
      path: '/Patient/$summary',
      summary: `${SUMMARY}, the patient named by the identifier parameter`,
      tag: TAG,
      produces: FHIR_JSON,
      contentTypes: FHIR_BODY_TYPES,
      schemas: { query: Type.Object({ _format: Format }, { additionalProperties: false }), body: Parameters },
      handler: (input) => {
        const parameters = parametersOf(input.body);
        if (parameters.identifier === undefined)
          throw new GatewayError('VALIDATION_FAILED', 'give the identifier parameter', {
            field: 'identifier',
          });
        return summary(deps, input, parameters.identifier, {
          format: input.query._format,
          profile: parameters.profile,
        });
      },
    }),
  ];
}
