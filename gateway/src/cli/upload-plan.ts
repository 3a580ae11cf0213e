/**
 * What the upload command sends for each file of a folder, decided without I/O: which files are FHIR JSON,
 * binaries or a binary's DocumentReference, each file's stable source id (uploads are idempotent on it), the
 * patient a Bundle is about, and the parts of a resumable upload.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

export const FHIR_SUFFIX = '.json';
/** `scan.pdf.docref.json` describes `scan.pdf`. */
export const DOCUMENT_REFERENCE_SUFFIX = '.docref.json';
const SOURCE_ID_MAX = 200;
const SOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/#@-]*$/;

export interface FolderPlan {
  /** FHIR JSON files (resources or Bundles), relative paths, sorted. */
  readonly fhir: readonly string[];
  /** Every other file, with its DocumentReference sidecar when there is one. */
  readonly binaries: readonly { readonly file: string; readonly documentReference?: string }[];
}

/** Sorts a folder's files (relative paths, `/`-separated) into FHIR files and binaries. */
export function planFolder(files: readonly string[], includeBinaries: boolean): FolderPlan {
  const sorted = [...files].map(toPosix).sort();
  const sidecars = new Set(sorted.filter((file) => file.endsWith(DOCUMENT_REFERENCE_SUFFIX)));
  const fhir = sorted.filter((file) => file.endsWith(FHIR_SUFFIX) && !sidecars.has(file));
  const binaries = includeBinaries
    ? sorted
        .filter((file) => !file.endsWith(FHIR_SUFFIX))
        .map((file) => {
          const sidecar = `${file}${DOCUMENT_REFERENCE_SUFFIX}`;
          return sidecars.has(sidecar) ? { file, documentReference: sidecar } : { file };
        })
    : [];
  return { fhir, binaries };
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/');
}

/**
 * A file's source id: its path in the folder, so the same file uploaded again is recognised. Characters the
 * API does not accept are replaced, and a short hash of the real path keeps replaced or shortened ids unique.
 */
export function sourceIdFor(relativePath: string, prefix = ''): string {
  const raw = `${prefix}${toPosix(relativePath)}`;
  let id = raw.replace(/[^A-Za-z0-9._:/@-]/g, '_');
  if (!/^[A-Za-z0-9]/.test(id)) id = `f${id}`;
  if (id === raw && id.length <= SOURCE_ID_MAX) return id;
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return `${id.slice(0, SOURCE_ID_MAX - digest.length - 1)}#${digest}`;
}

export function isValidSourceId(id: string): boolean {
  return id.length <= SOURCE_ID_MAX && SOURCE_ID_PATTERN.test(id);
}

export type PatientOf =
  { readonly patientId: string } | { readonly problem: 'NO_PATIENT' | 'SEVERAL_PATIENTS' };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function referencedPatient(resource: Json): string | undefined {
  for (const field of ['subject', 'patient']) {
    const reference = (resource[field] as Json | undefined)?.reference;
    const match = typeof reference === 'string' ? /^Patient\/([^/]+)$/.exec(reference) : null;
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}

/**
 * The patient a FHIR document is about: a Patient resource's id in it, otherwise the one patient its
 * resources' `subject` / `patient` references point at.
 */
export function patientOf(document: unknown): PatientOf {
  if (!isObject(document)) return { problem: 'NO_PATIENT' };
  const resources =
    document.resourceType === 'Bundle' && Array.isArray(document.entry)
      ? document.entry
          .map((entry: unknown) => (isObject(entry) ? entry.resource : undefined))
          .filter(isObject)
      : [document];
  const declared = new Set(
    resources
      .filter((resource) => resource.resourceType === 'Patient' && typeof resource.id === 'string')
      .map((resource) => resource.id as string),
  );
  const referenced = new Set(resources.map(referencedPatient).filter((id): id is string => id !== undefined));
  const candidates = declared.size > 0 ? declared : referenced;
  if (candidates.size > 1) return { problem: 'SEVERAL_PATIENTS' };
  const [patientId] = candidates;
  return patientId === undefined ? { problem: 'NO_PATIENT' } : { patientId };
}

/** The records route of a FHIR file. */
export function recordsRoute(patientId: string): string {
  return `/patients/${encodeURIComponent(patientId)}/records`;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.dcm': 'application/dicom',
  '.txt': 'text/plain',
  '.xml': 'application/xml',
  '.mp4': 'video/mp4',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The DocumentReference of a binary that came without one: what it is, for whom, and nothing more. */
export function defaultDocumentReference(patientId: string, contentType: string): Json {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    subject: { reference: `Patient/${patientId}` },
    content: [{ attachment: { contentType } }],
  };
}

export interface PartRange {
  readonly index: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** The parts of a resumable upload as the gateway counts them (at least one; the last one shorter). */
export function partRanges(size: number, partBytes: number): PartRange[] {
  const count = Math.max(1, Math.ceil(size / partBytes));
  return Array.from({ length: count }, (_, index) => ({
    index,
    start: index * partBytes,
    end: Math.min(size, (index + 1) * partBytes),
  }));
}

export interface UploadSessionView {
  readonly uploadId: string;
  readonly kind: string;
  readonly patientId: string;
  readonly sourceId: string;
  readonly size: number;
  readonly partBytes: number;
  readonly parts: readonly number[];
  readonly status: string;
}

/** An unfinished upload of the same file for the same patient, to resume instead of starting over. */
export function resumableSession(
  history: readonly UploadSessionView[],
  wanted: { readonly patientId: string; readonly sourceId: string; readonly size: number },
): UploadSessionView | undefined {
  return history.find(
    (session) =>
      session.kind === 'document' &&
      session.status === 'receiving' &&
      session.patientId === wanted.patientId &&
      session.sourceId === wanted.sourceId &&
      session.size === wanted.size,
  );
}

/** The parts still to send. */
export function missingParts(session: UploadSessionView): PartRange[] {
  const received = new Set(session.parts);
  return partRanges(session.size, session.partBytes).filter((part) => !received.has(part.index));
}
