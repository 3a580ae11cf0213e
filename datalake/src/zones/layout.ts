/**
 * Object keys of every zone, in one place (the same keys in every location). Keys hold only pseudonymous ids (the
 * same ids the ledger holds) or keyed tokens, never names. Prefixes group a patient's objects so erasure is a
 * prefix walk.
 */
export const layout = {
  /** raw: sealed uploaded bytes. */
  rawObject: (patientId: string, objectId: string) => `patients/${patientId}/objects/${objectId}`,
  rawPatient: (patientId: string) => `patients/${patientId}/`,
  /** keys: wrapped data keys, apart from the data so erasure can shred them first. */
  dataKey: (patientId: string, objectId: string) => `patients/${patientId}/${objectId}.json`,
  dataKeysOfPatient: (patientId: string) => `patients/${patientId}/`,
  /** structured: record metadata documents and the patient directory. */
  recordDocument: (patientId: string, recordId: string) => `records/${patientId}/${recordId}.json`,
  recordDocuments: (patientId?: string) => (patientId === undefined ? 'records/' : `records/${patientId}/`),
  /** structured, in the patient's home location: the patient is registered there. */
  patientEntry: (patientId: string) => `patients/${patientId}.json`,
  /** structured, in the patient's home location: their identification set, sealed under their key. */
  identification: (patientId: string) => `identification/${patientId}.json`,
  /**
   * structured, in the upload's location: resources a source's records reference (practitioners, organisations,
   * encounters…), kept as their context; named by a keyed token of the source organisation, type and id.
   */
  contextDocument: (patientId: string, token: string) => `context/${patientId}/${token}.json`,
  contextDocuments: (patientId: string) => `context/${patientId}/`,
  /** structured, every location: the patient was erased (named by keyed token, not id). */
  erasedMarker: (patientToken: string) => `erased/${patientToken}.json`,
  /** structured: an upload in progress (its objects, its record, who registers it), removed once published. */
  pendingMarker: (patientId: string, uploadId: string) => `pending/${patientId}/${uploadId}.json`,
  pendingMarkers: (patientId?: string) => (patientId === undefined ? 'pending/' : `pending/${patientId}/`),
  /** structured: status documents of asynchronous upload jobs (ids and counts only). */
  jobDocument: (jobId: string) => `jobs/${jobId}.json`,
  jobDocuments: () => 'jobs/',
  /** raw: a large upload's body, sealed, while its job runs (its data key: `dataKey(patientId, jobId)`). */
  jobInput: (patientId: string, jobId: string) => `patients/${patientId}/jobs/${jobId}`,
  /** Delivery manifests (ids and hashes only), kept past expiry: the ledger holds their SHA-256. */
  deliveryManifest: (grantId: string, manifestHash: string) => `manifests/${grantId}/${manifestHash}.json`,
  deliveryManifests: (grantId: string) => `manifests/${grantId}/`,
  /** curated: per-grant copies, removed when assembly ends. */
  curatedGrant: (grantId?: string) => (grantId === undefined ? 'grants/' : `grants/${grantId}/`),
  /** curated: every record released to a grant from one location, in one object (see zones/curated.ts). */
  curatedReleased: (grantId: string) => `grants/${grantId}/released.ndjson`,
  /** keys bucket: the curated copies' data keys, apart from the consumer record's (both are per grant). */
  curatedKey: (grantId: string, objectId: string) => `curated/${grantId}/${objectId}.json`,
  curatedKeys: (grantId?: string) => (grantId === undefined ? 'curated/' : `curated/${grantId}/`),
  /** consumer: the assembled record, its metadata, and the markers the sweeper walks. */
  consumerRecord: (grantId: string) => `grants/${grantId}/record`,
  consumerMeta: (grantId: string) => `grants/${grantId}/meta.json`,
  consumerGrant: (grantId: string) => `grants/${grantId}/`,
  /** keys bucket: the data key of a grant's record object (under `consumerGrant`, like the record itself). */
  consumerKey: (grantId: string, objectId: string) => `grants/${grantId}/${objectId}.json`,
  /**
   * Zero-padded epoch milliseconds sort chronologically, so the sweeper stops at the first future one. `mac`
   * authenticates the rest of the key (the sweeper deletes what markers say: a forged one must not).
   */
  expiryMarker: (expiresAt: Date, grantId: string, patientId: string, mac: string) =>
    `${expiryPrefix(expiresAt.getTime(), grantId, patientId)}${mac}`,
  expiryMarkers: () => 'expiry/',
} as const;

/** The part of an expiry marker key its MAC covers. */
export function expiryPrefix(expiresAt: number, grantId: string, patientId: string): string {
  return `expiry/${String(expiresAt).padStart(15, '0')}/${grantId}/${patientId}/`;
}

export interface ExpiryMarker {
  readonly expiresAt: number;
  readonly grantId: string;
  readonly patientId: string;
  readonly mac: string;
}

/** Parses an expiry marker key back into its time, grant, patient and MAC (not yet checked). */
export function parseExpiryMarker(key: string): ExpiryMarker | undefined {
  const match = /^expiry\/(\d{15})\/([^/]+)\/([^/]+)\/([0-9a-f]{64})$/.exec(key);
  if (match === null) return undefined;
  return {
    expiresAt: Number(match[1]),
    grantId: match[2] as string,
    patientId: match[3] as string,
    mac: match[4] as string,
  };
}
