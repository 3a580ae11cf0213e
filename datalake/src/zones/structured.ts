/**
 * The structured zone: record metadata documents (in the location of the record's country), the directory of
 * patients the lake holds data for (each in the location of the patient's home country), and erasure markers.
 * Every document is sealed (zones/documents.ts): one that was changed, moved from another record or patient, or
 * sealed elsewhere does not open, and is never believed.
 */
import type { KeyedHash } from '../crypto/keyed-hash';
import { DatalakeError, isDatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { SealedDocuments } from './documents';
import { layout } from './layout';
import { decodeRecordDocument, MAX_RECORD_DOCUMENT_BYTES as MAX_DOCUMENT_BYTES } from './record-document';
import type { RecordDocument } from './record-document';

/** A document read back from a zone: authentic, or the reason it is not. */
export type ScannedDocument =
  | { readonly ok: true; readonly doc: RecordDocument }
  | { readonly ok: false; readonly key: string; readonly code: string };

export class StructuredZone {
  constructor(
    private readonly locations: StorageLocations,
    private readonly documents: SealedDocuments,
  ) {}

  async put(doc: RecordDocument): Promise<void> {
    const location = this.locations.forCountry(doc.country);
    await this.documents.put(
      location,
      'structured',
      layout.recordDocument(doc.patientId, doc.recordId),
      { scope: 'patient', patientId: doc.patientId, owner: doc.organisation },
      doc,
    );
  }

  /** The stored document; undefined when absent; INTEGRITY_FAILED when it is not the authentic one of this place. */
  async get(country: string, patientId: string, recordId: string): Promise<RecordDocument | undefined> {
    const location = this.locations.forCountry(country);
    const key = layout.recordDocument(patientId, recordId);
    const opened = await this.documents.get(location, 'structured', key, MAX_DOCUMENT_BYTES, patientId);
    return opened === undefined
      ? undefined
      : checked(opened.value, opened.owner, location, patientId, recordId);
  }

  /** Every record document of a location (optionally of one patient), each opened, or why it could not be. */
  async *scan(location: StorageLocation, patientId?: string): AsyncIterable<ScannedDocument> {
    const bucket = location.bucket('structured');
    for await (const item of location.store.list(bucket, layout.recordDocuments(patientId))) {
      const match = /^records\/([^/]+)\/([^/]+)\.json$/.exec(item.key);
      if (match === null) continue;
      try {
        const opened = await this.documents.get(
          location,
          'structured',
          item.key,
          MAX_DOCUMENT_BYTES,
          match[1],
        );
        if (opened !== undefined)
          yield {
            ok: true,
            doc: checked(opened.value, opened.owner, location, match[1] as string, match[2] as string),
          };
      } catch (error) {
        if (!isDatalakeError(error) || error.status < 500 || error.code === 'STORAGE_UNAVAILABLE')
          throw error;
        yield { ok: false, key: item.key, code: error.code };
      }
    }
  }

  /** Removes one record's document (recovery of an upload that never registered). */
  async remove(country: string, patientId: string, recordId: string): Promise<void> {
    const location = this.locations.forCountry(country);
    await location.store.remove(location.bucket('structured'), [layout.recordDocument(patientId, recordId)]);
  }

  /** Removes the patient's record documents from every location; returns how many there were. */
  async removePatient(patientId: string): Promise<number> {
    let removed = 0;
    for (const location of this.locations.all())
      removed += await location.store.removePrefix(
        location.bucket('structured'),
        layout.recordDocuments(patientId),
      );
    return removed;
  }
}

/** The opened value is a record document of exactly this place and owner. */
function checked(
  value: unknown,
  owner: string | undefined,
  location: StorageLocation,
  patientId: string,
  recordId: string,
): RecordDocument {
  const doc = decodeRecordDocument(value);
  if (
    doc.recordId !== recordId ||
    doc.patientId !== patientId ||
    doc.country !== location.country ||
    doc.organisation !== owner
  )
    throw new DatalakeError('INTEGRITY_FAILED', 'record document does not belong here');
  return doc;
}

interface PatientEntry {
  readonly schema: 1;
  readonly patientId: string;
  readonly country: string;
  readonly registeredAt: string;
}

interface ErasedEntry {
  readonly schema: 1;
  readonly patientToken: string;
  readonly erasedAt: string;
}

type PatientState =
  { readonly erased: true } | { readonly erased: false; readonly home: StorageLocation | undefined };

/**
 * Patients the data lake accepts records for, each registered in the location of their home country (the country
 * of the organisation that registered them), and the patients it erased — who are refused from then on. The
 * erasure marker is the lake's own until the ledger's `custodia.patient.erased` is followed (README: follow-ups).
 */
export class PatientDirectory {
  /** What this process learnt about a patient (registration and erasure go through it). */
  private readonly known = new Map<string, PatientState>();

  constructor(
    private readonly locations: StorageLocations,
    private readonly documents: SealedDocuments,
    private readonly tokens: KeyedHash,
    /** Key owner of the lake's own patient keys (the directory entry is sealed under one). */
    private readonly lakeOwner: string,
  ) {}

  /** Registers the patient in `country` (idempotent: a registered patient keeps their home); refused once erased. */
  async register(patientId: string, country: string, at: Date): Promise<void> {
    const state = await this.state(patientId);
    if (state.erased) throw erased();
    if (state.home !== undefined) return;
    const location = this.locations.forCountry(country);
    const entry: PatientEntry = { schema: 1, patientId, country, registeredAt: at.toISOString() };
    await this.documents.put(
      location,
      'structured',
      layout.patientEntry(patientId),
      this.key(patientId),
      entry,
    );
    this.known.set(patientId, { erased: false, home: location });
  }

  /** The location of the patient's home country; UNKNOWN_PATIENT unless registered, PATIENT_ERASED once erased. */
  async home(patientId: string): Promise<StorageLocation> {
    const state = await this.state(patientId);
    if (state.erased) throw erased();
    if (state.home === undefined) throw new DatalakeError('UNKNOWN_PATIENT', 'unknown patient');
    return state.home;
  }

  /** Throws UNKNOWN_PATIENT or PATIENT_ERASED unless the patient is registered and not erased. */
  async require(patientId: string): Promise<void> {
    await this.home(patientId);
  }

  async isErased(patientId: string): Promise<boolean> {
    return (await this.state(patientId)).erased;
  }

  /** Marks the patient erased in every location (first, so nothing new is accepted meanwhile), then drops the entry. */
  async markErased(patientId: string, at: Date): Promise<void> {
    const token = this.tokens.patientToken(patientId);
    const entry: ErasedEntry = { schema: 1, patientToken: token, erasedAt: at.toISOString() };
    this.known.set(patientId, { erased: true });
    for (const location of this.locations.all())
      await this.documents.put(
        location,
        'structured',
        layout.erasedMarker(token),
        { scope: 'location' },
        entry,
      );
    for (const location of this.locations.all())
      await location.store.remove(location.bucket('structured'), [layout.patientEntry(patientId)]);
  }

  private key(patientId: string) {
    return { scope: 'patient', patientId, owner: this.lakeOwner } as const;
  }

  private async state(patientId: string): Promise<PatientState> {
    const cached = this.known.get(patientId);
    if (cached !== undefined) return cached;
    const token = this.tokens.patientToken(patientId);
    const found = await Promise.all(
      this.locations.all().map(async (location) => {
        const marker = await this.documents.get(location, 'structured', layout.erasedMarker(token), 4096);
        if (marker !== undefined && (marker.value as Partial<ErasedEntry>).patientToken === token)
          return 'erased';
        const entry = await this.documents.get(
          location,
          'structured',
          layout.patientEntry(patientId),
          4096,
          patientId,
        );
        const value = entry?.value as Partial<PatientEntry> | undefined;
        if (value === undefined) return undefined;
        if (value.patientId !== patientId || value.country !== location.country)
          throw new DatalakeError('INTEGRITY_FAILED', 'patient entry does not belong here');
        return location;
      }),
    );
    const state: PatientState = found.includes('erased')
      ? { erased: true }
      : { erased: false, home: found.find((each): each is StorageLocation => typeof each === 'object') };
    // Only settled facts are kept: an unregistered patient may be registered by another request meanwhile.
    if (state.erased || state.home !== undefined) this.known.set(patientId, state);
    return state;
  }
}

function erased(): DatalakeError {
  return new DatalakeError(
    'PATIENT_ERASED',
    'this patient’s data was erased; nothing more is accepted for them',
  );
}
