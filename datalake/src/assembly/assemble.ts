/**
 * Assembly of the temporary record for a committed grant. The grant is read from the ledger with the requester's
 * own identity (a gateway bug cannot release data alone); every selected record's stored metadata document is read
 * back and authenticated (not changed, not another record's or patient's, not an older version than the index's),
 * its registration read on the ledger, and its raw object copied raw → curated in the record's own location
 * (re-sealed for the grant; it never leaves its country) with the copy's SHA-256 checked against the registration.
 * The IPS Bundle goes to the consumer zone of the patient's home country until the grant expires, with the
 * manifest beside it; the delivery and its manifest hash go on-chain. The curated copies are deleted when assembly
 * ends, whatever happens.
 */
import { Writable } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { GrantView } from '@custodia/chaincode';
import type { Logger } from 'pino';
import { mapBounded } from '../concurrency/map-bounded';
import { DigestStream } from '../crypto/digest-stream';
import { DatalakeError, isDatalakeError } from '../errors';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { ConsumerZone } from '../zones/consumer';
import type { DeliveryManifests } from '../zones/manifests';
import { layout } from '../zones/layout';
import type { RecordDocument, SealedObjectRef } from '../zones/record-document';
import type { RecordIndexes } from '../zones/record-index';
import { newObjectId } from '../zones/sealed-objects';
import type { SealedObjects } from '../zones/sealed-objects';
import type { PatientDirectory, StructuredZone } from '../zones/structured';
import { buildPatientSummary } from './ips-bundle';
import type { SummaryRecord } from './ips-bundle';
import { signLink } from './links';
import { assembleOwnRecord } from './own-record';
import type { ExclusionReason, Manifest } from './manifest';
import { checkRequester } from './requester';
import { releasedCategories, selectRecords } from './select';

export interface AssemblyDeps {
  readonly ledger: LedgerPort;
  /** The data lake's own ledger identity (role admin): reads record registrations, which clinicians may not. */
  readonly serviceActor: LedgerActor;
  readonly locations: StorageLocations;
  readonly index: RecordIndexes;
  /** Where each record's metadata document is read back from (and authenticated) before release. */
  readonly structured: StructuredZone;
  /** The patients' home locations (where their temporary records are kept) and erasures. */
  readonly patients: PatientDirectory;
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
  /** Put before binary links' paths (the public prefix under which clients reach them). */
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

const MAX_RESOURCE_BYTES = 16 * 1024 * 1024;
/** Records checked at once: each is a ledger read and a few storage round trips. */
const CHECK_CONCURRENCY = 8;
const FHIR_JSON = 'application/fhir+json';

type Checked =
  | { readonly ok: true; readonly record: SummaryRecord }
  | { readonly ok: false; readonly reason: ExclusionReason };

/** A sink that only counts: a binary's bytes are hashed, not kept. */
function discard(): Writable {
  return new Writable({ write: (_chunk, _encoding, done) => done() });
}

export class AssemblyService {
  constructor(private readonly deps: AssemblyDeps) {}

  /**
   * The grant as the requester sees it on the ledger; refuses anything but the requester's active grant, and a
   * requester whose certificate is no longer in the country the grant was decided for.
   */
  async activeGrant(grantId: string, actor: LedgerActor): Promise<GrantView> {
    const grant = await this.deps.ledger.getGrant(actor, grantId);
    if (grant === undefined) throw new DatalakeError('NOT_FOUND', 'no such grant');
    // The patient and auditors may read a grant on the ledger; only its requester receives the data.
    if (grant.requester.mspId !== actor.mspId || grant.requester.id !== actor.id)
      throw new DatalakeError('FORBIDDEN', 'not the requester of this grant');
    if (grant.status !== 'active')
      throw new DatalakeError('GRANT_NOT_ACTIVE', `the grant is ${grant.status}`);
    checkRequester(grant, await this.deps.ledger.signerOf(actor), actor);
    // An erased patient's data is never released again, whatever the ledger still says of the grant.
    if (await this.deps.patients.isErased(grant.patientId))
      throw new DatalakeError('PATIENT_ERASED', 'this patient’s data was erased');
    return grant;
  }

  /** Where the grant's temporary record is kept: the patient's home location. */
  async recordLocation(grant: GrantView): Promise<StorageLocation> {
    return this.deps.patients.home(grant.patientId);
  }

  async assemble(grantId: string, actor: LedgerActor): Promise<AssemblyResult> {
    const grant = await this.activeGrant(grantId, actor);
    const home = await this.recordLocation(grant);
    const candidates = selectRecords(await this.deps.index.published(grant.patientId), grant);
    try {
      const checks = await mapBounded(candidates, CHECK_CONCURRENCY, (document) =>
        this.check(grant, document),
      );
      const records: SummaryRecord[] = [];
      const excluded: { recordId: string; reason: ExclusionReason }[] = [];
      checks.forEach((checked, index) => {
        if (checked.ok) records.push(checked.record);
        else {
          const { recordId } = candidates[index] as RecordDocument;
          excluded.push({ recordId, reason: checked.reason });
          this.deps.logger?.warn(
            { grantId, recordId, reason: checked.reason },
            'record excluded from release',
          );
        }
      });
      const assembledAt = this.deps.now();
      const manifest: Manifest = {
        grantId,
        patientId: grant.patientId,
        assembledAt: assembledAt.toISOString(),
        included: records.map(({ document }) => ({
          recordId: document.recordId,
          contentHash: document.contentHash,
        })),
        excluded,
      };
      const bundle = buildPatientSummary({
        grant: {
          grantId,
          patientId: grant.patientId,
          granted: grant.granted,
          requested: grant.requested,
          denied: grant.denied,
        },
        records,
        assembledAt,
      });
      const expiresAt = new Date(grant.expiresAt);
      // The manifest itself stays readable for auditors (exclusions included); the ledger holds its hash.
      const hash = await this.deps.manifests.put(home, manifest);
      // A second assembly of the same grant replaces the first.
      if ((await this.deps.consumer.meta(home, grantId).catch(() => undefined)) !== undefined)
        await this.deps.consumer.remove(grantId);
      await this.deps.consumer.put(
        home,
        {
          grantId,
          patientId: grant.patientId,
          sources: [...new Set(records.map(({ document }) => document.country))].sort(),
          requester: { mspId: actor.mspId, id: actor.id },
          expiresAt,
          contentType: FHIR_JSON,
          manifestHash: hash,
        },
        Buffer.from(JSON.stringify(bundle)),
      );
      try {
        await this.deps.ledger.recordDelivery(actor, grantId, hash);
      } catch (error) {
        // Nothing is released without its delivery on the ledger.
        await this.deps.consumer.remove(grantId);
        throw error;
      }
      return {
        grantId,
        manifestHash: hash,
        expiresAt: expiresAt.toISOString(),
        included: manifest.included,
        excluded,
      };
    } finally {
      const sources = new Set(candidates.map((document) => document.country));
      for (const country of sources) {
        const source = this.deps.locations.forCountry(country);
        await source.store.removePrefix(source.bucket('curated'), layout.curatedGrant(grantId));
        await source.store.removePrefix(source.bucket('keys'), layout.curatedKeys(grantId));
      }
    }
  }

  /** A released binary of an active grant, for its requester (the link was checked by the caller). */
  async openBinary(
    grantId: string,
    recordId: string,
    actor: LedgerActor,
  ): Promise<{ contentType: string; size: number; body: Readable }> {
    const grant = await this.activeGrant(grantId, actor);
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
    const body = await this.deps.sealed.read(
      rawTarget(document, binary, this.deps.locations.forCountry(document.country)),
    );
    return { contentType: binary.contentType, size: binary.size, body };
  }

  /** The patient's own record (no grant: their certificate says it is them); see own-record.ts. */
  ownRecord(patientId: string, actor: LedgerActor): Promise<Bundle> {
    return assembleOwnRecord(this.deps, (indexed) => this.stored(indexed), patientId, actor);
  }

  /**
   * The record's metadata document as stored, authenticated and no older than the index's copy (a newer one —
   * the index lagging behind a crash — is taken, and the index brought up to date).
   */
  private async stored(
    indexed: RecordDocument,
  ): Promise<
    | { readonly ok: true; readonly document: RecordDocument }
    | { readonly ok: false; readonly reason: ExclusionReason }
  > {
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

  /**
   * Checks one record and copies it raw → curated in its own location: its stored metadata (authentic, current),
   * its registration on the ledger (same hash, categories and labels, not superseded), then what was read against
   * the registered hash. A tampered raw object fails its authenticated decryption ('unreadable'); a substituted one
   * fails the hash.
   */
  private async check(grant: GrantView, indexed: RecordDocument): Promise<Checked> {
    const verified = await this.stored(indexed);
    if (!verified.ok) return verified;
    const { document } = verified;
    if (document.supersededBy !== undefined) return { ok: false, reason: 'superseded' };
    if (releasedCategories(document, grant).length === 0) return { ok: false, reason: 'metadata-mismatch' };
    const meta = await this.deps.ledger.getRecordMeta(this.deps.serviceActor, document.recordId);
    if (meta === undefined || meta.patientId !== grant.patientId)
      return { ok: false, reason: 'not-registered' };
    if (meta.contentHash !== document.contentHash) return { ok: false, reason: 'hash-mismatch' };
    if (meta.supersededBy !== undefined) return { ok: false, reason: 'superseded' };
    if (!sameSet(meta.categories, document.categories) || !sameSet(meta.labels, document.labels))
      return { ok: false, reason: 'metadata-mismatch' };
    const source = this.deps.locations.forCountry(document.country);
    try {
      const copied = await this.copyToCurated(grant.grantId, document, document.resource, source);
      const resourceHash = document.kind === 'fhir' ? meta.contentHash : document.resource.sha256;
      if (copied.sha256 !== resourceHash) return { ok: false, reason: 'hash-mismatch' };
      if (
        document.binary !== undefined &&
        (await this.binaryHash(document, document.binary, source)) !== meta.contentHash
      )
        return { ok: false, reason: 'hash-mismatch' };
      const resource = JSON.parse(
        (await this.deps.sealed.readBuffer(copied.target, MAX_RESOURCE_BYTES)).toString('utf8'),
      ) as Resource;
      const linkExpiry = new Date(
        Math.min(this.deps.now().getTime() + this.deps.linkTtlMs, Date.parse(grant.expiresAt)),
      );
      return {
        ok: true,
        record: {
          document,
          resource,
          ...(document.binary === undefined
            ? {}
            : {
                binaryUrl: signLink(
                  this.deps.linkSecret,
                  { grantId: grant.grantId, recordId: document.recordId },
                  linkExpiry,
                  this.deps.linkBase,
                ),
              }),
        },
      };
    } catch (error) {
      if (isDatalakeError(error, 'INTEGRITY_FAILED') || isDatalakeError(error, 'NOT_FOUND'))
        return { ok: false, reason: 'unreadable' };
      throw error;
    }
  }

  /** The record re-sealed for the grant in the curated zone of its own location (it never leaves its country). */
  private async copyToCurated(
    grantId: string,
    document: RecordDocument,
    ref: SealedObjectRef,
    source: StorageLocation,
  ) {
    const plaintext = await this.deps.sealed.read(rawTarget(document, ref, source));
    const objectId = newObjectId();
    const target = {
      location: source,
      zone: 'curated' as const,
      objectKey: layout.curatedRecord(grantId, document.recordId),
      keyKey: layout.curatedKey(grantId, objectId),
      patientId: document.patientId,
      objectId,
    };
    const written = await this.deps.sealed.write({ ...target, owner: this.deps.serviceKeyOwner }, plaintext);
    return { sha256: written.sha256, target };
  }

  private async binaryHash(
    document: RecordDocument,
    binary: SealedObjectRef,
    source: StorageLocation,
  ): Promise<string> {
    const digest = new DigestStream();
    await pipeline(await this.deps.sealed.read(rawTarget(document, binary, source)), digest, discard());
    return digest.sha256;
  }
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

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}
