/**
 * Human-readable narrative for the temporary record, built only from a resource's own codes, texts, dates and
 * values. Every piece of text is escaped and put in a fixed set of FHIR-allowed elements (div, p, b, table…):
 * nothing from the source is ever emitted as markup, so a source narrative carrying scripts or event handlers
 * cannot reach a clinician's viewer. A source narrative that says more than the data (status `additional` or
 * `extensions`) is kept as its text only.
 */
import type { CodeableConcept, Coding, Narrative, Quantity } from '@medplum/fhirtypes';

const XHTML = 'http://www.w3.org/1999/xhtml';

/** Characters XML 1.0 cannot carry, which would make the narrative unreadable. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeText(text: string): string {
  return text.replace(NOT_XML, '').replace(/[&<>"']/g, (char) => ESCAPES[char] ?? '');
}

/** Markup built here from escaped text only. */
export interface Markup {
  readonly html: string;
}

export const text = (value: string): Markup => ({ html: escapeText(value) });
const element = (name: string, ...children: readonly Markup[]): Markup => ({
  html: `<${name}>${children.map((child) => child.html).join('')}</${name}>`,
});
export const paragraph = (...children: readonly Markup[]): Markup => element('p', ...children);
export const bold = (value: string): Markup => element('b', text(value));

export function table(head: readonly string[], rows: readonly (readonly string[])[]): Markup {
  const header = element('thead', element('tr', ...head.map((cell) => element('th', text(cell)))));
  const body = element(
    'tbody',
    ...rows.map((row) => element('tr', ...row.map((cell) => element('td', text(cell))))),
  );
  return element('table', header, body);
}

export function narrative(...children: readonly Markup[]): Narrative {
  return {
    status: 'generated',
    div: `<div xmlns="${XHTML}">${children.map((child) => child.html).join('')}</div>`,
  };
}

/** The text a person reads for a concept: its text, else a coding's display, else its code. */
export function conceptText(concept: CodeableConcept | undefined): string | undefined {
  if (concept === undefined) return undefined;
  if (concept.text !== undefined && concept.text.trim() !== '') return concept.text;
  const coding = concept.coding?.find((each) => each.display !== undefined) ?? concept.coding?.[0];
  return coding === undefined ? undefined : codingText(coding);
}

function codingText(coding: Coding): string | undefined {
  return coding.display ?? coding.code;
}

function quantityText(quantity: Quantity): string {
  return [quantity.comparator, quantity.value, quantity.unit ?? quantity.code]
    .filter((part) => part !== undefined)
    .join(' ');
}

type Fields = Record<string, unknown>;

const asConcept = (value: unknown): CodeableConcept | undefined =>
  typeof value === 'object' && value !== null ? (value as CodeableConcept) : undefined;

/** What the entry is: its main code, in the element each resource type uses. */
const TITLE_FIELDS = [
  'code',
  'vaccineCode',
  'medicationCodeableConcept',
  'type',
  'category',
  'title',
  'description',
  'deviceName',
] as const;

export function titleOf(resource: Fields): string {
  for (const field of TITLE_FIELDS) {
    const value = resource[field];
    if (typeof value === 'string' && value.trim() !== '') return value;
    const concept = Array.isArray(value) ? asConcept(value[0]) : asConcept(value);
    const found = conceptText(concept);
    if (found !== undefined && found.trim() !== '') return found;
  }
  const medication = resource.medicationReference as { display?: string } | undefined;
  return medication?.display ?? String(resource.resourceType);
}

const DATE_FIELDS = [
  'effectiveDateTime',
  'effectivePeriod',
  'occurrenceDateTime',
  'performedDateTime',
  'performedPeriod',
  'onsetDateTime',
  'authoredOn',
  'recordedDate',
  'issued',
  'date',
  'period',
  'started',
  'timingDateTime',
] as const;

export function dateOf(resource: Fields): string | undefined {
  for (const field of DATE_FIELDS) {
    const value = resource[field];
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      const { start, end } = value as { start?: string; end?: string };
      if (start !== undefined || end !== undefined) return `${start ?? '…'} – ${end ?? '…'}`;
    }
  }
  return undefined;
}

/** Status and value, as short "label: value" details. */
export function detailsOf(resource: Fields): string[] {
  const details: string[] = [];
  const status =
    conceptText(asConcept(resource.clinicalStatus)) ??
    (typeof resource.status === 'string' ? resource.status : undefined);
  if (status !== undefined) details.push(`Status: ${status}`);
  const criticality = resource.criticality;
  if (typeof criticality === 'string') details.push(`Criticality: ${criticality}`);
  const quantity = resource.valueQuantity as Quantity | undefined;
  if (quantity !== undefined) details.push(`Value: ${quantityText(quantity)}`);
  const concept = conceptText(asConcept(resource.valueCodeableConcept));
  if (concept !== undefined) details.push(`Value: ${concept}`);
  for (const field of ['valueString', 'conclusion'] as const) {
    const value = resource[field];
    if (typeof value === 'string') details.push(value);
  }
  const components = (resource.component as Fields[] | undefined) ?? [];
  for (const component of components) {
    const name = conceptText(asConcept(component.code));
    const value = component.valueQuantity as Quantity | undefined;
    if (name !== undefined && value !== undefined) details.push(`${name}: ${quantityText(value)}`);
  }
  const dosage =
    (resource.dosage as { text?: string }[] | undefined)?.[0]?.text ??
    (resource.dosageInstruction as { text?: string }[] | undefined)?.[0]?.text;
  if (dosage !== undefined) details.push(`Dosage: ${dosage}`);
  return details;
}

/** The text content of a source narrative: tags dropped, entities decoded; the caller escapes it again. */
export function sourceNarrativeText(source: Narrative | undefined): string | undefined {
  if (source === undefined || (source.status !== 'additional' && source.status !== 'extensions'))
    return undefined;
  const content = source.div
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|lt|gt|amp|quot|apos|nbsp);/gi, (_match, entity: string) =>
      decodeEntity(entity),
    )
    .replace(/\s+/g, ' ')
    .trim();
  return content === '' ? undefined : content;
}

function decodeEntity(entity: string): string {
  const named: Readonly<Record<string, string>> = {
    lt: '<',
    gt: '>',
    amp: '&',
    quot: '"',
    apos: "'",
    nbsp: ' ',
  };
  const lower = entity.toLowerCase();
  if (named[lower] !== undefined) return named[lower];
  const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
  return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}

/** An entry's own narrative: what it is, when, its status and value, and any source text that adds to the data. */
export function entryNarrative(resource: Fields): Narrative {
  const date = dateOf(resource);
  const details = detailsOf(resource);
  const extra = sourceNarrativeText(resource.text as Narrative | undefined);
  return narrative(
    paragraph(
      bold(titleOf(resource)),
      text(` (${String(resource.resourceType)}${date === undefined ? '' : `, ${date}`})`),
    ),
    ...(details.length === 0 ? [] : [paragraph(text(details.join('; ')))]),
    ...(extra === undefined ? [] : [paragraph(text(`Source narrative: ${extra}`))]),
  );
}
