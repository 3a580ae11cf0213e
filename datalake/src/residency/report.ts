/**
 * The residency check (auditors): for every storage location, the countries of the data it holds. It reads what is
 * there rather than trusting configuration — every record document, job document, pending marker, temporary-record
 * metadata, manifest and index entry is opened (each is sealed and bound to its location: a document moved here from
 * another location does not open and is counted as unattributed), and every raw object must be named by one of them.
 * A location is `ok` when everything it holds is of its own country and nothing is unattributed. Temporary records
 * are listed apart with the countries their records came from (a patient with records in two countries has one
 * record assembled in their home country: README, *Residency*). Cost: one read per document — an audit, not a
 * request path.
 */
import { isDatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { ConsumerZone } from '../zones/consumer';
import type { PendingUploads } from '../zones/pending';
import type { RecordIndexes } from '../zones/record-index';
import type { StructuredZone } from '../zones/structured';
import type { JobDocuments } from '../zones/job-documents';

export interface HeldData {
  records: number;
  rawObjects: number;
  jobs: number;
  indexEntries: number;
}

export interface LocationResidency {
  /** The location's own country. */
  readonly country: string;
  readonly endpoint: string;
  /** The countries of the data it holds (records, their objects, upload jobs, index entries). */
  readonly countries: readonly string[];
  readonly holds: Readonly<Record<string, HeldData>>;
  /** Temporary records kept here, by the countries their records came from. */
  readonly temporaryRecords: Readonly<Record<string, number>>;
  readonly manifests: number;
  /** Documents that failed authentication here, and raw objects no document of this location names. */
  readonly unattributed: { readonly documents: number; readonly rawObjects: number };
  readonly ok: boolean;
}

export interface ResidencyReport {
  readonly checkedAt: string;
  readonly locations: readonly LocationResidency[];
  readonly ok: boolean;
}

export interface ResidencyDeps {
  readonly locations: StorageLocations;
  readonly structured: StructuredZone;
  readonly jobs: JobDocuments;
  readonly pending: PendingUploads;
  readonly consumer: ConsumerZone;
  readonly index: RecordIndexes;
  readonly now: () => Date;
}

export async function residencyReport(deps: ResidencyDeps): Promise<ResidencyReport> {
  const locations = await Promise.all(deps.locations.all().map((location) => checkLocation(deps, location)));
  return {
    checkedAt: deps.now().toISOString(),
    locations,
    ok: locations.every((each) => each.ok),
  };
}

async function checkLocation(deps: ResidencyDeps, location: StorageLocation): Promise<LocationResidency> {
  const holds: Record<string, HeldData> = {};
  const held = (country: string): HeldData =>
    (holds[country] ??= { records: 0, rawObjects: 0, jobs: 0, indexEntries: 0 });
  const unattributed = { documents: 0, rawObjects: 0 };
  /** Raw object key → the country of the document naming it. */
  const named = new Map<string, string>();

  for await (const scanned of deps.structured.scan(location)) {
    if (!scanned.ok) {
      unattributed.documents += 1;
      continue;
    }
    const { doc } = scanned;
    held(doc.country).records += 1;
    for (const ref of [doc.resource, doc.binary])
      if (ref !== undefined) named.set(`patients/${doc.patientId}/objects/${ref.objectId}`, doc.country);
  }
  for await (const doc of deps.jobs.scan(() => (unattributed.documents += 1))) {
    if (deps.locations.forCountry(doc.country) !== location) continue;
    held(doc.country).jobs += 1;
    named.set(`patients/${doc.patientId}/jobs/${doc.jobId}`, doc.country);
  }
  for await (const scanned of deps.pending.scan()) {
    if (scanned.location !== location) continue;
    if (!scanned.ok) {
      unattributed.documents += 1;
      continue;
    }
    for (const objectId of scanned.marker.objectIds)
      named.set(`patients/${scanned.marker.patientId}/objects/${objectId}`, scanned.marker.country);
  }
  for await (const item of location.store.list(location.bucket('raw'), 'patients/')) {
    const country = named.get(item.key);
    if (country === undefined) unattributed.rawObjects += 1;
    else held(country).rawObjects += 1;
  }
  const indexed = await deps.index.of(location.country).countries();
  for (const [country, count] of Object.entries(indexed.byCountry)) held(country).indexEntries += count;
  unattributed.documents += indexed.unreadable;

  const temporaryRecords: Record<string, number> = {};
  for await (const item of location.store.list(location.bucket('consumer'), 'grants/')) {
    const match = /^grants\/([^/]+)\/meta\.json$/.exec(item.key);
    if (match === null) continue;
    try {
      const meta = await deps.consumer.meta(location, match[1] as string);
      for (const country of meta?.sources ?? [])
        temporaryRecords[country] = (temporaryRecords[country] ?? 0) + 1;
    } catch (error) {
      if (!isDatalakeError(error, 'INTEGRITY_FAILED')) throw error;
      unattributed.documents += 1;
    }
  }
  let manifests = 0;
  for await (const item of location.store.list(location.bucket('structured'), 'manifests/')) {
    if (item.key.endsWith('.json')) manifests += 1;
  }
  const countries = Object.keys(holds).sort();
  return {
    country: location.country,
    endpoint: location.endpoint.url,
    countries,
    holds,
    temporaryRecords,
    manifests,
    unattributed,
    ok:
      countries.every((country) => country === location.country) &&
      unattributed.documents === 0 &&
      unattributed.rawObjects === 0,
  };
}
