/**
 * References inside the temporary record. Sources reference each other by their own ids (`Practitioner/123`),
 * by transaction fullUrls (`urn:uuid:…`) or conditionally (`Organization?identifier=system|value`); in the record
 * every resource has a new id, so every reference is either rewritten to the fullUrl of a resource in the Bundle
 * or reduced to a `display` (no dangling reference, no source id). A reference resolves only among resources of
 * the same source organisation: ids are unique only within the system that issued them.
 */
import type { Identifier, Reference } from '@medplum/fhirtypes';

/** A resource that can be referenced: where it came from and what it became in the Bundle. */
export interface ReferenceTarget {
  readonly organisation: string;
  readonly resourceType: string;
  readonly sourceId?: string;
  /** The fullUrl the source gave it (transaction Bundles), if known. */
  readonly sourceUrl?: string;
  readonly identifiers: readonly Identifier[];
  /** Its fullUrl in the Bundle. */
  readonly fullUrl: string;
}

export class ReferenceIndex {
  private readonly byKey = new Map<string, ReferenceTarget>();

  constructor(targets: readonly ReferenceTarget[]) {
    for (const target of targets) {
      const keys = referenceKeys(target);
      for (const key of keys) {
        // The first claim wins: a later resource cannot take over another's reference.
        if (!this.byKey.has(`${target.organisation}\0${key}`))
          this.byKey.set(`${target.organisation}\0${key}`, target);
      }
    }
  }

  find(organisation: string, reference: string): ReferenceTarget | undefined {
    return this.byKey.get(`${organisation}\0${canonicalReference(reference)}`);
  }
}

/** `Type?identifier=system|value` with the query decoded; other references as given. */
export function canonicalReference(reference: string): string {
  const conditional = /^([A-Z][A-Za-z]+)\?identifier=(.*)$/.exec(reference);
  if (conditional === null) return reference;
  try {
    return `${conditional[1]}?identifier=${decodeURIComponent(conditional[2] ?? '')}`;
  } catch {
    return reference;
  }
}

/** Reference type named by a reference string (`Patient/1`, `Patient?…`, an absolute URL ending in one). */
export function referencedType(reference: Reference): string | undefined {
  if (reference.type !== undefined) return reference.type;
  const match = /(?:^|\/)([A-Z][A-Za-z]+)(?:\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[^/]+)?|\?.*)$/.exec(
    reference.reference ?? '',
  );
  return match?.[1];
}

export interface RewriteContext {
  readonly organisation: string;
  readonly index: ReferenceIndex;
  /** The source's references to the patient (its subject): they become the summary's Patient. */
  readonly patientReferences: ReadonlySet<string>;
  readonly patientUrl: string;
  /** Called for every target a reference resolves to (to include what is referenced). */
  readonly onResolved: (target: ReferenceTarget) => void;
}

const NOT_INCLUDED = 'Not included in this summary';

/**
 * Resources that say who and where care happened and which product was given, not what the patient has: included
 * whenever a released entry references them (the minimum provenance a clinician needs; a Medication completes the
 * released statement that names it). Everything else (Encounter, Condition, …) is a record of its own, included
 * only when the grant releases it.
 */
export const PROVENANCE_TYPES: ReadonlySet<string> = new Set([
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'Medication',
]);

/**
 * What a source's records may reference that the lake keeps beside them as their context (not records of their
 * own: no IPS category): provenance, and the encounter or care team a record happened in. Released with a record
 * that references it when the grant releases every security label it carries; otherwise the reference is reduced
 * to a display.
 */
export const CONTEXT_TYPES: ReadonlySet<string> = new Set([...PROVENANCE_TYPES, 'Encounter', 'CareTeam']);

/** The keys by which a source's references may name a resource (its type and id, its fullUrl, its identifiers). */
export function referenceKeys(target: Omit<ReferenceTarget, 'organisation' | 'fullUrl'>): string[] {
  return [
    target.sourceId === undefined ? undefined : `${target.resourceType}/${target.sourceId}`,
    target.sourceUrl,
    // Synthea and most exporters give a urn:uuid entry the same uuid as resource id.
    target.sourceId === undefined ? undefined : `urn:uuid:${target.sourceId}`,
    ...target.identifiers
      .filter((identifier) => identifier.value !== undefined)
      .map(
        (identifier) =>
          `${target.resourceType}?identifier=${identifier.system ?? ''}|${identifier.value ?? ''}`,
      ),
  ].filter((key): key is string => key !== undefined);
}

/** Every reference string in `value` (contained `#id` references aside), as the index keys them. */
export function referencesIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const item of value) referencesIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value as Json)) {
      if (key === 'reference' && typeof child === 'string' && !child.startsWith('#'))
        found.add(canonicalReference(child));
      else referencesIn(child, found);
    }
  }
  return found;
}

/** The reference as the Bundle carries it: pointing at an entry, or only a display. */
export function rewriteReference(reference: Reference, context: RewriteContext): Reference {
  const source = reference.reference;
  if (source === undefined || source.startsWith('#')) return reference;
  const without = (...keys: readonly string[]): Reference =>
    Object.fromEntries(Object.entries(reference).filter(([key]) => !keys.includes(key))) as Reference;
  // The source's identifier of the patient (a record number) is not carried over: the summary's Patient has hers.
  if (source === context.patientUrl || context.patientReferences.has(source))
    return { ...without('reference', 'identifier'), reference: context.patientUrl };
  const patient = referencedType(reference) === 'Patient';
  const target = patient ? undefined : context.index.find(context.organisation, source);
  if (target !== undefined) {
    context.onResolved(target);
    return { ...without('reference'), reference: target.fullUrl };
  }
  // A withheld record's display may describe what was withheld (an HIV test, a psychiatric admission), another
  // patient's may name them: only a practitioner's or an organisation's display is kept.
  const provenance = PROVENANCE_TYPES.has(referencedType(reference) ?? '');
  const display = provenance && reference.display !== undefined ? reference.display : NOT_INCLUDED;
  return { ...without('reference', 'identifier', 'extension', 'display'), display };
}

type Json = Record<string, unknown>;

/** A deep copy of `value` with every Reference rewritten (contained `#id` references kept). */
export function rewriteReferences<T>(value: T, context: RewriteContext): T {
  if (Array.isArray(value)) return value.map((item: unknown) => rewriteReferences(item, context)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Json;
  const copy: Json = {};
  for (const [key, child] of Object.entries(object)) copy[key] = rewriteReferences(child, context);
  return (typeof object.reference === 'string' ? rewriteReference(copy as Reference, context) : copy) as T;
}
