/**
 * A record's resource bytes for release: from its sealed document when it carries them (one read per record, the
 * layout since #13), else from the raw zone (documents of the earlier layout, resources over the inline size). The
 * caller hashes what it gets against the registration either way.
 */
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { layout } from '../zones/layout';
import type { RecordDocument, SealedObjectRef } from '../zones/record-document';
import type { SealedObjects } from '../zones/sealed-objects';

/** Largest resource read from the raw zone for a record (a FHIR resource, or a binary's DocumentReference). */
const MAX_RESOURCE_BYTES = 16 * 1024 * 1024;

/** The resource's bytes; INTEGRITY_FAILED or NOT_FOUND from the raw zone when they are read from there. */
export async function recordContent(
  sealed: SealedObjects,
  locations: StorageLocations,
  document: RecordDocument,
): Promise<Buffer> {
  if (document.content !== undefined) return Buffer.from(document.content, 'utf8');
  return sealed.readBuffer(
    rawTarget(document, document.resource, locations.forCountry(document.country)),
    MAX_RESOURCE_BYTES,
  );
}

/** Where the ingest service sealed a record's object. */
export function rawTarget(document: RecordDocument, ref: SealedObjectRef, location: StorageLocation) {
  return {
    location,
    zone: 'raw' as const,
    objectKey: layout.rawObject(document.patientId, ref.objectId),
    keyKey: layout.dataKey(document.patientId, ref.objectId),
    patientId: document.patientId,
    objectId: ref.objectId,
  };
}
