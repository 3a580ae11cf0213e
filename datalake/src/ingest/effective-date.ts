/** The clinically relevant date of a resource, in the ledger's `YYYY-MM-DD` / instant form. */
import type { Resource } from '@medplum/fhirtypes';

/** Candidate elements, most specific first; FHIR dateTime, date, instant or a Period's start. */
const FIELDS = [
  'effectiveDateTime',
  'effectivePeriod',
  'effectiveInstant',
  'occurrenceDateTime',
  'performedDateTime',
  'performedPeriod',
  'onsetDateTime',
  'recordedDate',
  'dateAsserted',
  'authoredOn',
  'issued',
  'started',
  'date',
  'created',
  'period',
] as const;

export function effectiveDate(resource: Resource, fallback: Date): string {
  const fields = resource as unknown as Record<string, unknown>;
  for (const field of FIELDS) {
    const value = fields[field];
    const text = typeof value === 'string' ? value : startOf(value);
    const normalised = text === undefined ? undefined : normalise(text);
    if (normalised !== undefined) return normalised;
  }
  return fallback.toISOString().slice(0, 10);
}

function startOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const start = (value as { start?: unknown }).start;
  return typeof start === 'string' ? start : undefined;
}

/** FHIR allows partial dates; the ledger wants a full date or an instant with a zone. */
export function normalise(value: string): string | undefined {
  if (/^\d{4}$/.test(value)) return `${value}-01-01`;
  if (/^\d{4}-\d{2}$/.test(value)) return `${value}-01`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  return undefined;
}
