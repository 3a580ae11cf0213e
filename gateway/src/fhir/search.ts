/**
 * FHIR searches over the ledger, as the JSON API's roles allow (casbin: the patient and auditors): the patient's
 * rules and emergency policy as Consent (`GET /fhir/Consent?patient=`), and their access log as BALP AuditEvents
 * (`GET /fhir/AuditEvent?patient=`). A patient searches their own only; the chaincode checks the same again.
 * Answers are searchset Bundles of at most MAX_MATCHES resources.
 */
import { Type } from '@sinclair/typebox';
import type { AuditEvent, Consent } from '@medplum/fhirtypes';
import { FORMATS as LEDGER_FORMATS } from '@custodia/chaincode';
import type { Page, PageRequest } from '@custodia/chaincode';
import { errorCode, GatewayError } from '../errors';
import { defineRoute, FHIR_BASE } from '../http/route';
import type { RouteDef, RouteInput, RouteSchemas } from '../http/route';
import type { AuthUser } from '../identity/user';
import { caller } from '../journeys/context';
import type { JourneyDeps } from '../journeys/context';
import { accessAuditEvent } from './audit-event';
import type { AuditSource } from './audit-event';
import { emergencyPolicyConsent, ruleConsent } from './consent';
import { FHIR_JSON, negotiate } from './format';
import { searchset } from './searchset';
import { Format } from './summary';

/** A search answers at most this many resources (the ledger is read page by page up to it). */
export const MAX_MATCHES = 1000;
const PAGE_SIZE = 100;

const SearchQuery = Type.Object(
  {
    patient: Type.String({
      minLength: 1,
      maxLength: 80,
      description: 'the patient’s pseudonymous id, as `pt-…` or `Patient/pt-…`',
    }),
    _format: Format,
  },
  { additionalProperties: false },
);

/** Where the FHIR endpoint is reached from outside (its fullUrls): the configured public base, else the request's. */
export type FhirBase = (input: RouteInput<RouteSchemas>) => string;

/** The patient a `patient` search parameter names; a patient caller may name only themselves. */
function searchedPatient(value: string, user: AuthUser): string {
  const id = value.startsWith('Patient/') ? value.slice('Patient/'.length) : value;
  if (!LEDGER_FORMATS.patientId.test(id))
    throw new GatewayError('VALIDATION_FAILED', 'patient must be a patient id (pt-…) or Patient/{id}', {
      field: 'patient',
    });
  if (user.role === 'patient' && id !== user.ledgerId)
    throw new GatewayError('NOT_OWNER', 'patients act on their own data only');
  return id;
}

/** Up to MAX_MATCHES items of a paged ledger listing, and whether that was all of them. */
async function collect<T>(
  list: (page: PageRequest) => Promise<Page<T>>,
): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let bookmark = '';
  do {
    const page = await list({ pageSize: PAGE_SIZE, bookmark });
    items.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark !== '' && items.length < MAX_MATCHES);
  return { items: items.slice(0, MAX_MATCHES), complete: bookmark === '' && items.length <= MAX_MATCHES };
}

export function searchRoutes(
  deps: JourneyDeps,
  base: FhirBase,
  source: (fhirBase: string) => AuditSource,
): RouteDef[] {
  const answer = <S extends RouteSchemas>(
    input: RouteInput<S>,
    resources: readonly (Consent | AuditEvent)[],
    complete: boolean,
  ) => {
    const fhirBase = `${base(input as RouteInput<RouteSchemas>)}${FHIR_BASE}`;
    input.res.type(FHIR_JSON);
    input.res.json(searchset(resources, fhirBase, `${fhirBase}${input.req.url}`, complete));
    return Promise.resolve(undefined);
  };
  return [
    defineRoute({
      method: 'get',
      base: FHIR_BASE,
      path: '/Consent',
      summary:
        'The patient’s rules (every rule, its current version and status) and emergency policy as FHIR Consent (patient-privacy), for the patient and auditors',
      tag: 'fhir',
      produces: FHIR_JSON,
      schemas: { query: SearchQuery },
      handler: async (input) => {
        negotiate(input.query._format, input.req.headers.accept);
        const user = caller(input);
        const patientId = searchedPatient(input.query.patient, user);
        const ledger = deps.ledger.as(user);
        const rules = await collect((page) => ledger.rules.listOfPatient(patientId, page));
        const policy = await ledger.emergency.getPolicy(patientId).catch((error: unknown) => {
          if (errorCode(error) === 'NOT_FOUND') return undefined;
          throw error;
        });
        const consents = [
          ...rules.items.map(ruleConsent),
          ...(policy === undefined ? [] : [emergencyPolicyConsent(policy)]),
        ];
        return answer(input, consents, rules.complete);
      },
    }),
    defineRoute({
      method: 'get',
      base: FHIR_BASE,
      path: '/AuditEvent',
      summary:
        'The patient’s access log as FHIR AuditEvents (IHE BALP AuthZconsent: ledger transaction, outcome, purpose, deciding rules), for the patient and auditors',
      tag: 'fhir',
      produces: FHIR_JSON,
      schemas: { query: SearchQuery },
      handler: async (input) => {
        negotiate(input.query._format, input.req.headers.accept);
        const user = caller(input);
        const patientId = searchedPatient(input.query.patient, user);
        const log = await collect((page) =>
          deps.ledger.as(user).audit.listAccessLog({ by: 'patient', patientId }, page),
        );
        const auditSource = source(base(input as RouteInput<RouteSchemas>));
        return answer(
          input,
          log.items.map((entry) => accessAuditEvent(entry, auditSource)),
          log.complete,
        );
      },
    }),
  ];
}
