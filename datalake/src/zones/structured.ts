/** The structured zone: record metadata documents, and the directory of patients the lake holds data for. */
import { DatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { layout } from './layout';
import { decodeRecordDocument, encodeRecordDocument } from './record-document';
import type { RecordDocument } from './record-document';

const MAX_DOCUMENT_BYTES = 64 * 1024;

export class StructuredZone {
  constructor(private readonly locations: StorageLocations) {}

  async put(doc: RecordDocument): Promise<void> {
    const location = this.locations.forCountry(doc.country);
    await location.store.put(
      location.bucket('structured'),
      layout.recordDocument(doc.patientId, doc.recordId),
      encodeRecordDocument(doc),
      { contentType: 'application/json' },
    );
  }

  async get(country: string, patientId: string, recordId: string): Promise<RecordDocument | undefined> {
    const location = this.locations.forCountry(country);
    const bytes = await location.store.getBuffer(
      location.bucket('structured'),
      layout.recordDocument(patientId, recordId),
      MAX_DOCUMENT_BYTES,
    );
    return bytes === undefined ? undefined : decodeRecordDocument(bytes);
  }

  /** Every record document in every location (optionally of one patient): the source the index is rebuilt from. */
  async *scan(patientId?: string): AsyncIterable<RecordDocument> {
    for (const location of this.locations.all()) {
      const bucket = location.bucket('structured');
      for await (const item of location.store.list(bucket, layout.recordDocuments(patientId))) {
        const bytes = await location.store.getBuffer(bucket, item.key, MAX_DOCUMENT_BYTES);
        if (bytes !== undefined) yield decodeRecordDocument(bytes);
      }
    }
  }

  async removePatient(patientId: string): Promise<void> {
    for (const location of this.locations.all()) {
      await location.store.removePrefix(location.bucket('structured'), layout.recordDocuments(patientId));
    }
  }
}

/** Patients the data lake accepts records for; the gateway registers them when they enrol. */
export class PatientDirectory {
  constructor(private readonly locations: StorageLocations) {}

  private get home(): StorageLocation {
    return this.locations.homeLocation;
  }

  async register(patientId: string, at: Date): Promise<void> {
    if ((await this.exists(patientId)) === true) return;
    const entry = JSON.stringify({ patientId, registeredAt: at.toISOString() });
    await this.home.store.put(
      this.home.bucket('structured'),
      layout.patientEntry(patientId),
      Buffer.from(entry),
      {
        contentType: 'application/json',
      },
    );
  }

  async exists(patientId: string): Promise<boolean> {
    return (
      (await this.home.store.stat(this.home.bucket('structured'), layout.patientEntry(patientId))) !==
      undefined
    );
  }

  /** Throws UNKNOWN_PATIENT unless the patient is registered. */
  async require(patientId: string): Promise<void> {
    if (!(await this.exists(patientId))) throw new DatalakeError('UNKNOWN_PATIENT', 'unknown patient');
  }

  async remove(patientId: string): Promise<void> {
    await this.home.store.remove(this.home.bucket('structured'), [layout.patientEntry(patientId)]);
  }
}
