/**
 * Object keys of every zone, in one place. Keys hold only pseudonymous ids (the same ids the ledger
 * holds), never names. Prefixes group a patient's objects so erasure is a prefix walk.
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
  patientEntry: (patientId: string) => `patients/${patientId}.json`,
  /** structured: status documents of asynchronous upload jobs (ids and counts only). */
  jobDocument: (jobId: string) => `jobs/${jobId}.json`,
  jobDocuments: () => 'jobs/',
  /** raw: a large upload's body, sealed, while its job runs (its data key: `dataKey(patientId, jobId)`). */
  jobInput: (patientId: string, jobId: string) => `patients/${patientId}/jobs/${jobId}`,
  /** Delivery manifests (ids and hashes only), kept past expiry: the ledger holds their SHA-256. */
  deliveryManifest: (grantId: string, manifestHash: string) => `manifests/${grantId}/${manifestHash}.json`,
  deliveryManifests: (grantId: string) => `manifests/${grantId}/`,
  /** curated: per-grant copies, removed when assembly ends. */
  curatedGrant: (grantId: string) => `grants/${grantId}/`,
  curatedRecord: (grantId: string, recordId: string) => `grants/${grantId}/${recordId}`,
  /** curated: every record released to a grant from one location, in one object (see zones/curated.ts). */
  curatedReleased: (grantId: string) => `grants/${grantId}/released.ndjson`,
  /** keys bucket: the curated copies' data keys, apart from the consumer record's (both are per grant). */
  curatedKey: (grantId: string, objectId: string) => `curated/${grantId}/${objectId}.json`,
  curatedKeys: (grantId: string) => `curated/${grantId}/`,
  /** consumer: the assembled record, its metadata, and the markers the sweeper walks. */
  consumerRecord: (grantId: string) => `grants/${grantId}/record`,
  consumerMeta: (grantId: string) => `grants/${grantId}/meta.json`,
  consumerGrant: (grantId: string) => `grants/${grantId}/`,
  /** Zero-padded epoch milliseconds sort chronologically, so the sweeper stops at the first future one. */
  expiryMarker: (expiresAt: Date, grantId: string, patientId: string) =>
    `expiry/${String(expiresAt.getTime()).padStart(15, '0')}/${grantId}/${patientId}`,
  expiryMarkers: () => 'expiry/',
  patientGrantMarker: (patientId: string, grantId: string) => `by-patient/${patientId}/${grantId}`,
  patientGrantMarkers: (patientId: string) => `by-patient/${patientId}/`,
} as const;

export interface ExpiryMarker {
  readonly expiresAt: number;
  readonly grantId: string;
  readonly patientId: string;
}

/** Parses an expiry marker key back into its time, grant and patient. */
export function parseExpiryMarker(key: string): ExpiryMarker | undefined {
  const match = /^expiry\/(\d{15})\/([^/]+)\/([^/]+)$/.exec(key);
  if (match === null) return undefined;
  return { expiresAt: Number(match[1]), grantId: match[2] as string, patientId: match[3] as string };
}
