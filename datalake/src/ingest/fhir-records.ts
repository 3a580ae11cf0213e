/**
 * Turns a validated FHIR upload into the records to store: a resource is one record; a Bundle is
 * one record per entry, so that each clinical fact is released under its own categories and
 * labels (a Bundle stored whole would release a sensitive entry with a harmless one).
 */
import type { Bundle, BundleEntry, Coding, Resource } from '@medplum/fhirtypes';
import type { Category, Label } from '@custodia/chaincode';
import { sha256Hex } from '../crypto/digest-stream';
import { DatalakeError } from '../errors';
import { categoriesOf } from './categories';
import { contentKey } from './content-key';
import { decideLabels, withLabels } from '../labelling';
import { effectiveDate } from './effective-date';
import { checkSubjectBinding } from './subject-binding';
import { ContextSelector } from './context-resources';
import type { PlannedContext } from './context-resources';

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
  /** Entries kept as the records' context (context-resources.ts); not records, not skipped. */
  readonly context: readonly PlannedContext[];
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
    return { records: [record], skipped: [], context: [] };
  }
  const records: PlannedRecord[] = [];
  const skipped: SkippedEntry[] = [];
  const context: PlannedContext[] = [];
  const entries = (resource as Bundle).entry ?? [];
  const planner = new BundlePlanner(sourceId, now, resource.meta?.security ?? []);
  const selector = new ContextSelector(resource.meta?.security ?? []);
  for (const entry of entries) selector.observe(entry);
  entries.forEach((entry, index) => {
    const planned = planner.plan(entry, index);
    if (planned === undefined) return;
    if (!('reason' in planned)) records.push(planned);
    else {
      const kept = selector.keep(entry);
      if (kept === undefined) skipped.push(planned);
      else context.push(kept);
    }
  });
  if (records.length === 0) {
    throw new DatalakeError('INVALID_INPUT', 'bundle has no entry with an IPS category');
  }
  return { records, skipped, context };
}

/**
 * Plans a Bundle entry by entry (a streamed Bundle is planned this way too): each entry's source id is the
 * upload's plus the entry's type and id (or position), and two entries with the same one are refused.
 */
export class BundlePlanner {
  private readonly seen = new Set<string>();

  constructor(
    private readonly sourceId: string,
    private readonly now: Date,
    /** The Bundle's own labels: they apply to everything in it. */
    private readonly inherited: readonly Coding[],
  ) {}

  /** The entry's record, or why it is skipped; undefined for an entry without a resource. */
  plan(entry: BundleEntry, index: number): PlannedRecord | SkippedEntry | undefined {
    const inner = entry.resource;
    if (inner === undefined) return undefined;
    const entrySource =
      inner.id === undefined
        ? `${this.sourceId}#${index}`
        : `${this.sourceId}/${inner.resourceType}/${inner.id}`;
    if (this.seen.has(entrySource)) {
      throw new DatalakeError('INVALID_INPUT', 'bundle has two entries with the same resource id', { index });
    }
    this.seen.add(entrySource);
    return (
      planRecord(inner, entrySource, this.now, this.inherited) ?? {
        index,
        resourceType: inner.resourceType,
        reason: 'no-category',
      }
    );
  }
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
