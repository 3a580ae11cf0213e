/**
 * Reads the temporary record (an IPS-shaped FHIR document Bundle) into sections of readable lines.
 * Only what a clinician needs to read is extracted; unknown resources still show their type and code.
 */
import type { FhirBundle, FhirResource } from '../api/types';

export interface ReadableEntry {
  readonly resourceType: string;
  readonly id?: string;
  readonly title: string;
  readonly details: readonly string[];
  /** For documents and images: the attachment's title and type, fetched on demand. */
  readonly attachment?: {
    readonly title: string;
    readonly contentType?: string;
    readonly size?: number;
    /** The short-lived link the data lake signed for this grant. */
    readonly url?: string;
  };
}

export interface ReadableSection {
  readonly title: string;
  readonly entries: readonly ReadableEntry[];
  /** Why a section is empty: "Information Withheld", "Not Asked", "Unavailable". */
  readonly emptyReason?: string;
}

type Json = Readonly<Record<string, unknown>>;

function obj(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}

/** The text of a CodeableConcept: its text, else its first coding's display or code. */
export function conceptText(value: unknown): string | undefined {
  const concept = obj(value);
  if (!concept) return undefined;
  if (str(concept.text)) return str(concept.text);
  for (const coding of arr(concept.coding)) {
    const c = obj(coding);
    const text = str(c?.display) ?? str(c?.code);
    if (text) return text;
  }
  return undefined;
}

function quantityText(value: unknown): string | undefined {
  const q = obj(value);
  if (!q || typeof q.value !== 'number') return undefined;
  return `${q.value}${(str(q.unit) ?? str(q.code)) ? ` ${str(q.unit) ?? str(q.code)}` : ''}`;
}

function firstDate(resource: Json): string | undefined {
  for (const field of [
    'effectiveDateTime',
    'onsetDateTime',
    'occurrenceDateTime',
    'performedDateTime',
    'recordedDate',
    'authoredOn',
    'issued',
    'date',
  ]) {
    const value = str(resource[field]);
    if (value) return value.slice(0, 10);
  }
  const period = obj(resource.effectivePeriod) ?? obj(resource.performedPeriod);
  return str(period?.start)?.slice(0, 10);
}

const TITLE_FIELDS = ['code', 'medicationCodeableConcept', 'vaccineCode', 'type', 'category'] as const;

export function readableEntry(resource: FhirResource): ReadableEntry {
  const r = resource as Json;
  let title: string | undefined;
  for (const field of TITLE_FIELDS) {
    title = conceptText(Array.isArray(r[field]) ? arr(r[field])[0] : r[field]);
    if (title) break;
  }
  title ??= str(r.description) ?? str(r.title) ?? resource.resourceType;
  const details: string[] = [];
  const value =
    quantityText(r.valueQuantity) ?? str(r.valueString) ?? conceptText(r.valueCodeableConcept) ?? undefined;
  if (value) details.push(value);
  for (const c of arr(r.component)) {
    const component = obj(c);
    const name = conceptText(component?.code);
    const v = quantityText(component?.valueQuantity) ?? str(component?.valueString);
    if (name && v) details.push(`${name}: ${v}`);
  }
  const criticality = str(r.criticality);
  if (criticality) details.push(`criticality ${criticality}`);
  for (const reaction of arr(r.reaction)) {
    for (const m of arr(obj(reaction)?.manifestation)) {
      const text = conceptText(m);
      if (text) details.push(`reaction: ${text}`);
    }
  }
  const dosage = str(obj(arr(r.dosage)[0])?.text);
  if (dosage) details.push(dosage);
  const status = conceptText(r.clinicalStatus) ?? str(r.status);
  if (status) details.push(status);
  const date = firstDate(r);
  if (date) details.push(date);
  const attachment = obj(obj(arr(r.content)[0])?.attachment);
  return {
    resourceType: resource.resourceType,
    id: resource.id,
    title,
    details,
    ...(attachment
      ? {
          attachment: {
            title: str(attachment.title) ?? title,
            contentType: str(attachment.contentType),
            size: typeof attachment.size === 'number' ? attachment.size : undefined,
            url: str(attachment.url),
          },
        }
      : {}),
  };
}

/** Sections in the Composition's order; resources no section names are listed under "Other". */
export function readableSections(bundle: FhirBundle): ReadableSection[] {
  const byUrl = new Map<string, FhirResource>();
  for (const entry of bundle.entry ?? []) {
    if (entry.fullUrl && entry.resource) byUrl.set(entry.fullUrl, entry.resource);
  }
  const composition = (bundle.entry ?? []).find((e) => e.resource?.resourceType === 'Composition')?.resource;
  const used = new Set<string>();
  const sections: ReadableSection[] = [];
  for (const s of arr(composition ? (composition as Json).section : undefined)) {
    const section = obj(s);
    if (!section) continue;
    const entries: ReadableEntry[] = [];
    for (const ref of arr(section.entry)) {
      const url = str(obj(ref)?.reference);
      const resource = url ? byUrl.get(url) : undefined;
      if (url && resource) {
        used.add(url);
        entries.push(readableEntry(resource));
      }
    }
    const emptyReason = conceptText(section.emptyReason);
    sections.push({
      title: str(section.title) ?? conceptText(section.code) ?? 'Section',
      entries,
      ...(entries.length === 0 && emptyReason ? { emptyReason } : {}),
    });
  }
  const skipped = new Set(['Composition', 'Patient', 'Device']);
  const others = (bundle.entry ?? [])
    .filter((e) => e.resource && !skipped.has(e.resource.resourceType) && !(e.fullUrl && used.has(e.fullUrl)))
    .map((e) => readableEntry(e.resource as FhirResource));
  if (others.length > 0) sections.push({ title: 'Other', entries: others });
  return sections;
}
