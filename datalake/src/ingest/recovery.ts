/**
 * Recovery at start of uploads a stop interrupted, from their pending markers (zones/pending.ts):
 *
 * - a record already published: the marker was all that was left (the index is brought up to date);
 * - a pending record the ledger already registered: published;
 * - a pending record never registered: registered (as the centre that uploaded it) and published if its sealed
 *   content is intact — it opens and hashes to what its document says — otherwise removed with its document;
 * - objects written before any document: removed.
 *
 * A marker that does not open is removed (it names nothing that may be believed); objects it may have named stay
 * sealed and unreadable without their document. When the ledger does not answer, the marker stays for the next start.
 */
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Logger } from 'pino';
import { DigestStream } from '../crypto/digest-stream';
import { isDatalakeError } from '../errors';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { StorageLocations } from '../storage/locations';
import { layout } from '../zones/layout';
import type { PendingUpload, PendingUploads } from '../zones/pending';
import type { RecordDocument, SealedObjectRef } from '../zones/record-document';
import type { RecordIndexes } from '../zones/record-index';
import type { SealedObjects } from '../zones/sealed-objects';
import type { StructuredZone } from '../zones/structured';
import type { IngestService } from './ingest-service';

export interface RecoveryDeps {
  readonly locations: StorageLocations;
  readonly pending: PendingUploads;
  readonly structured: StructuredZone;
  readonly index: RecordIndexes;
  readonly sealed: SealedObjects;
  readonly ingest: IngestService;
  readonly ledger: LedgerPort;
  readonly logger: Logger;
}

export interface RecoveryReport {
  /** Records published from where the stop left them. */
  readonly completed: number;
  /** Uploads removed (never registered and not intact, or stopped before any document). */
  readonly removed: number;
  /** Markers left for the next start (the ledger did not answer). */
  readonly left: number;
}

type Outcome = 'completed' | 'removed' | 'left';

export async function recoverUploads(deps: RecoveryDeps): Promise<RecoveryReport> {
  const report = { completed: 0, removed: 0, left: 0 };
  for await (const scanned of deps.pending.scan()) {
    if (!scanned.ok) {
      deps.logger.warn(
        { location: scanned.location.country },
        'a pending-upload marker failed authentication; removed',
      );
      await scanned.location.store.remove(scanned.location.bucket('structured'), [scanned.key]);
      continue;
    }
    const outcome = await recoverOne(deps, scanned.marker).catch((error: unknown) => {
      if (!isDatalakeError(error, 'LEDGER_UNAVAILABLE') && !isDatalakeError(error, 'STORAGE_UNAVAILABLE'))
        throw error;
      return 'left' as const;
    });
    report[outcome] += 1;
    deps.logger.info(
      { uploadId: scanned.marker.uploadId, recordId: scanned.marker.recordId, outcome },
      'interrupted upload recovered',
    );
  }
  return report;
}

async function recoverOne(deps: RecoveryDeps, marker: PendingUpload): Promise<Outcome> {
  const actor: LedgerActor & { country: string } = {
    mspId: marker.actor.mspId,
    id: marker.actor.id,
    role: 'centre',
    country: marker.country,
  };
  if (marker.recordId === undefined) return remove(deps, marker);
  let doc: RecordDocument | undefined;
  try {
    doc = await deps.structured.get(marker.country, marker.patientId, marker.recordId);
  } catch (error) {
    if (!isDatalakeError(error, 'INTEGRITY_FAILED')) throw error;
  }
  if (doc?.state === 'published') {
    const indexed = await deps.index.of(doc.country).get(doc.patientId, doc.recordId);
    if (indexed === undefined || indexed.version < doc.version) await deps.index.upsert(doc);
    await deps.ingest.retirePrevious(doc);
    await deps.pending.end(marker);
    return 'completed';
  }
  const registered = await registration(deps, actor, marker.recordId);
  if (doc === undefined) {
    // Registered but its document is gone or forged: nothing here can rebuild it, and nothing is deleted.
    if (registered) {
      deps.logger.warn({ recordId: marker.recordId }, 'a registered record has no authentic document; left');
      return 'left';
    }
    return remove(deps, marker);
  }
  if (!registered && !(await intact(deps, doc))) return remove(deps, marker);
  try {
    // registerRecord is idempotent for the same metadata: an already registered record is just published.
    await deps.ingest.publish({ actor }, doc);
  } catch (error) {
    if (isDatalakeError(error) && error.status < 500 && !registered) return remove(deps, marker);
    throw error;
  }
  await deps.pending.end(marker);
  return 'completed';
}

/** Whether the ledger holds the record (read as the centre, which may read its organisation's registrations). */
async function registration(deps: RecoveryDeps, actor: LedgerActor, recordId: string): Promise<boolean> {
  try {
    return (await deps.ledger.getRecordMeta(actor, recordId)) !== undefined;
  } catch (error) {
    // The centre's identity is gone (disabled, not in the wallet): nobody can register for it.
    if (isDatalakeError(error, 'FORBIDDEN')) return false;
    throw error;
  }
}

/** The record's sealed objects open and hash to what its document (and, for FHIR, the content hash) says. */
async function intact(deps: RecoveryDeps, doc: RecordDocument): Promise<boolean> {
  const location = deps.locations.forCountry(doc.country);
  const hashOf = async (ref: SealedObjectRef): Promise<string | undefined> => {
    const digest = new DigestStream();
    try {
      const body = await deps.sealed.read({
        location,
        zone: 'raw',
        objectKey: layout.rawObject(doc.patientId, ref.objectId),
        keyKey: layout.dataKey(doc.patientId, ref.objectId),
        patientId: doc.patientId,
        objectId: ref.objectId,
      });
      await pipeline(body, digest, new Writable({ write: (_chunk, _encoding, done) => done() }));
      return digest.sha256;
    } catch (error) {
      if (isDatalakeError(error, 'INTEGRITY_FAILED') || isDatalakeError(error, 'NOT_FOUND')) return undefined;
      throw error;
    }
  };
  const resource = await hashOf(doc.resource);
  if (resource !== doc.resource.sha256 || (doc.kind === 'fhir' && resource !== doc.contentHash)) return false;
  if (doc.binary === undefined) return doc.kind === 'fhir';
  const binary = await hashOf(doc.binary);
  return binary === doc.binary.sha256 && binary === doc.contentHash;
}

async function remove(deps: RecoveryDeps, marker: PendingUpload): Promise<Outcome> {
  const location = deps.locations.forCountry(marker.country);
  for (const objectId of marker.objectIds)
    await deps.sealed.remove({
      location,
      zone: 'raw',
      objectKey: layout.rawObject(marker.patientId, objectId),
      keyKey: layout.dataKey(marker.patientId, objectId),
    });
  if (marker.recordId !== undefined)
    await deps.structured.remove(marker.country, marker.patientId, marker.recordId);
  await deps.pending.end(marker);
  return 'removed';
}
