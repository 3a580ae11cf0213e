/**
 * The patient's identification set (name, birth date, gender, the home organisation's identifiers), as their home
 * organisation gave it: one sealed document in the structured zone of the patient's home location, under the
 * lake's key of that patient — so erasure, which destroys the patient's keys, destroys it too. It is released in
 * the Patient of every assembled record and never logged. Only the organisation that gave it may replace it.
 */
import type { PatientIdentification } from '../assembly/patient';
import { DatalakeError } from '../errors';
import type { StorageLocation } from '../storage/locations';
import type { SealedDocuments } from './documents';
import { layout } from './layout';

const MAX_DOCUMENT_BYTES = 16 * 1024;

interface IdentificationDocument {
  readonly schema: 1;
  readonly patientId: string;
  /** MSP id of the organisation that gave it: the only one that may replace it. */
  readonly organisation: string;
  readonly identification: PatientIdentification;
}

export class PatientIdentifications {
  constructor(
    private readonly documents: SealedDocuments,
    /** Key owner of the lake's own patient keys. */
    private readonly lakeOwner: string,
  ) {}

  /**
   * Stores (or replaces) the patient's identification set in their home location, as `organisation` gives it;
   * FORBIDDEN when another organisation gave the one stored.
   */
  async put(
    home: StorageLocation,
    patientId: string,
    organisation: string,
    identification: PatientIdentification,
  ): Promise<void> {
    const stored = await this.document(home, patientId);
    if (stored !== undefined && stored.organisation !== organisation)
      throw new DatalakeError(
        'FORBIDDEN',
        'the patient’s identification is kept by their home organisation; another may not change it',
      );
    const document: IdentificationDocument = { schema: 1, patientId, organisation, identification };
    await this.documents.put(
      home,
      'structured',
      layout.identification(patientId),
      this.key(patientId),
      document,
    );
  }

  /** The patient's identification set, or undefined when their home organisation gave none. */
  async get(home: StorageLocation, patientId: string): Promise<PatientIdentification | undefined> {
    return (await this.document(home, patientId))?.identification;
  }

  /** Removes it from every location given (erasure; the document is already unreadable once the keys are gone). */
  async remove(locations: readonly StorageLocation[], patientId: string): Promise<number> {
    let removed = 0;
    for (const location of locations)
      removed += await location.store.removePrefix(
        location.bucket('structured'),
        layout.identification(patientId),
      );
    return removed;
  }

  private async document(
    home: StorageLocation,
    patientId: string,
  ): Promise<IdentificationDocument | undefined> {
    const opened = await this.documents.get(
      home,
      'structured',
      layout.identification(patientId),
      MAX_DOCUMENT_BYTES,
      patientId,
    );
    if (opened === undefined) return undefined;
    const value = opened.value as Partial<IdentificationDocument>;
    if (value.schema !== 1 || value.patientId !== patientId || opened.owner !== this.lakeOwner)
      throw new DatalakeError('INTEGRITY_FAILED', 'identification document does not belong here');
    return value as IdentificationDocument;
  }

  private key(patientId: string) {
    return { scope: 'patient', patientId, owner: this.lakeOwner } as const;
  }
}
