/**
 * Markers of uploads in progress, in the structured zone of the data's location: written before the upload's first
 * object, naming its objects, then its record, and who registers it; removed once the record is published. A lake
 * that stopped midway finds them at start (ingest/recovery.ts) and completes or removes what they name — so no
 * sealed object is left that nothing points at, and no record stays half-written. Sealed under the patient's key of
 * the uploading organisation; one that does not open names nothing that is believed.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '@custodia/chaincode';
import { DatalakeError, isDatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { SealedDocuments } from './documents';
import { layout } from './layout';

export interface PendingUpload {
  readonly schema: 1;
  readonly uploadId: string;
  readonly patientId: string;
  /** The location of the data (the uploading organisation's country). */
  readonly country: string;
  /** The centre whose upload it is: it signs the registration. */
  readonly actor: Pick<Caller, 'mspId' | 'id'>;
  /** The raw objects the upload writes. */
  readonly objectIds: readonly string[];
  /** The record, once its (pending) document is about to be written. */
  readonly recordId?: string;
  readonly createdAt: string;
}

export type ScannedMarker =
  | { readonly ok: true; readonly marker: PendingUpload; readonly location: StorageLocation }
  | { readonly ok: false; readonly key: string; readonly location: StorageLocation };

const MAX_MARKER_BYTES = 16 * 1024;

export class PendingUploads {
  constructor(
    private readonly locations: StorageLocations,
    private readonly documents: SealedDocuments,
  ) {}

  async begin(spec: Omit<PendingUpload, 'schema' | 'uploadId'>): Promise<PendingUpload> {
    const marker: PendingUpload = { schema: 1, uploadId: randomUUID(), ...spec };
    await this.write(marker);
    return marker;
  }

  /** The record the upload is about to write (so a stop after this point is completed, not just removed). */
  async attach(marker: PendingUpload, recordId: string): Promise<PendingUpload> {
    const next = { ...marker, recordId };
    await this.write(next);
    return next;
  }

  async end(marker: PendingUpload): Promise<void> {
    const location = this.locations.forCountry(marker.country);
    await location.store.remove(location.bucket('structured'), [
      layout.pendingMarker(marker.patientId, marker.uploadId),
    ]);
  }

  /** Every marker of every location, opened, or the key of one that does not open. */
  async *scan(): AsyncIterable<ScannedMarker> {
    for (const location of this.locations.all()) {
      for await (const item of location.store.list(location.bucket('structured'), layout.pendingMarkers())) {
        const match = /^pending\/([^/]+)\/([^/]+)\.json$/.exec(item.key);
        try {
          if (match === null) throw new DatalakeError('INTEGRITY_FAILED', 'not a pending marker');
          const opened = await this.documents.get(
            location,
            'structured',
            item.key,
            MAX_MARKER_BYTES,
            match[1],
          );
          if (opened === undefined) continue;
          const marker = opened.value as Partial<PendingUpload>;
          if (
            marker.schema !== 1 ||
            marker.patientId !== match[1] ||
            marker.uploadId !== match[2] ||
            marker.country !== location.country ||
            marker.actor?.mspId !== opened.owner ||
            !Array.isArray(marker.objectIds)
          )
            throw new DatalakeError('INTEGRITY_FAILED', 'pending marker does not belong here');
          yield { ok: true, marker: marker as PendingUpload, location };
        } catch (error) {
          if (!isDatalakeError(error, 'INTEGRITY_FAILED')) throw error;
          yield { ok: false, key: item.key, location };
        }
      }
    }
  }

  /** Removes every marker of the patient (erasure). */
  async removePatient(patientId: string): Promise<void> {
    for (const location of this.locations.all())
      await location.store.removePrefix(location.bucket('structured'), layout.pendingMarkers(patientId));
  }

  private async write(marker: PendingUpload): Promise<void> {
    await this.documents.put(
      this.locations.forCountry(marker.country),
      'structured',
      layout.pendingMarker(marker.patientId, marker.uploadId),
      { scope: 'patient', patientId: marker.patientId, owner: marker.actor.mspId },
      marker,
    );
  }
}
