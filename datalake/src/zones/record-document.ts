/**
 * The structured zone's metadata document of one record: what makes it searchable (patient,
 * categories, labels, dates, source, hash) and where its sealed bytes are. No content, no names, and the
 * source id only as a keyed hash. A record is visible to readers only once `state` is `published`.
 * Stored sealed (zones/documents.ts); `version` grows with every write, so an older copy put back over a newer
 * one is recognised as a replay.
 *
 * A record's resource (for a binary, its DocumentReference) of up to INLINE_CONTENT_BYTES is carried inside its
 * sealed document as well (`content`): assembly then reads one object per record instead of three (document, data
 * key, raw object). The raw zone keeps the original for provenance and for documents written before (which have no
 * `content` and are read from it). The index keeps documents without it (`withoutContent`).
 */
import type { Category, Label } from '@custodia/chaincode';
import { CATEGORIES, decoders, isMember, LABELS } from '@custodia/chaincode';
import { DatalakeError } from '../errors';

/** Resources up to this size travel inside their sealed document (typical FHIR resources are a few KiB). */
export const INLINE_CONTENT_BYTES = 64 * 1024;
/**
 * Largest sealed record document read back: the metadata, an inline resource whose JSON escaping at most doubles
 * it, and the seal.
 */
export const MAX_RECORD_DOCUMENT_BYTES = 4 * INLINE_CONTENT_BYTES;

export const RECORD_STATES = ['pending', 'published'] as const;
export type RecordState = (typeof RECORD_STATES)[number];

export interface SealedObjectRef {
  /** Raw-zone object id; also the context its data key is bound to. */
  readonly objectId: string;
  readonly contentType: string;
  /** Plaintext bytes. */
  readonly size: number;
  readonly sha256: string;
}

export interface RecordDocument {
  readonly schema: 2;
  /** 1 when first written (pending), one more at every rewrite (published, retired). */
  readonly version: number;
  readonly recordId: string;
  readonly patientId: string;
  /** MSP id of the source organisation. */
  readonly organisation: string;
  /** Storage location (country) that holds the raw object. */
  readonly country: string;
  readonly kind: 'fhir' | 'binary';
  readonly resourceType: string;
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
  /** Marker: the source gave a security label the lake did not understand, so the record carries V. */
  readonly labelsUnrecognised?: true;
  readonly effectiveDate: string;
  /** SHA-256 registered on the ledger: of the resource JSON, or of the binary's bytes. */
  readonly contentHash: string;
  /** The FHIR resource (for binaries, their DocumentReference). */
  readonly resource: SealedObjectRef;
  /** The binary itself, for binary records. */
  readonly binary?: SealedObjectRef;
  readonly state: RecordState;
  /** FHIR records: identity of the content, for deduplication per patient and organisation. */
  readonly contentKey?: string;
  /** Key of the source document (organisation + source id, keyed hash): its versions share it. */
  readonly sourceKey?: string;
  /** The earlier version this record replaces (registered on-chain with it). */
  readonly supersedes?: string;
  /** Set once a newer version replaced this one: never released again. */
  readonly supersededBy?: string;
  readonly createdAt: string;
  readonly publishedAt?: string;
  /**
   * The resource's bytes (UTF-8 JSON, exactly those `resource.sha256` — and for FHIR records the registration —
   * hash), when they are at most INLINE_CONTENT_BYTES; absent in documents of the earlier layout and in the index.
   */
  readonly content?: string;
}

/** `content` for a resource of these bytes: present when small enough to travel inside the document. */
export function inlineContent(bytes: Buffer): Pick<RecordDocument, 'content'> {
  if (bytes.length > INLINE_CONTENT_BYTES) return {};
  const content = bytes.toString('utf8');
  // Bytes that are not UTF-8 would not survive the string: they stay in the raw zone only.
  return Buffer.from(content, 'utf8').equals(bytes) ? { content } : {};
}

/** The document without its inline resource (what the index keeps: the resource is the structured zone's). */
export function withoutContent(doc: RecordDocument): RecordDocument {
  if (doc.content === undefined) return doc;
  const copy: { -readonly [K in keyof RecordDocument]: RecordDocument[K] } = { ...doc };
  delete copy.content;
  return copy;
}

/** The next version of a document: `changes` applied, version one more. */
export function nextVersion(doc: RecordDocument, changes: Partial<RecordDocument>): RecordDocument {
  return { ...doc, ...changes, version: doc.version + 1 };
}

/** Checks an opened document, refusing anything that is not one (a corrupted zone must not feed the index). */
export function decodeRecordDocument(value: unknown): RecordDocument {
  const doc = (typeof value === 'object' && value !== null ? value : {}) as Partial<RecordDocument>;
  const valid =
    doc.schema === 2 &&
    Number.isSafeInteger(doc.version) &&
    (doc.version as number) >= 1 &&
    decoders.id(doc.recordId, 'recordId').ok &&
    decoders.id(doc.patientId, 'patientId').ok &&
    typeof doc.organisation === 'string' &&
    typeof doc.country === 'string' &&
    (doc.kind === 'fhir' || doc.kind === 'binary') &&
    typeof doc.resourceType === 'string' &&
    Array.isArray(doc.categories) &&
    doc.categories.every((c) => isMember(CATEGORIES, c)) &&
    Array.isArray(doc.labels) &&
    doc.labels.every((l) => isMember(LABELS, l)) &&
    typeof doc.effectiveDate === 'string' &&
    decoders.sha256Hex(doc.contentHash, 'contentHash').ok &&
    isObjectRef(doc.resource) &&
    (doc.binary === undefined || isObjectRef(doc.binary)) &&
    isMember(RECORD_STATES, doc.state) &&
    (doc.contentKey === undefined || decoders.sha256Hex(doc.contentKey, 'contentKey').ok) &&
    (doc.sourceKey === undefined || decoders.sha256Hex(doc.sourceKey, 'sourceKey').ok) &&
    (doc.supersedes === undefined || decoders.id(doc.supersedes, 'supersedes').ok) &&
    (doc.supersededBy === undefined || decoders.id(doc.supersededBy, 'supersededBy').ok) &&
    typeof doc.createdAt === 'string' &&
    (doc.content === undefined || typeof doc.content === 'string');
  if (!valid) throw new DatalakeError('INTEGRITY_FAILED', 'record document is malformed');
  return doc as RecordDocument;
}

function isObjectRef(value: unknown): value is SealedObjectRef {
  if (typeof value !== 'object' || value === null) return false;
  const ref = value as Partial<SealedObjectRef>;
  return (
    typeof ref.objectId === 'string' &&
    /^[A-Za-z0-9-]{8,64}$/.test(ref.objectId) &&
    typeof ref.contentType === 'string' &&
    typeof ref.size === 'number' &&
    typeof ref.sha256 === 'string'
  );
}
