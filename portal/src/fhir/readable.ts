/**
 * Reads the temporary record (an IPS-shaped FHIR document Bundle) into sections of readable entries. Only what a
 * clinician needs to read is extracted, as facts the view puts into words; unknown resources still show their
 * type and code. Clinical text (codes' displays, notes) is shown as the source wrote it.
 */
import { LABELS } from '@custodia/chaincode/model';
import type { Category, Label } from '@custodia/chaincode/model';
import type { FhirBundle, FhirResource } from '../api/types';
import { LOINC, SECTION_CATEGORY } from './ips-sections';

/** One fact about an entry; `text` is the source's own words. */
export type Detail =
  | { readonly kind: 'value'; readonly text: string }
  | { readonly kind: 'component'; readonly name: string; readonly text: string }
  | { readonly kind: 'criticality'; readonly code: string }
  | { readonly kind: 'reaction'; readonly text: string }
  | { readonly kind: 'dosage'; readonly text: string }
  | { readonly kind: 'status'; readonly code: string; readonly text: string };

export interface ReadableEntry {
  readonly resourceType: string;
  readonly id?: string;
  readonly title: string;
  readonly details: readonly Detail[];
  /** When it happened or was recorded: `YYYY-MM-DD` or an instant. */
  readonly date?: string;
  /** Where it came from (`meta.source`), when the record says. */
  readonly source?: string;
  /** Its sensitivity labels (`meta.security` codes Custodia knows), released only by a rule that names them. */
  readonly labels?: readonly Label[];
  /** For documents and images: the attachment's title and type, fetched on demand. */
  readonly attachment?: {
    readonly title: string;
    readonly contentType?: string;
    readonly size?: number;
    /** The short-lived link the data lake signed for this grant. */
    readonly url?: string;
  };
}

/** Why a section is empty (FHIR list-empty-reason codes). */
export type EmptyReason = 'withheld' | 'notasked' | 'unavailable' | 'other';

export interface ReadableSection {
  /** The Custodia category of an IPS section (by its LOINC code). */
  readonly category?: Category;
  /** The document's own title (used when the section has no known code). */
  readonly title: string;
  readonly entries: readonly ReadableEntry[];
  readonly emptyReason?: EmptyReason;
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

function firstCode(value: unknown): string | undefined {
  return str(obj(arr(obj(value)?.coding)[0])?.code);
}

function quantityText(value: unknown): string | undefined {
  const q = obj(value);
  if (!q || typeof q.value !== 'number') return undefined;
  const unit = str(q.unit) ?? str(q.code);
  return unit ? `${q.value} ${unit}` : String(q.value);
}

const DATE_FIELDS = [
  'effectiveDateTime',
  'onsetDateTime',
  'occurrenceDateTime',
  'performedDateTime',
  'recordedDate',
  'authoredOn',
  'issued',
  'date',
] as const;

function firstDate(resource: Json): string | undefined {
  for (const field of DATE_FIELDS) {
    const value = str(resource[field]);
    if (value) return value;
  }
  const period = obj(resource.effectivePeriod) ?? obj(resource.performedPeriod) ?? obj(resource.period);
  return str(period?.start);
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
  const details: Detail[] = [];
  const value = quantityText(r.valueQuantity) ?? str(r.valueString) ?? conceptText(r.valueCodeableConcept);
  if (value) details.push({ kind: 'value', text: value });
  for (const c of arr(r.component)) {
    const component = obj(c);
    const name = conceptText(component?.code);
    const text = quantityText(component?.valueQuantity) ?? str(component?.valueString);
    if (name && text) details.push({ kind: 'component', name, text });
  }
  const criticality = str(r.criticality);
  if (criticality) details.push({ kind: 'criticality', code: criticality });
  for (const reaction of arr(r.reaction)) {
    for (const m of arr(obj(reaction)?.manifestation)) {
      const text = conceptText(m);
      if (text) details.push({ kind: 'reaction', text });
    }
  }
  const dosage = str(obj(arr(r.dosage)[0])?.text);
  if (dosage) details.push({ kind: 'dosage', text: dosage });
  const statusText = conceptText(r.clinicalStatus) ?? str(r.status);
  const statusCode = firstCode(r.clinicalStatus) ?? str(r.status);
  if (statusText)
    details.push({ kind: 'status', code: (statusCode ?? statusText).toLowerCase(), text: statusText });
  const attachment = obj(obj(arr(r.content)[0])?.attachment);
  const date = firstDate(r);
  const source = str(obj(r.meta)?.source);
  const labels = arr(obj(r.meta)?.security)
    .map((coding) => str(obj(coding)?.code))
    .filter((code): code is Label => code !== undefined && (LABELS as readonly string[]).includes(code));
  return {
    resourceType: resource.resourceType,
    ...(resource.id ? { id: resource.id } : {}),
    title,
    details,
    ...(date ? { date } : {}),
    ...(source ? { source } : {}),
    ...(labels.length > 0 ? { labels: [...new Set(labels)] } : {}),
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

function sectionCategory(section: Json): Category | undefined {
  for (const coding of arr(obj(section.code)?.coding)) {
    const c = obj(coding);
    const code = str(c?.code);
    if (code && (c?.system === undefined || c.system === LOINC) && SECTION_CATEGORY[code])
      return SECTION_CATEGORY[code];
  }
  return undefined;
}

function emptyReasonOf(section: Json): EmptyReason | undefined {
  const code = firstCode(section.emptyReason);
  if (!code && !section.emptyReason) return undefined;
  return code === 'withheld' || code === 'notasked' || code === 'unavailable' ? code : 'other';
}

/** Sections in the Composition's order; resources no section names are listed last, in a section with no category. */
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
    const category = sectionCategory(section);
    const emptyReason = entries.length === 0 ? (emptyReasonOf(section) ?? 'unavailable') : undefined;
    sections.push({
      ...(category ? { category } : {}),
      title: str(section.title) ?? conceptText(section.code) ?? '',
      entries,
      ...(emptyReason ? { emptyReason } : {}),
    });
  }
  const skipped = new Set(['Composition', 'Patient', 'Device']);
  const others = (bundle.entry ?? [])
    .filter((e) => e.resource && !skipped.has(e.resource.resourceType) && !(e.fullUrl && used.has(e.fullUrl)))
    .map((e) => readableEntry(e.resource as FhirResource));
  if (others.length > 0) sections.push({ title: '', entries: others });
  return sections;
}
