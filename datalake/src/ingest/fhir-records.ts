/**
 * Turns a validated FHIR upload into the records to store: a resource is one record; a Bundle is
 * one record per entry, so that each clinical fact is released under its own categories and
 * labels (a Bundle stored whole would release a sensitive entry with a harmless one).
 */
import type { Bundle, Coding, Resource } from '@medplum/fhirtypes';
import type { Category, Label } from '@custodia/chaincode';
import { sha256Hex } from '../crypto/digest-stream';
import { DatalakeError } from '../errors';
import { categoriesOf } from './categories';
import { contentKey } from './content-key';
import { decideLabels, withLabels } from '../labelling';
import { effectiveDate } from './effective-date';
import { checkSubjectBinding } from './subject-binding';

export interface PlannedRecord {
  /** The source system's id of this record, unique within the organisation. */
  readonly sourceId: string;
  readonly resourceType: string;
  /** The resource as stored (UTF-8 JSON). */
  readonly content: Buffer;
  readonly contentHash: string;
  /** Identity of the content for deduplication (see content-key.ts). */
  readonly contentKey: string;
  readonly categories: readonly Category[];
  /** The labels decided at ingest (source ∪ derived ∪ V when a label was not understood). */
  readonly labels: readonly Label[];
  /** Security codings the lake did not understand (reported to the uploader; the record carries V). */
  readonly unrecognisedLabels: readonly string[];
  readonly effectiveDate: string;
}

export interface SkippedEntry {
  readonly index: number;
  readonly resourceType: string;
  readonly reason: 'no-category';
}

export interface FhirUploadPlan {
  readonly records: readonly PlannedRecord[];
  readonly skipped: readonly SkippedEntry[];
}

/** Plans the records of an upload for `patientId`; WRONG_PATIENT when anything in it is about someone else. */
export function planFhirRecords(
  resource: Resource,
  sourceId: string,
  now: Date,
  patientId: string,
): FhirUploadPlan {
  checkSubjectBinding(resource, patientId);
  if (resource.resourceType !== 'Bundle') {
    const record = planRecord(resource, sourceId, now, []);
    if (record === undefined) {
      throw new DatalakeError('INVALID_INPUT', 'resource type has no IPS category; tag it in meta.tag', {
        resourceType: resource.resourceType,
      });
    }
    return { records: [record], skipped: [] };
  }
  const records: PlannedRecord[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  // A Bundle's own labels apply to everything in it.
  const inherited = resource.meta?.security ?? [];
  ((resource as Bundle).entry ?? []).forEach((entry, index) => {
    const inner = entry.resource;
    if (inner === undefined) return;
    const entrySource =
      inner.id === undefined ? `${sourceId}#${index}` : `${sourceId}/${inner.resourceType}/${inner.id}`;
    if (seen.has(entrySource)) {
      throw new DatalakeError('INVALID_INPUT', 'bundle has two entries with the same resource id', { index });
    }
    seen.add(entrySource);
    const record = planRecord(inner, entrySource, now, inherited);
    if (record === undefined)
      skipped.push({ index, resourceType: inner.resourceType, reason: 'no-category' });
    else records.push(record);
  });
  if (records.length === 0) {
    throw new DatalakeError('INVALID_INPUT', 'bundle has no entry with an IPS category');
  }
  return { records, skipped };
}

function planRecord(
  resource: Resource,
  sourceId: string,
  now: Date,
  inherited: readonly Coding[],
): PlannedRecord | undefined {
  const categories = categoriesOf(resource);
  if (categories.length === 0) return undefined;
  const decision = decideLabels(resource, { inherited });
  const labelled = withLabels(resource, decision.labels);
  const content = Buffer.from(JSON.stringify(labelled), 'utf8');
  return {
    sourceId,
    resourceType: resource.resourceType,
    content,
    contentHash: sha256Hex(content),
    contentKey: contentKey(labelled),
    categories,
    labels: decision.labels,
    unrecognisedLabels: decision.unrecognised,
    effectiveDate: effectiveDate(resource, now),
  };
}
