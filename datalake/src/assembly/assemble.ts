/**
 * Assembly of the temporary record of a committed grant, for its requester. The grant comes in already read and
 * checked (`releasableGrant`: one ledger read per release). Every record the grant releases is checked:
 *
 * - its stored metadata document is read back and authenticated (not changed, not another record's or patient's,
 *   not an older version than the index's);
 * - its on-chain registration must agree with it — registrations are read in pages (`registrations.ts`) rather than
 *   one ledger call per record, while the stored documents are read: neither waits for the other;
 * - its raw object is read and decrypted (a bounded number at a time) in the record's own location, hashed against
 *   the registration, and copied once per grant into the curated zone of that location (it never leaves its
 *   country, and is never read back: what was read is what goes on).
 *
 * The IPS Bundle is written to the consumer zone of the patient's home country until the grant expires, the
 * manifest beside it for auditors, while the delivery with the manifest's hash goes on-chain; the record becomes
 * readable (its metadata written) only once that delivery is committed, and nobody receives it before. The curated
 * copies are removed when assembly ends, whatever happens.
 *
 * Binaries are not decrypted here. Their bytes were hashed at ingest in the same pass that sealed them, and that
 * hash is the one registered on-chain; here the registration must carry the hash the lake's authenticated document
 * holds, and the sealed object must be there at its full sealed length. Every chunk is then authenticated when the
 * requester downloads it (AES-GCM under a data key bound to the object's place and id, each chunk bound to its index
 * and the final flag): a changed, swapped, reordered or cut byte stops the download before the bytes are released,
 * so what arrives whole is what was sealed at ingest — and that is what was registered.
 */
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { GrantView, RecordMeta } from '@custodia/chaincode';
import type { Logger } from 'pino';
import { createLimit } from '../concurrency/limit';
import { sha256Hex } from '../crypto/digest-stream';
import { DatalakeError, isDatalakeError } from '../errors';
import { jsonStream } from '../json/stringify-stream';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { wholeIfSmall } from '../stream/whole-if-small';
import type { ConsumerRecordMeta, ConsumerZone } from '../zones/consumer';
import { CuratedCopy } from '../zones/curated';
import type { ContextZone } from '../zones/context';
import type { PatientIdentifications } from '../zones/identification';
import type { DeliveryManifests } from '../zones/manifests';
import { layout } from '../zones/layout';
import type { RecordDocument, SealedObjectRef } from '../zones/record-document';
import type { RecordCounts, RecordIndexes } from '../zones/record-index';
import type { SealedObjects } from '../zones/sealed-objects';
import type { PatientDirectory, StructuredZone } from '../zones/structured';
import type { Outgoing } from '../stream/outgoing';
import { rawTarget, recordContent } from './content';
import { buildPatientSummary } from './ips-bundle';
import type { SummaryRecord } from './ips-bundle';
import { signLink } from './links';
import { manifestHash } from './manifest';
import { assembleOwnRecord } from './own-record';
import type { ExclusionReason, Manifest } from './manifest';
import {
  chooseListing,
  readRegistrations,
  registrationRefusal,
  Registrations,
  sameSet,
} from './registrations';
import { releasedCategories, selectRecords } from './select';

/** A released binary: its type and size, and its plaintext to send (authenticated chunk by chunk as it goes). */
export interface OpenedBinary {
  readonly contentType: string;
  readonly size: number;
  readonly body: Outgoing;
}

export interface AssemblyDeps {
  readonly ledger: LedgerPort;
  /** The data lake's own ledger identity (role admin): reads record registrations, which clinicians may not. */
  readonly serviceActor: LedgerActor;
  readonly locations: StorageLocations;
  readonly index: RecordIndexes;
  /** Where each record's metadata document is read back from (and authenticated) before release. */
  readonly structured: StructuredZone;
  /** The patients' home locations (where their temporary records are kept). */
  readonly patients: PatientDirectory;
  /** Who each patient is, as their home organisation gave it: the Patient of every record. */
  readonly identifications: PatientIdentifications;
  /** What the records reference (practitioners, organisations, encounters…), kept beside them. */
  readonly context: ContextZone;
  readonly sealed: SealedObjects;
  readonly consumer: ConsumerZone;
  /** Where manifests are kept for auditors. */
  readonly manifests: DeliveryManifests;
  /** Key owner of the lake's own keys, for curated copies. */
  readonly serviceKeyOwner: string;
  /** HMAC secret of binary links. */
  readonly linkSecret: Buffer;
  /** Lifetime of a binary link (never past the grant's expiry). */
  readonly linkTtlMs: number;
  /**
   * Put before binary links' paths: where clients reach them — absolute (`https://custodia.example/api`, the
   * deployment's public base URL) so the record's attachment URLs work outside Custodia; a path is kept as is.
   */
  readonly linkBase?: string;
  readonly now: () => Date;
  /** Exclusions are logged here (record and grant ids, reason). */
  readonly logger?: Logger;
}

export interface AssemblyResult {
  readonly grantId: string;
  readonly manifestHash: string;
  readonly expiresAt: string;
  readonly included: Manifest['included'];
  readonly excluded: Manifest['excluded'];
}

/** An assembly's answer, and the Bundle it stored (for whoever waited on this assembly to stream it out). */
export interface Assembled {
  readonly result: AssemblyResult;
  readonly bundle: Bundle;
  /** The Bundle's JSON as stored, when small enough to have been held whole (else serialised again to stream). */
  readonly serialized?: Buffer;
}

export const FHIR_JSON = 'application/fhir+json';
/**
 * Records checked at once: each is one storage read (its sealed document, resource inside) — three (document, data
 * key, raw object) for documents of the earlier layout; more only queues at the S3 server.
 */
const READ_CONCURRENCY = 32;
/** A temporary record that ends within this size goes up in one request; a larger one streams. */
const SINGLE_PUT_BYTES = 1024 * 1024;

type Checked =
  | { readonly ok: true; readonly record: SummaryRecord }
  | { readonly ok: false; readonly reason: ExclusionReason };

type Stored =
  | { readonly ok: true; readonly document: RecordDocument }
  | { readonly ok: false; readonly reason: ExclusionReason };

export class AssemblyService {
  constructor(private readonly deps: AssemblyDeps) {}

  /**
   * Assembles `grant`'s temporary record for `actor` (its requester, checked by the caller) in the patient's home
   * location and logs the delivery. `replace`: a record already stored for the grant is removed first (an assembly
   * asked for again).
   */
  async assemble(grant: GrantView, actor: LedgerActor, replace: boolean): Promise<Assembled> {
    const { grantId, patientId } = grant;
    const home = await this.deps.patients.home(patientId);
    // Only the documents of the granted categories are opened (a record is released only when all its categories
    // are); the listing is chosen from key counts.
    const granted = grant.granted.map(({ category }) => category);
    const [published, counts] = await Promise.all([
      this.deps.index.published(patientId, granted),
      this.deps.index.counts(patientId, granted),
    ]);
    const candidates = selectRecords(published, grant);
    const curated = new CuratedCopy(this.deps.sealed, grantId, patientId, this.deps.serviceKeyOwner);
    // Who the patient is and what the records reference are read while the records are: neither depends on which
    // records pass (the Bundle keeps only the context the released records reference).
    const surroundings = Promise.all([
      this.deps.identifications.get(home, patientId),
      this.deps.context.ofPatient(
        [...new Set(candidates.map(({ country }) => country))].map((country) =>
          this.deps.locations.forCountry(country),
        ),
        patientId,
      ),
    ]);
    surroundings.catch(() => undefined);
    let cleanup: Promise<void> | undefined;
    try {
      const checked = await this.checkAll(grant, candidates, counts, curated);
      const records: SummaryRecord[] = [];
      const excluded: { recordId: string; reason: ExclusionReason }[] = [];
      for (const { recordId } of candidates) {
        const outcome = checked.get(recordId) ?? { ok: false, reason: 'not-registered' };
        if (outcome.ok) records.push(outcome.record);
        else {
          excluded.push({ recordId, reason: outcome.reason });
          this.deps.logger?.warn(
            { grantId, recordId, reason: outcome.reason },
            'record excluded from release',
          );
        }
      }
      const assembledAt = this.deps.now();
      const manifest: Manifest = {
        grantId,
        patientId,
        assembledAt: assembledAt.toISOString(),
        included: records.map(({ document }) => ({
          recordId: document.recordId,
          contentHash: document.contentHash,
        })),
        excluded,
      };
      // The manifest stays readable for auditors (exclusions included); stored while the Bundle is built, and before
      // the ledger holds its hash.
      const manifestStored = this.deps.manifests.put(home, manifest);
      manifestStored.catch(() => undefined);
      // The curated copy is finished once the manifest is stored — the delivery waits for the manifest, not for the
      // copy, so S3 serves the manifest first — and completes while the delivery goes on-chain; nothing is published
      // before it is stored. (Finished at once, the two together kept the manifest, and so the delivery, waiting
      // ~13 ms longer: median of 20 opens of 50 records.)
      const curatedStored = manifestStored.then(() => curated.close());
      curatedStored.catch(() => undefined);
      const [identification, context] = await surroundings;
      const bundle = buildPatientSummary({
        grant: {
          grantId,
          patientId,
          granted: grant.granted,
          requested: grant.requested,
          denied: grant.denied,
        },
        records,
        context,
        ...(identification === undefined ? {} : { patient: identification }),
        assembledAt,
      });
      const hash = manifestHash(manifest);
      const expiresAt = new Date(grant.expiresAt);
      if (replace && (await this.deps.consumer.meta(home, grantId).catch(() => undefined)) !== undefined)
        await this.deps.consumer.remove(grantId);
      // Serialised once: stored, and (when small) streamed to whoever waits on this assembly.
      const serialized = await wholeIfSmall(jsonStream(bundle), SINGLE_PUT_BYTES);
      // The temporary record is stored while its delivery goes on-chain, but nobody can read it yet.
      const stored = this.deps.consumer.store(
        home,
        {
          grantId,
          patientId,
          sources: [...new Set(records.map(({ document }) => document.country))].sort(),
          requester: { mspId: actor.mspId, id: actor.id },
          expiresAt,
          contentType: FHIR_JSON,
          manifestHash: hash,
        },
        serialized,
      );
      stored.catch(() => undefined);
      let meta: ConsumerRecordMeta;
      try {
        // The ledger never holds the hash of a manifest auditors cannot read: it is stored first. The curated copy
        // completes while the delivery goes on-chain (it is off the clinician's wait: nothing is published before
        // both are done), then goes: no longer needed.
        await manifestStored;
        const [copy, delivery] = await Promise.allSettled([
          curatedStored.finally(() => {
            cleanup = curated.remove();
            // Awaited when the assembly ends; a failure meanwhile must not go unhandled.
            cleanup.catch(() => undefined);
          }),
          this.deps.ledger.recordDelivery(actor, grantId, hash),
        ]);
        // The ledger's answer first: a refused delivery (the grant ended) is what the opener must hear, not "retry".
        if (delivery.status === 'rejected') {
          if (copy.status === 'rejected')
            this.deps.logger?.warn({ grantId, error: errorName(copy.reason) }, 'the curated copy failed too');
          throw delivery.reason;
        }
        if (copy.status === 'rejected') throw copy.reason;
        meta = await stored;
      } catch (error) {
        // Nothing is released without its delivery on the ledger, and nothing of a failed assembly is kept.
        await stored.catch(() => undefined);
        await this.deps.consumer.remove(grantId);
        throw error;
      }
      // Readable only from now on: its delivery is on the ledger. (Published before, a second opener — or any
      // opener after a crash before the delivery — would have read a record the ledger never logged.)
      await this.deps.consumer.publish(home, meta);
      // The grant may have ended while this ran: revoked (a revocation listener removed its record), the patient's
      // data erased, or expired (the sweep removes it). A removal that listed the grant's objects before the
      // metadata was written has left it behind: it goes now, and nobody receives the record.
      if (
        expiresAt.getTime() <= this.deps.now().getTime() ||
        !(await this.deps.consumer.intact(home, meta))
      ) {
        await this.deps.consumer.remove(grantId);
        throw new DatalakeError('GRANT_NOT_ACTIVE', 'the grant ended while its record was assembled');
      }
      return {
        result: {
          grantId,
          manifestHash: hash,
          expiresAt: expiresAt.toISOString(),
          included: manifest.included,
          excluded,
        },
        bundle,
        ...(Buffer.isBuffer(serialized) ? { serialized } : {}),
      };
    } finally {
      await (cleanup ?? curated.remove());
    }
  }

  /** A released binary of `grant` (read and checked by the caller; the link was checked too). */
  async openBinary(grant: GrantView, recordId: string): Promise<OpenedBinary> {
    const indexed = await this.deps.index.get(grant.patientId, recordId);
    const verified = indexed === undefined ? undefined : await this.stored(indexed);
    const document = verified?.ok === true ? verified.document : undefined;
    const binary = document?.binary;
    if (
      document === undefined ||
      binary === undefined ||
      document.supersededBy !== undefined ||
      releasedCategories(document, grant).length === 0
    )
      throw new DatalakeError('NOT_FOUND', 'no such binary in this grant');
    const body = await this.deps.sealed.stream(
      rawTarget(document, binary, this.deps.locations.forCountry(document.country)),
      binary.size,
    );
    return { contentType: binary.contentType, size: binary.size, body };
  }

  /** The patient's own record (no grant: their certificate says it is them); see own-record.ts. */
  ownRecord(patientId: string, actor: LedgerActor): Promise<Bundle> {
    return assembleOwnRecord(this.deps, (indexed) => this.stored(indexed), patientId, actor);
  }

  /**
   * Checks every candidate against its registration. The candidates' stored documents are read from the start (at
   * most READ_CONCURRENCY at a time) while the ledger's pages of registrations arrive, so neither round trip waits
   * for the other; a record is checked once both are in. A candidate the listings never name is not registered.
   */
  private async checkAll(
    grant: GrantView,
    candidates: readonly RecordDocument[],
    counts: RecordCounts,
    curated: CuratedCopy,
  ): Promise<Map<string, Checked>> {
    const checked = new Map<string, Checked>();
    if (candidates.length === 0) return checked;
    const registrations = new Registrations(candidates.map(({ recordId }) => recordId));
    const limit = createLimit(READ_CONCURRENCY);
    const running = candidates.map(async (indexed) => {
      // The slot is freed once the document is read: reads never stall behind a page still to come.
      const verified = await limit(() => this.stored(indexed));
      const registration = await registrations.of(indexed.recordId);
      checked.set(indexed.recordId, await limit(() => this.check(grant, verified, registration, curated)));
    });
    const [listed, ...settled] = await Promise.allSettled([
      readRegistrations(
        this.deps.ledger,
        this.deps.serviceActor,
        grant.patientId,
        chooseListing(candidates, counts, grant),
        (page) => registrations.named(page),
      ).then(
        () => registrations.end(),
        (error: unknown) => {
          registrations.abort(error);
          throw error;
        },
      ),
      // Every read in flight ends before the curated copy is removed.
      ...running,
    ]);
    const failure = [listed, ...settled].find((outcome) => outcome?.status === 'rejected');
    if (failure?.status === 'rejected') throw failure.reason;
    return checked;
  }

  /**
   * One record: its registration (none: 'not-registered'), its stored metadata (authentic, current), the two
   * agreeing (same hash, categories and labels, not superseded), then its resource — from the document, or the raw
   * zone for the earlier layout (a tampered object fails authentication: 'unreadable') — hashed against what is
   * registered (a substituted one: 'hash-mismatch') and added to the curated copy of its location.
   */
  private async check(
    grant: GrantView,
    verified: Stored,
    registration: RecordMeta | undefined,
    curated: CuratedCopy,
  ): Promise<Checked> {
    if (registration === undefined) return { ok: false, reason: 'not-registered' };
    if (!verified.ok) return verified;
    const { document } = verified;
    if (document.supersededBy !== undefined) return { ok: false, reason: 'superseded' };
    if (releasedCategories(document, grant).length === 0) return { ok: false, reason: 'metadata-mismatch' };
    const refusal = registrationRefusal(document, registration);
    if (refusal !== undefined) return { ok: false, reason: refusal };
    const source = this.deps.locations.forCountry(document.country);
    try {
      if (document.binary !== undefined && !(await this.storedWhole(document, document.binary, source)))
        return { ok: false, reason: 'unreadable' };
      const bytes = await recordContent(this.deps.sealed, this.deps.locations, document);
      // A FHIR record's registered hash is its resource's; a binary's DocumentReference has the lake's own.
      const expected = document.binary === undefined ? registration.contentHash : document.resource.sha256;
      if (sha256Hex(bytes) !== expected) return { ok: false, reason: 'hash-mismatch' };
      await curated.add(source, bytes);
      return {
        ok: true,
        record: this.summaryRecord(grant, document, JSON.parse(bytes.toString('utf8')) as Resource),
      };
    } catch (error) {
      if (isDatalakeError(error, 'INTEGRITY_FAILED') || isDatalakeError(error, 'NOT_FOUND'))
        return { ok: false, reason: 'unreadable' };
      throw error;
    }
  }

  /**
   * The record's metadata document as stored, authenticated and no older than the index's copy (a newer one —
   * the index lagging behind a crash — is taken, and the index brought up to date).
   */
  private async stored(indexed: RecordDocument): Promise<Stored> {
    let stored: RecordDocument | undefined;
    try {
      stored = await this.deps.structured.get(indexed.country, indexed.patientId, indexed.recordId);
    } catch (error) {
      if (isDatalakeError(error, 'INTEGRITY_FAILED')) return { ok: false, reason: 'metadata-unauthentic' };
      throw error;
    }
    if (stored === undefined) return { ok: false, reason: 'metadata-unauthentic' };
    if (stored.version < indexed.version) return { ok: false, reason: 'metadata-replayed' };
    if (stored.version > indexed.version) {
      await this.deps.index.upsert(stored);
      return { ok: true, document: stored };
    }
    return sameDocument(stored, indexed)
      ? { ok: true, document: stored }
      : { ok: false, reason: 'metadata-mismatch' };
  }

  private summaryRecord(grant: GrantView, document: RecordDocument, resource: Resource): SummaryRecord {
    if (document.binary === undefined) return { document, resource };
    const linkExpiry = new Date(
      Math.min(this.deps.now().getTime() + this.deps.linkTtlMs, Date.parse(grant.expiresAt)),
    );
    return {
      document,
      resource,
      binaryUrl: signLink(
        this.deps.linkSecret,
        { grantId: grant.grantId, recordId: document.recordId },
        linkExpiry,
        this.deps.linkBase,
      ),
    };
  }

  /** The binary's sealed object is stored at the length its plaintext size gives (not gone, not cut short). */
  private async storedWhole(
    document: RecordDocument,
    binary: SealedObjectRef,
    source: StorageLocation,
  ): Promise<boolean> {
    const stored = await source.store.stat(
      source.bucket('raw'),
      layout.rawObject(document.patientId, binary.objectId),
    );
    return stored !== undefined && this.deps.sealed.storedWhole(binary.size, stored.size);
  }
}

/** An error's name or code for a log line (never its message: it may quote content). */
function errorName(error: unknown): string {
  if (isDatalakeError(error)) return error.code;
  return error instanceof Error ? error.name : typeof error;
}

/** The fields release is decided from agree (the index's copy and the stored document of one version). */
function sameDocument(a: RecordDocument, b: RecordDocument): boolean {
  return (
    a.state === b.state &&
    a.contentHash === b.contentHash &&
    sameSet(a.categories, b.categories) &&
    sameSet(a.labels, b.labels) &&
    a.resource.objectId === b.resource.objectId &&
    a.binary?.objectId === b.binary?.objectId &&
    a.supersededBy === b.supersededBy
  );
}
