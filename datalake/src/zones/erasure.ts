/**
 * Erasure (GDPR art. 17) of a patient's data, in this order:
 *
 * 1. the patient is marked erased in every location — from then on nothing is accepted, assembled or released
 *    for them;
 * 2. the patient's keys are destroyed in every location's keyring: from that moment every object and document of
 *    theirs is unreadable, wherever copies remain (backups of the buckets hold no patient key);
 * 3. every zone is emptied of them in every location — raw objects and job bodies, data keys, record documents,
 *    their identification set, the context kept beside their records, pending markers, job documents, temporary records (curated copies, consumer record, metadata, expiry markers)
 *    and the directory entry;
 * 4. their index entries are deleted and compacted (no copy left in LevelDB's log or tables).
 *
 * Kept: delivery manifests (ids, hashes and exclusion reasons, sealed under the location key: what an auditor
 * needs to check deliveries logged on the ledger; README *Erasure*), and the erasure marker itself, which names
 * the patient by keyed token only. A stop midway is finished by erasing again (every step is idempotent).
 */
import type { Keyrings } from '../crypto/keyring';
import type { StorageLocations } from '../storage/locations';
import type { ConsumerZone } from './consumer';
import type { ContextZone } from './context';
import type { PatientIdentifications } from './identification';
import type { JobDocuments } from './job-documents';
import { layout } from './layout';
import type { PendingUploads } from './pending';
import type { RecordIndexes } from './record-index';
import type { PatientDirectory, StructuredZone } from './structured';

export interface ErasureReport {
  /** Patient keys destroyed (one per location and key owner). */
  readonly patientKeysDestroyed: number;
  readonly dataKeysDestroyed: number;
  readonly objectsRemoved: number;
  readonly documentsRemoved: number;
  readonly grantsRemoved: number;
  readonly indexEntriesRemoved: number;
}

export interface ErasureDeps {
  readonly locations: StorageLocations;
  readonly keyrings: Keyrings;
  readonly structured: StructuredZone;
  readonly pending: PendingUploads;
  readonly jobs: JobDocuments;
  readonly index: RecordIndexes;
  readonly patients: PatientDirectory;
  readonly consumer: ConsumerZone;
  readonly context: ContextZone;
  readonly identifications: PatientIdentifications;
  readonly now: () => Date;
}

export class Erasure {
  constructor(private readonly deps: ErasureDeps) {}

  async erasePatient(patientId: string): Promise<ErasureReport> {
    const { locations, keyrings } = this.deps;
    await this.deps.patients.markErased(patientId, this.deps.now());
    let patientKeysDestroyed = 0;
    for (const keyring of keyrings.all()) patientKeysDestroyed += await keyring.destroyPatient(patientId);
    let dataKeysDestroyed = 0;
    let objectsRemoved = 0;
    for (const location of locations.all()) {
      dataKeysDestroyed += await location.store.removePrefix(
        location.bucket('keys'),
        layout.dataKeysOfPatient(patientId),
      );
      objectsRemoved += await location.store.removePrefix(
        location.bucket('raw'),
        layout.rawPatient(patientId),
      );
    }
    const markers = await this.deps.consumer.markersOfPatient(patientId);
    const grants = [...new Set(markers.map((marker) => marker.grantId))];
    for (const grantId of grants) await this.deps.consumer.remove(grantId);
    for (const marker of markers)
      await marker.location.store.remove(marker.location.bucket('consumer'), [marker.key]);
    let documentsRemoved = await this.deps.structured.removePatient(patientId);
    documentsRemoved += await this.deps.context.removePatient(patientId);
    documentsRemoved += await this.deps.identifications.remove(locations.all(), patientId);
    documentsRemoved += await this.deps.jobs.removePatient(patientId);
    await this.deps.pending.removePatient(patientId);
    const indexEntriesRemoved = await this.deps.index.removePatient(patientId);
    return {
      patientKeysDestroyed,
      dataKeysDestroyed,
      objectsRemoved,
      documentsRemoved,
      grantsRemoved: grants.length,
      indexEntriesRemoved,
    };
  }
}
