/**
 * Sealed documents in the zones (and the index): every document the lake decides anything from is sealed under a
 * key of the patient it is about (or, for what is no patient's, the location key) and bound to where it lives —
 * location, zone, object key and patient — so a changed document, or one copied from another record or another
 * patient, fails to open (INTEGRITY_FAILED) and is never believed.
 */
import { documentHeader, openDocument, sealDocument } from '../crypto/document-seal';
import type { DocumentHeader } from '../crypto/document-seal';
import type { Keyrings } from '../crypto/keyring';
import { DatalakeError } from '../errors';
import type { StorageLocation, Zone } from '../storage/locations';

/** Whose key seals a document. */
export type DocumentKey =
  | {
      readonly scope: 'patient';
      readonly patientId: string;
      /** The organisation (or the lake) whose patient key it is. */
      readonly owner: string;
      /** Also name the patient in the header (documents whose object key does not name them). */
      readonly named?: boolean;
    }
  | { readonly scope: 'location' };

/** The header owner of location-key documents (no organisation id starts with `@`). */
const LOCATION_OWNER = '@location';

export class SealedDocuments {
  constructor(private readonly keyrings: Keyrings) {}

  /** Seals `value` as JSON for the place `where` (a context string: location, zone, key). */
  async seal(country: string, where: string, key: DocumentKey, value: unknown): Promise<Buffer> {
    const plaintext = Buffer.from(JSON.stringify(value), 'utf8');
    const keyring = this.keyrings.of(country);
    if (key.scope === 'location')
      return sealDocument(
        (await keyring.location()).documents,
        { owner: LOCATION_OWNER },
        context(where),
        plaintext,
      );
    const header: DocumentHeader = key.named
      ? { owner: key.owner, patientId: key.patientId }
      : { owner: key.owner };
    const patientKey = await keyring.patient(key.patientId, key.owner, true);
    return sealDocument(patientKey.documents, header, context(where, key.patientId), plaintext);
  }

  /**
   * Opens a sealed document of `where`. `patientId`: the patient the reader expects (from the object key or the
   * ledger); a document naming another patient, or sealed for another place, fails with INTEGRITY_FAILED.
   */
  async open(country: string, where: string, bytes: Buffer, patientId?: string): Promise<OpenedDocument> {
    const header = documentHeader(bytes);
    const keyring = this.keyrings.of(country);
    if (header.owner === LOCATION_OWNER) {
      if (header.patientId !== undefined) throw unauthentic();
      return { value: parse(openDocument((await keyring.location()).documents, bytes, context(where))) };
    }
    const patient = header.patientId ?? patientId;
    if (
      patient === undefined ||
      (patientId !== undefined && header.patientId !== undefined && header.patientId !== patientId)
    )
      throw unauthentic();
    const patientKey = await keyring.patient(patient, header.owner, false);
    return {
      value: parse(openDocument(patientKey.documents, bytes, context(where, patient))),
      owner: header.owner,
      patientId: patient,
    };
  }

  /** Writes a sealed document into a zone. */
  async put(
    location: StorageLocation,
    zone: Zone,
    objectKey: string,
    key: DocumentKey,
    value: unknown,
  ): Promise<void> {
    const bytes = await this.seal(location.country, place(location, zone, objectKey), key, value);
    await location.store.put(location.bucket(zone), objectKey, bytes, {
      contentType: 'application/octet-stream',
    });
  }

  /** Reads a sealed document of a zone; undefined when absent. */
  async get(
    location: StorageLocation,
    zone: Zone,
    objectKey: string,
    maxBytes: number,
    patientId?: string,
  ): Promise<OpenedDocument | undefined> {
    const bytes = await location.store.getBuffer(location.bucket(zone), objectKey, maxBytes);
    if (bytes === undefined) return undefined;
    return this.open(location.country, place(location, zone, objectKey), bytes, patientId);
  }

  /** The patient a stored document names in its header, without opening it (erasure finds a patient's jobs so). */
  static namedPatient(bytes: Buffer): string | undefined {
    try {
      return documentHeader(bytes).patientId;
    } catch {
      return undefined;
    }
  }
}

export interface OpenedDocument {
  readonly value: unknown;
  /** The key owner (absent for location documents). */
  readonly owner?: string;
  readonly patientId?: string;
}

/** The place a zone document is bound to. */
export function place(location: StorageLocation, zone: Zone, objectKey: string): string {
  return `${location.country}\0${zone}\0${objectKey}`;
}

function context(where: string, patientId = ''): string {
  return `custodia-document/1\0${where}\0${patientId}`;
}

function parse(plaintext: Buffer): unknown {
  try {
    return JSON.parse(plaintext.toString('utf8')) as unknown;
  } catch {
    throw new DatalakeError('INTEGRITY_FAILED', 'stored document is not JSON');
  }
}

function unauthentic(): DatalakeError {
  return new DatalakeError('INTEGRITY_FAILED', 'stored document belongs to another patient');
}
