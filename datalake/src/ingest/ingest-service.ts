/**
 * The upload flow: validate → hash → pending marker → seal into raw → metadata (pending) → ledger registration →
 * metadata (published) → index → marker removed. Readers see published records only, so a failure at any step
 * leaves nothing half-visible; the same upload retried maps to the same record id and completes it, and a lake that
 * stopped midway completes or removes it at start (recovery.ts) from the marker.
 */
import type { Readable } from 'node:stream';
import type { Resource } from '@medplum/fhirtypes';
import { canonical, LABELS } from '@custodia/chaincode';
import type { Category, Label, RecordMeta } from '@custodia/chaincode';
import { sha256Hex } from '../crypto/digest-stream';
import { ChaincodeCallError } from '@custodia/ledger';
import type { KeyedHash } from '../crypto/keyed-hash';
import { DatalakeError } from '../errors';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { layout } from '../zones/layout';
import type { PendingUpload, PendingUploads } from '../zones/pending';
import { inlineContent, nextVersion } from '../zones/record-document';
import type { RecordDocument, SealedObjectRef } from '../zones/record-document';
import type { RecordIndexes } from '../zones/record-index';
import { newObjectId } from '../zones/sealed-objects';
import type { SealedObjects } from '../zones/sealed-objects';
import type { StructuredZone } from '../zones/structured';
import { parseBoundedJson } from '../json/parse';
import { decideLabels } from '../labelling';
import { validateFhir } from './fhir-validation';
import { planFhirRecords } from './fhir-records';
import { checkSubjectBinding } from './subject-binding';
import type { PlannedRecord, SkippedEntry } from './fhir-records';
import type { PlannedContext } from './context-resources';
import type { ContextZone } from '../zones/context';
import { recordIdFor } from './record-id';

export interface UploadContext {
  /**
   * The centre the gateway authenticated; its certificate signs the registration. `country` is its organisation's
   * (from the registry of organisations, never the certificate): where the upload is stored.
   */
  readonly actor: LedgerActor & { readonly country: string };
  readonly patientId: string;
  /** The source system's id of the uploaded document, as the lake keeps it: a keyed hash (`sourceToken`). */
  readonly sourceToken: string;
}

/** What the lake keeps of a source id: its keyed hash, per organisation (computed once, at the edge). */
export function sourceToken(tokens: KeyedHash, organisation: string, sourceId: string): string {
  return tokens.hex('source-id', organisation, sourceId);
}

export interface IngestedRecord {
  readonly recordId: string;
  /**
   * `created` for a new record (a new version when `supersedes` is set), `existing` when this exact upload was
   * already stored, `duplicate` when the same content is already in the patient's record under another source
   * id (the record named is that one; nothing new was stored).
   */
  readonly outcome: 'created' | 'existing' | 'duplicate';
  /** The earlier version of the same source document this record replaced. */
  readonly supersedes?: string;
  readonly resourceType: string;
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
  /** Security labels of the source the lake did not understand: the record was labelled V for them. */
  readonly unrecognisedLabels?: readonly string[];
  readonly contentHash: string;
}

export interface IngestResult {
  readonly records: readonly IngestedRecord[];
  readonly skipped: readonly SkippedEntry[];
  /** Entries kept as the records' context (practitioners, organisations, encounters… they reference), when any. */
  readonly context?: number;
}

export interface IngestDeps {
  readonly locations: StorageLocations;
  readonly structured: StructuredZone;
  readonly index: RecordIndexes;
  readonly sealed: SealedObjects;
  readonly pending: PendingUploads;
  /** Where the resources the records reference are kept. */
  readonly context: ContextZone;
  readonly ledger: LedgerPort;
  /** Keyed hashes of source documents and contents (the index's deduplication keys). */
  readonly tokens: KeyedHash;
  readonly now: () => Date;
}

const JSON_TYPE = 'application/fhir+json';

export class IngestService {
  constructor(private readonly deps: IngestDeps) {}

  /** Stores a validated FHIR resource or Bundle (one record per categorised entry). */
  async ingestFhir(context: UploadContext, resource: Resource): Promise<IngestResult> {
    const plan = planFhirRecords(resource, context.sourceToken, this.deps.now(), context.patientId);
    // Context first: it is released only through a record that references it, so alone it shows nothing.
    for (const kept of plan.context) await this.storeContext(context, kept);
    const records: IngestedRecord[] = [];
    for (const planned of plan.records) records.push(await this.storeFhirRecord(context, planned));
    return {
      records,
      skipped: plan.skipped,
      ...(plan.context.length === 0 ? {} : { context: plan.context.length }),
    };
  }

  /** Keeps a resource the upload's records reference, in the upload's location, sealed for the patient. */
  storeContext(context: UploadContext, planned: PlannedContext): Promise<void> {
    return this.deps.context.put(context.actor.country, context.actor.mspId, context.patientId, planned);
  }

  /**
   * Stores one planned record (a streamed Bundle's job stores its entries this way). Callers running several
   * at once must not run two with the same content key or source document together.
   */
  storePlanned(context: UploadContext, planned: PlannedRecord): Promise<IngestedRecord> {
    return this.storeFhirRecord(context, planned);
  }

  /** Streams a binary into the raw zone and stores it with the DocumentReference describing it. */
  async ingestBinary(
    context: UploadContext,
    documentReference: Resource,
    body: Readable,
    contentType: string,
    maxBytes: number,
  ): Promise<IngestedRecord> {
    if (documentReference.resourceType !== 'DocumentReference') {
      throw new DatalakeError('INVALID_INPUT', 'a binary must be described by a DocumentReference');
    }
    const plan = planFhirRecords(documentReference, context.sourceToken, this.deps.now(), context.patientId);
    const described = plan.records[0] as PlannedRecord;
    const location = this.location(context);
    const binaryId = newObjectId();
    const resourceId = newObjectId();
    let pending = await this.begin(context, [binaryId, resourceId]);
    const binary = await this.abandonOnFailure(context, pending, () =>
      this.seal(sealTarget(context), location, body, contentType, maxBytes, binaryId),
    );
    // Idempotency is on the binary's content: the same file from the same source is the same record.
    const recordId = recordIdFor(context.actor.mspId, context.sourceToken, binary.sha256);
    const existing = await this.deps.structured.get(context.actor.country, context.patientId, recordId);
    if (existing !== undefined) {
      await this.discard(context, location, binaryId);
      await this.deps.pending.end(pending);
      return this.resume(context, existing, described);
    }
    pending = await this.deps.pending.attach(pending, recordId);
    const resource = await this.abandonOnFailure(context, pending, () =>
      this.seal(sealTarget(context), location, described.content, JSON_TYPE, undefined, resourceId),
    );
    const stored = await this.registerOrAbandon(context, pending, {
      recordId,
      kind: 'binary',
      planned: described,
      contentHash: binary.sha256,
      resource,
      binary,
    });
    await this.deps.pending.end(pending);
    return stored;
  }

  /**
   * Stores a clinician's contribution the patient approved, under the record its approval registered on-chain:
   * `content` must be exactly the bytes whose SHA-256 the registration holds. Its categories are the
   * registration's; its labels the registration's and any the labelling service finds in the content (never
   * fewer); every resource in it must be about the patient. Already
   * registered on-chain, it is published at once (a crash before that leaves only sealed bytes no document points
   * at); the same contribution handed over again finds the stored record.
   */
  async ingestContribution(registration: RecordMeta, content: Buffer): Promise<IngestedRecord> {
    if (sha256Hex(content) !== registration.contentHash)
      throw new DatalakeError('CONFLICT', 'the content is not the one its on-chain registration names');
    const resource = validateFhir(parseBoundedJson(content, 'body'));
    const { recordId, patientId, country, sourceMspId } = registration;
    checkSubjectBinding(resource, patientId);
    const existing = await this.deps.structured.get(country, patientId, recordId);
    if (existing !== undefined) return recorded(existing, 'existing');
    const location = this.deps.locations.forCountry(country);
    // Already registered on-chain: no pending marker; a crash before the document is written leaves only sealed
    // bytes no document points at, which recovery at start removes as orphans.
    const sealed = await this.seal(
      { patientId, owner: sourceMspId },
      location,
      content,
      JSON_TYPE,
      undefined,
      newObjectId(),
    );
    const document: RecordDocument = {
      schema: 2,
      version: 1,
      recordId,
      patientId,
      organisation: sourceMspId,
      country,
      kind: 'fhir',
      resourceType: resource.resourceType,
      categories: registration.categories,
      labels: canonical(LABELS, [...registration.labels, ...decideLabels(resource).labels]),
      effectiveDate: registration.effectiveDate,
      contentHash: registration.contentHash,
      resource: sealed,
      ...inlineContent(content),
      state: 'published',
      createdAt: this.deps.now().toISOString(),
      publishedAt: this.deps.now().toISOString(),
    };
    await this.deps.structured.put(document);
    await this.deps.index.upsert(document);
    return recorded(document, 'created');
  }

  /**
   * One FHIR record: the same source document with the same content is the record already stored (or being
   * stored: a retry completes it); the same content under another source id is a duplicate; a different
   * content of a known source document is its new version, registered as superseding the latest one.
   */
  private async storeFhirRecord(context: UploadContext, planned: PlannedRecord): Promise<IngestedRecord> {
    const index = this.deps.index.of(context.actor.country);
    const sourceKey = this.deps.tokens.hex('source-key', context.actor.mspId, planned.sourceId);
    const contentKey = this.deps.tokens.hex('content-key', planned.contentKey);
    const latest = await this.current(context, await index.latestOfSource(context.patientId, sourceKey));
    if (latest !== undefined && latest.contentHash === planned.contentHash)
      return this.resume(context, latest, planned);
    const recordId = recordIdFor(
      context.actor.mspId,
      planned.sourceId,
      planned.contentHash,
      latest?.recordId,
    );
    const existing = await this.deps.structured.get(context.actor.country, context.patientId, recordId);
    if (existing !== undefined) return this.resume(context, existing, planned);
    const duplicate = await this.current(
      context,
      await index.byContent(context.patientId, context.actor.mspId, contentKey),
    );
    if (duplicate !== undefined) return summary(duplicate, 'duplicate', planned);
    const objectId = newObjectId();
    const pending = await this.deps.pending.attach(await this.begin(context, [objectId]), recordId);
    const resource = await this.abandonOnFailure(context, pending, () =>
      this.seal(sealTarget(context), this.location(context), planned.content, JSON_TYPE, undefined, objectId),
    );
    const stored = await this.registerOrAbandon(context, pending, {
      recordId,
      kind: 'fhir',
      planned,
      contentHash: planned.contentHash,
      resource,
      dedup: {
        contentKey,
        sourceKey,
        ...(latest === undefined ? {} : { supersedes: latest.recordId }),
      },
    });
    await this.deps.pending.end(pending);
    return stored;
  }

  /** The indexed record if it is current (published and not replaced by a newer version). */
  private async current(
    context: UploadContext,
    recordId: string | undefined,
  ): Promise<RecordDocument | undefined> {
    if (recordId === undefined) return undefined;
    const doc = await this.deps.index.of(context.actor.country).get(context.patientId, recordId);
    return doc?.state === 'published' && doc.supersededBy === undefined ? doc : undefined;
  }

  /** A retried upload: a published record is returned as is; a pending one is registered and published now. */
  private async resume(
    context: UploadContext,
    existing: RecordDocument,
    planned: PlannedRecord,
  ): Promise<IngestedRecord> {
    if (
      existing.categories.join() !== planned.categories.join() ||
      existing.labels.join() !== planned.labels.join()
    ) {
      throw new DatalakeError('CONFLICT', 'this source document is already stored with different tags');
    }
    if (existing.state === 'published') {
      // A crash after the registration may have left the earlier version unmarked.
      await this.retirePrevious(existing);
      return summary(existing, 'existing', planned);
    }
    return summary(await this.publish(context, existing), 'created', planned);
  }

  /**
   * `register` for a new upload; when the ledger refuses the registration (the chaincode's refusal: nothing was
   * committed, e.g. a certificate whose country is not its organisation's), the upload's pending document, objects
   * and marker go at once, so a refused upload leaves nothing behind. Any other failure (the ledger unreachable, an
   * outcome unknown) keeps them for a retry or for recovery at start, which asks the ledger.
   */
  private async registerOrAbandon(
    context: UploadContext,
    pending: PendingUpload,
    input: Parameters<IngestService['register']>[1],
  ): Promise<IngestedRecord> {
    try {
      return await this.register(context, input);
    } catch (error) {
      if (ledgerRefusal(error)) {
        const location = this.location(context);
        await this.deps.structured.remove(context.actor.country, context.patientId, input.recordId);
        for (const objectId of pending.objectIds) await this.discard(context, location, objectId);
        await this.deps.pending.end(pending);
      }
      throw error;
    }
  }

  private async register(
    context: UploadContext,
    input: {
      recordId: string;
      kind: RecordDocument['kind'];
      planned: PlannedRecord;
      contentHash: string;
      resource: SealedObjectRef;
      binary?: SealedObjectRef;
      dedup?: Pick<RecordDocument, 'contentKey' | 'sourceKey' | 'supersedes'>;
    },
  ): Promise<IngestedRecord> {
    const pending: RecordDocument = {
      schema: 2,
      version: 1,
      recordId: input.recordId,
      patientId: context.patientId,
      organisation: context.actor.mspId,
      country: context.actor.country,
      kind: input.kind,
      resourceType: input.planned.resourceType,
      categories: input.planned.categories,
      labels: input.planned.labels,
      ...(input.planned.unrecognisedLabels.length > 0 ? { labelsUnrecognised: true as const } : {}),
      effectiveDate: input.planned.effectiveDate,
      contentHash: input.contentHash,
      resource: input.resource,
      // The resource travels sealed in its document too: assembly reads this one object (record-document.ts).
      ...inlineContent(input.planned.content),
      ...(input.binary === undefined ? {} : { binary: input.binary }),
      ...input.dedup,
      state: 'pending',
      createdAt: this.deps.now().toISOString(),
    };
    await this.deps.structured.put(pending);
    return summary(await this.publish(context, pending), 'created', input.planned);
  }

  /**
   * Registers a pending record on the ledger (as `actor`, the centre that uploaded it) and publishes it. Recovery
   * completes an interrupted upload through here too.
   */
  async publish(context: Pick<UploadContext, 'actor'>, pending: RecordDocument): Promise<RecordDocument> {
    try {
      await this.deps.ledger.registerRecord(context.actor, {
        recordId: pending.recordId,
        patientId: pending.patientId,
        categories: pending.categories,
        labels: pending.labels,
        contentHash: pending.contentHash,
        effectiveDate: pending.effectiveDate,
        ...(pending.supersedes === undefined ? {} : { supersedes: pending.supersedes }),
      });
    } catch (error) {
      if (error instanceof DatalakeError) throw error;
      throw new DatalakeError(
        'LEDGER_UNAVAILABLE',
        'record registration failed; retry the upload',
        {},
        error,
      );
    }
    const published = nextVersion(pending, {
      state: 'published',
      publishedAt: this.deps.now().toISOString(),
    });
    await this.deps.structured.put(published);
    await this.deps.index.upsert(published);
    await this.retirePrevious(published);
    return published;
  }

  /**
   * Marks the version a published record replaced as superseded (the ledger already did, in the registering
   * transaction): from then on it is never selected for release. Idempotent.
   */
  async retirePrevious(doc: RecordDocument): Promise<void> {
    if (doc.supersedes === undefined) return;
    // The stored document is the one the next version must follow (the index may lag behind it).
    const previous = await this.deps.structured.get(doc.country, doc.patientId, doc.supersedes);
    if (previous === undefined || previous.supersededBy === doc.recordId) return;
    const retired = nextVersion(previous, { supersededBy: doc.recordId });
    await this.deps.structured.put(retired);
    await this.deps.index.upsert(retired);
  }

  private location(context: UploadContext): StorageLocation {
    return this.deps.locations.forCountry(context.actor.country);
  }

  /** The marker of an upload about to write `objectIds` (recovery completes or removes what it names). */
  private begin(context: UploadContext, objectIds: readonly string[]): Promise<PendingUpload> {
    return this.deps.pending.begin({
      patientId: context.patientId,
      country: context.actor.country,
      actor: { mspId: context.actor.mspId, id: context.actor.id },
      objectIds,
      createdAt: this.deps.now().toISOString(),
    });
  }

  /**
   * Runs a sealing step; if it fails (a body over its limit, a client gone, storage down) the upload's objects and
   * marker go at once — no record document points at them yet.
   */
  private async abandonOnFailure<T>(
    context: UploadContext,
    pending: PendingUpload,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const location = this.location(context);
      try {
        for (const objectId of pending.objectIds) await this.discard(context, location, objectId);
        await this.deps.pending.end(pending);
      } catch {
        // recovery at the next start removes them from the marker
      }
      throw error;
    }
  }

  /** Seals `body` into the raw zone of `location`, its data key wrapped by the owner organisation's key. */
  private async seal(
    target: { readonly patientId: string; readonly owner: string },
    location: StorageLocation,
    body: Readable | Buffer,
    contentType: string,
    maxBytes: number | undefined,
    objectId: string,
  ): Promise<SealedObjectRef> {
    const written = await this.deps.sealed.write(
      {
        location,
        zone: 'raw',
        objectKey: layout.rawObject(target.patientId, objectId),
        keyKey: layout.dataKey(target.patientId, objectId),
        patientId: target.patientId,
        owner: target.owner,
        objectId,
      },
      body,
      maxBytes,
    );
    return { objectId, contentType, size: written.size, sha256: written.sha256 };
  }

  private async discard(context: UploadContext, location: StorageLocation, objectId: string): Promise<void> {
    await this.deps.sealed.remove({
      location,
      zone: 'raw',
      objectKey: layout.rawObject(context.patientId, objectId),
      keyKey: layout.dataKey(context.patientId, objectId),
    });
  }
}

/** An upload's raw objects belong to the patient and are wrapped by the uploading centre's organisation. */
/** The chaincode refused (not a conflict with what is already registered, which a retry completes). */
function ledgerRefusal(error: unknown): boolean {
  return (
    error instanceof DatalakeError &&
    error.cause instanceof ChaincodeCallError &&
    ['FORBIDDEN', 'NOT_FOUND', 'INVALID_INPUT'].includes(error.code)
  );
}

function sealTarget(context: UploadContext): { patientId: string; owner: string } {
  return { patientId: context.patientId, owner: context.actor.mspId };
}

/** What a contribution's handover answers (it was not planned from an upload: every label was understood). */
function recorded(doc: RecordDocument, outcome: IngestedRecord['outcome']): IngestedRecord {
  return summary(doc, outcome, { unrecognisedLabels: [] });
}

function summary(
  doc: RecordDocument,
  outcome: IngestedRecord['outcome'],
  planned: Pick<PlannedRecord, 'unrecognisedLabels'>,
): IngestedRecord {
  return {
    recordId: doc.recordId,
    outcome,
    resourceType: doc.resourceType,
    categories: doc.categories,
    labels: doc.labels,
    ...(planned.unrecognisedLabels.length > 0 ? { unrecognisedLabels: planned.unrecognisedLabels } : {}),
    ...(doc.supersedes === undefined || outcome === 'duplicate' ? {} : { supersedes: doc.supersedes }),
    contentHash: doc.contentHash,
  };
}
