/**
 * A realistic upload (datalake/test/fixtures/ips-structure-corpus.json: a Synthea-style transaction Bundle of 109
 * resources — US Core profiles, extensions, urn:uuid and conditional references, base64 attachments) planned as
 * the lake plans an upload, then assembled: the IPS Bundle passes every independent validator with no error and no
 * unresolved reference, and each record survives apart from its id, its narrative and its references.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { CATEGORIES } from '@custodia/chaincode';
import { conformanceErrors } from '../../test/fhir-conformance/validate';
import { planFhirRecords } from '../ingest/fhir-records';
import { validateFhir } from '../ingest/fhir-validation';
import { buildPatientSummary } from './ips-bundle';
import type { ContextResource, SummaryGrant, SummaryRecord } from './ips-bundle';

const ORGANISATION = 'HospitalDEMSP';
const PATIENT = 'pt-0c1d2e';
const UPLOAD = 'upload-1';
const corpus = JSON.parse(
  readFileSync(join(__dirname, '../../test/fixtures/ips-structure-corpus.json'), 'utf8'),
) as Bundle;
const entries = corpus.entry ?? [];
const fullUrlOf = new Map(
  entries.map((entry) => [`${UPLOAD}/${entry.resource?.resourceType}/${entry.resource?.id}`, entry.fullUrl]),
);

// The corpus names its patient by its own Patient entry, which subject binding accepts for any upload patient.
const plan = planFhirRecords(
  validateFhir(corpus),
  UPLOAD,
  new Date('2026-10-01T00:00:00Z'),
  'patient-corpus',
);
const records: SummaryRecord[] = plan.records.map((planned, index) => {
  const sourceUrl = fullUrlOf.get(planned.sourceId);
  return {
    document: {
      schema: 2,
      version: 2,
      recordId: `rec-${String(index).padStart(3, '0')}`,
      patientId: PATIENT,
      organisation: ORGANISATION,
      country: 'DE',
      kind: 'fhir',
      resourceType: planned.resourceType,
      categories: planned.categories,
      labels: planned.labels,
      effectiveDate: planned.effectiveDate,
      contentHash: planned.contentHash,
      resource: {
        objectId: `obj-${index}-0000`,
        contentType: 'application/fhir+json',
        size: 1,
        sha256: planned.contentHash,
      },
      state: 'published',
      createdAt: '2026-10-01T00:00:00.000Z',
    },
    resource: JSON.parse(planned.content.toString('utf8')) as Resource,
    ...(sourceUrl === undefined ? {} : { sourceUrl }),
  };
});
// What the lake keeps of the upload beside its records: the practitioners, organisations, encounters… they reference.
const context: ContextResource[] = plan.context.map((kept) => ({
  organisation: ORGANISATION,
  resource: JSON.parse(kept.content.toString('utf8')) as Resource,
  labels: kept.labels,
  ...(kept.sourceUrl === undefined ? {} : { sourceUrl: kept.sourceUrl }),
}));

const everything: SummaryGrant = {
  grantId: 'g-corpus',
  patientId: PATIENT,
  requested: [...CATEGORIES],
  granted: CATEGORIES.map((category) => ({ category, labels: [] })),
  denied: [],
};
const identification = {
  given: ['Anna'],
  family: 'Keller',
  birthDate: '1981-03-14',
  gender: 'female',
} as const;
const summary = (grant: SummaryGrant) =>
  buildPatientSummary({
    grant,
    records,
    context,
    patient: identification,
    assembledAt: new Date('2026-10-02T08:00:00Z'),
    publicBaseUrl: 'https://custodia.example.org',
  });

type Json = Record<string, unknown>;

/** What must survive assembly: everything but ids, narrative and the targets of references. */
function normalised(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalised);
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Json;
  if (
    typeof object.reference === 'string' ||
    (typeof object.display === 'string' &&
      Object.keys(object).every((key) => ['display', 'type'].includes(key)))
  )
    return 'Reference';
  // meta.source is added (the source organisation); a meta holding only it was not in the source.
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key]) => key !== 'id' && key !== 'text' && key !== 'source')
      .map(([key, child]) => [key, normalised(child)])
      .filter(([key, child]) => !(key === 'meta' && Object.keys(child as Json).length === 0)),
  );
}

describe('a realistic upload assembled into the temporary record', () => {
  it('is the realistic input it claims to be', () => {
    expect(entries.length).toBeGreaterThanOrEqual(100);
    expect(JSON.stringify(corpus)).toContain('us-core-race');
    expect(plan.records.length).toBeGreaterThan(80);
  });

  it('passes every validator with no error and no unresolved reference when everything is released', () => {
    const bundle = summary(everything);
    expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
    const types = new Set((bundle.entry ?? []).map((entry) => entry.resource?.resourceType));
    for (const type of ['Practitioner', 'Organization', 'Location', 'Medication', 'Encounter', 'CareTeam'])
      expect(types).toContain(type);
    // Every released resource names the organisation it came from.
    for (const entry of (bundle.entry ?? []).slice(3))
      expect(entry.resource?.meta?.source).toBe(`urn:custodia:organisation:${ORGANISATION}`);
  });

  it('keeps every record intact apart from its id, narrative and references (profiles, extensions, attachments)', () => {
    const bundle = summary(everything);
    const byId = new Map((bundle.entry ?? []).map((entry) => [entry.resource?.id, entry.resource]));
    for (const record of records) {
      const assembled = [...byId.values()].find(
        (resource) =>
          resource?.meta?.profile?.join() === record.resource.meta?.profile?.join() &&
          JSON.stringify(normalised(resource)) === JSON.stringify(normalised(record.resource)),
      );
      expect(assembled).toBeDefined();
    }
  });

  it('reduces references to what a partial grant withholds, and still resolves everything it keeps', () => {
    const bundle = summary({
      ...everything,
      requested: ['allergies', 'medications', 'problems'],
      granted: [
        { category: 'allergies', labels: [] },
        { category: 'medications', labels: [] },
      ],
      denied: ['problems'],
    });
    expect(conformanceErrors(bundle, ['ips'])).toEqual([]);
    const text = JSON.stringify(bundle);
    expect(text).not.toContain('Hypertensive disorder');
    const requests = (bundle.entry ?? []).filter(
      (entry) => entry.resource?.resourceType === 'MedicationRequest',
    );
    expect(requests).toHaveLength(10);
    for (const entry of requests)
      expect((entry.resource as { reasonReference?: unknown }).reasonReference).toEqual([
        { display: 'Not included in this summary' },
      ]);
  });
});
