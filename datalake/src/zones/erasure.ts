/**
 * Erasure (GDPR right to be forgotten): a patient's data keys are destroyed first — from that
 * moment every sealed object of theirs is unreadable, wherever copies remain — then their objects
 * are removed from every zone in every location, and their index entries and directory entry.
 * The ledger keeps only pseudonymous ids and hashes.
 */
import type { StorageLocations } from '../storage/locations';
import type { ConsumerZone } from './consumer';
import { layout } from './layout';
import type { RecordIndex } from './record-index';
import type { PatientDirectory, StructuredZone } from './structured';

export interface ErasureReport {
  readonly dataKeysDestroyed: number;
  readonly objectsRemoved: number;
  readonly grantsRemoved: number;
}

export class Erasure {
  constructor(
    private readonly locations: StorageLocations,
    private readonly structured: StructuredZone,
    private readonly index: RecordIndex,
    private readonly patients: PatientDirectory,
    private readonly consumer: ConsumerZone,
  ) {}

  async erasePatient(patientId: string): Promise<ErasureReport> {
    let dataKeysDestroyed = 0;
    let objectsRemoved = 0;
    for (const location of this.locations.all()) {
      dataKeysDestroyed += await location.store.removePrefix(
        location.bucket('keys'),
        layout.dataKeysOfPatient(patientId),
      );
    }
    for (const location of this.locations.all()) {
      objectsRemoved += await location.store.removePrefix(
        location.bucket('raw'),
        layout.rawPatient(patientId),
      );
    }
    const grants = await this.consumer.grantsOfPatient(patientId);
    for (const grantId of grants) await this.consumer.remove(grantId);
    await this.structured.removePatient(patientId);
    await this.index.removePatient(patientId);
    await this.patients.remove(patientId);
    return { dataKeysDestroyed, objectsRemoved, grantsRemoved: grants.length };
  }
}
