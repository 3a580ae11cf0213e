/**
 * Subject binding: everything in an upload is about the upload's patient. The elements that name a resource's
 * patient (subject, patient, beneficiary — whichever the type has) must reference `Patient/<ledger id>` or,
 * in a Bundle, that patient's own Patient entry (by fullUrl or by `Patient/<its id>`); and no reference
 * anywhere may point at another patient. A Bundle holds at most one Patient. Issues name the entry (index,
 * fullUrl) and the element, never a value.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { DatalakeError } from '../errors';

/** Root elements that say whose record a resource is (FHIR R4 patient compartment's main links). */
const PATIENT_ELEMENTS = ['subject', 'patient', 'beneficiary'] as const;
const MAX_ISSUES = 20;

export interface SubjectIssue {
  /** The Bundle entry (absent for a single resource). */
  readonly index?: number;
  readonly fullUrl?: string;
  /** The element, as a FHIRPath-like expression (`Condition.subject`, `Observation.performer[0]`). */
  readonly element: string;
  readonly reason: 'not-this-patient' | 'no-literal-reference' | 'second-patient';
}

/**
 * The binding of one upload, entry by entry (a streamed Bundle is checked this way): first every Patient entry
 * is noted — the first is the upload's patient, a second is an issue — then every other entry is checked.
 */
export class SubjectBinding {
  private readonly references: Set<string>;
  private patients = 0;

  constructor(patientId: string) {
    this.references = new Set([`Patient/${patientId}`]);
  }

  notePatient(entry: BundleEntry, index: number): SubjectIssue[] {
    if (entry.resource?.resourceType !== 'Patient') return [];
    this.patients += 1;
    if (this.patients > 1)
      return [{ index, ...fullUrlOf(entry.fullUrl), element: 'Patient', reason: 'second-patient' }];
    if (typeof entry.fullUrl === 'string') this.references.add(entry.fullUrl);
    if (typeof entry.resource.id === 'string') this.references.add(`Patient/${entry.resource.id}`);
    return [];
  }

  entryIssues(entry: BundleEntry, index: number): SubjectIssue[] {
    if (entry.resource === undefined || entry.resource.resourceType === 'Patient') return [];
    return resourceIssues(entry.resource, this.references).map((issue) => ({
      index,
      ...fullUrlOf(entry.fullUrl),
      ...issue,
    }));
  }

  resourceIssues(resource: Resource): SubjectIssue[] {
    return resourceIssues(resource, this.references);
  }
}

/** Throws WRONG_PATIENT with every issue found (bounded) unless the whole upload is about `patientId`. */
export function checkSubjectBinding(upload: Resource, patientId: string): void {
  const binding = new SubjectBinding(patientId);
  const issues: SubjectIssue[] = [];
  if (upload.resourceType === 'Bundle') {
    const entries = (upload as Bundle).entry ?? [];
    entries.forEach((entry, index) => issues.push(...binding.notePatient(entry, index)));
    entries.forEach((entry, index) => issues.push(...binding.entryIssues(entry, index)));
  } else {
    issues.push(...binding.resourceIssues(upload));
  }
  if (issues.length > 0) throw wrongPatient(issues);
}

export function wrongPatient(issues: readonly SubjectIssue[]): DatalakeError {
  return new DatalakeError(
    'WRONG_PATIENT',
    'the upload holds resources that are not about this patient; nothing was stored',
    { issues: issues.slice(0, MAX_ISSUES) },
  );
}

function fullUrlOf(fullUrl: string | undefined): { fullUrl?: string } {
  return typeof fullUrl === 'string' ? { fullUrl } : {};
}

function resourceIssues(
  resource: Resource,
  aliases: ReadonlySet<string>,
): Omit<SubjectIssue, 'index' | 'fullUrl'>[] {
  const issues: Omit<SubjectIssue, 'index' | 'fullUrl'>[] = [];
  const fields = resource as unknown as Record<string, unknown>;
  for (const element of PATIENT_ELEMENTS) {
    const value = fields[element];
    if (value === undefined) continue;
    const targets = Array.isArray(value) ? value : [value];
    targets.forEach((target, position) => {
      const path = `${resource.resourceType}.${element}${Array.isArray(value) ? `[${position}]` : ''}`;
      const reference = (target as { reference?: unknown } | null)?.reference;
      if (typeof reference !== 'string') issues.push({ element: path, reason: 'no-literal-reference' });
      else if (!aliases.has(reference)) issues.push({ element: path, reason: 'not-this-patient' });
    });
  }
  // Any other reference to a patient (a performer, an asserter, a contained resource's subject) must be ours.
  for (const { path, reference } of references(resource, resource.resourceType))
    if (pointsAtPatient(reference) && !aliases.has(reference))
      issues.push({ element: path, reason: 'not-this-patient' });
  return dedupe(issues);
}

/** Every `reference` string in the resource (contained resources included), with where it is. */
function references(node: unknown, path: string): { path: string; reference: string }[] {
  const found: { path: string; reference: string }[] = [];
  const pending: { node: unknown; path: string }[] = [{ node, path }];
  while (pending.length > 0) {
    const current = pending.pop() as { node: unknown; path: string };
    if (Array.isArray(current.node)) {
      current.node.forEach((item, index) => pending.push({ node: item, path: `${current.path}[${index}]` }));
      continue;
    }
    if (typeof current.node !== 'object' || current.node === null) continue;
    for (const [key, value] of Object.entries(current.node as Record<string, unknown>)) {
      if (key === 'reference' && typeof value === 'string')
        found.push({ path: current.path, reference: value });
      else pending.push({ node: value, path: `${current.path}.${key}` });
    }
  }
  return found;
}

/** `Patient/x`, `https://host/fhir/Patient/x`, or a contained `#id` where a patient is expected is a patient. */
function pointsAtPatient(reference: string): boolean {
  return /(^|\/)Patient\/[^/]+(\/_history\/[^/]+)?$/.test(reference);
}

function dedupe<T extends { element: string }>(issues: T[]): T[] {
  const seen = new Set<string>();
  return issues.filter((issue) => (seen.has(issue.element) ? false : (seen.add(issue.element), true)));
}
