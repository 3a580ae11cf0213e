/**
 * Assembly of the temporary record of a committed grant, for its requester. The grant comes in already read and
 * checked (`releasableGrant`: one ledger read per release). The patient's records the grant releases are checked
 * against their on-chain registrations, read in pages (`registrations.ts`) rather than one ledger call each; their
 * raw objects are read and decrypted a bounded number at a time, hashed against the registration, and copied once
 * per grant into the curated zone (never read back: what was read is what goes on). The IPS Bundle is written to
 * the consumer zone piece by piece until the grant expires, the manifest beside it for auditors, and the delivery
 * with the manifest's hash goes on-chain; the curated copy is removed when assembly ends, whatever happens.
 *
 * Binaries are not decrypted here. Their bytes were hashed at ingest in the same pass that sealed them, and that
 * hash is the one registered on-chain; here the registration must carry the hash the lake's document holds and the
 * sealed object must be there at its full sealed length. Every chunk is then authenticated when the requester
 * downloads it (AES-GCM bound to the object, its index and the final flag): a changed, swapped, reordered or cut
 * byte stops the download before the bytes are released, so what arrives whole is what was registered.
 */
import type { Readable } from 'node:stream';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { GrantView, RecordMeta } from '@custodia/chaincode';
import { createLimit } from '../concurrency/limit';
import { sha256Hex } from '../crypto/digest-stream';
import { DatalakeError, isDatalakeError } from '../errors';
import { jsonStream } from '../json/stringify-stream';
import type { LedgerActor, LedgerPort } from '../ledger/port';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import { wholeIfSmall } from '../stream/whole-if-small';
import type { ConsumerZone } from '../zones/consumer';
import { CuratedCopy } from '../zones/curated';
import type { DeliveryManifests } from '../zones/manifests';
import { layout } from '../zones/layout';
import type { RecordDocument, SealedObjectRef } from '../zones/record-document';
import type { RecordIndex } from '../zones/record-index';
import type { SealedObjects } from '../zones/sealed-objects';
import { buildPatientSummary } from './ips-bundle';
import type { SummaryRecord } from './ips-bundle';
import { signLink } from './links';
import { manifestHash } from './manifest';
import type { ExclusionReason, Manifest } from './manifest';
import { chooseListing, readRegistrations, registrationRefusal } from './registrations';
import { releasedCategories, selectRecords } from './select';

export interface AssemblyDeps {
  readonly ledger: LedgerPort;
  /** The data lake's own ledger identity (role admin): reads record registrations, which clinicians may not. */
  readonly serviceActor: LedgerActor;
  readonly locations: StorageLocations;
  readonly index: RecordIndex;
  readonly sealed: SealedObjects;
  readonly consumer: ConsumerZone;
  /** Where manifests are kept for auditors. */
  readonly manifests: DeliveryManifests;
  /** Key owner of the lake's own key, for curated copies. */
  readonly serviceKeyOwner: string;
  /** HMAC secret of binary links. */
  readonly linkSecret: Buffer;
  /** Lifetime of a binary link (never past the grant's expiry). */
  readonly linkTtlMs: number;
  /** Put before binary links' paths (the public prefix under which clients reach them). */
  readonly linkBase?: string;
  readonly now: () => Date;
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
}

export const FHIR_JSON = 'application/fhir+json';
const MAX_RESOURCE_BYTES = 16 * 1024 * 1024;
/** Raw objects read at once: each is two storage round trips (data key, object); more only queues at the store. */
const READ_CONCURRENCY = 16;
/** A temporary record that ends within this size goes up in one request; a larger one streams. */
const SINGLE_PUT_BYTES = 1024 * 1024;

type Checked =
  | { readonly ok: true; readonly record: SummaryRecord }
  | { readonly ok: false; readonly reason: ExclusionReason };

export class AssemblyService {
  constructor(private readonly deps: AssemblyDeps) {}

  /**
   * Assembles `grant`'s temporary record for `actor` (its requester, checked by the caller) and logs the delivery.
   * `replace`: a record already stored for the grant is removed first (an assembly asked for again).
   */
  async assemble(grant: GrantView, actor: LedgerActor, replace: boolean): Promise<Assembled> {
    const { grantId, patientId } = grant;
    const published = await this.deps.index.published(patientId);
    const candidates = selectRecords(published, grant);
    const curated = new CuratedCopy(this.deps.sealed, grantId, this.deps.serviceKeyOwner);
    let cleanup: Promise<void> | undefined;
    try {
      const checked = await this.checkAll(grant, candidates, published, curated);
      await curated.close();
      const records: SummaryRecord[] = [];
      const excluded: { recordId: string; reason: ExclusionReason }[] = [];
      for (const document of candidates) {
        const outcome = checked.get(document.recordId) ?? { ok: false, reason: 'not-registered' };
        if (outcome.ok) records.push(outcome.record);
        else excluded.push({ recordId: document.recordId, reason: outcome.reason });
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
      const bundle = buildPatientSummary({
        grant: {
          grantId,
          patientId,
          granted: grant.granted,
          requested: grant.requested,
          denied: grant.denied,
        },
        records,
        assembledAt,
      });
      const hash = manifestHash(manifest);
      const expiresAt = new Date(grant.expiresAt);
      if (replace && (await this.deps.consumer.meta(grantId)) !== undefined)
        await this.deps.consumer.remove(grantId);
      // The manifest stays readable for auditors (exclusions included); the ledger holds its hash.
      await Promise.all([
        this.deps.manifests.put(manifest),
        this.deps.consumer.put(
          {
            grantId,
            patientId,
            requester: { mspId: actor.mspId, id: actor.id },
            expiresAt,
            contentType: FHIR_JSON,
            manifestHash: hash,
          },
          await wholeIfSmall(jsonStream(bundle), SINGLE_PUT_BYTES),
        ),
      ]);
      cleanup = curated.remove();
      try {
        await this.deps.ledger.recordDelivery(actor, grantId, hash);
      } catch (error) {
        // Nothing is released without its delivery on the ledger.
        await this.deps.consumer.remove(grantId);
        throw error;
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
      };
    } finally {
      await (cleanup ?? curated.remove());
    }
  }

  /** A released binary of `grant` (read and checked by the caller; the link was checked too). */
  async openBinary(
    grant: GrantView,
    recordId: string,
  ): Promise<{ contentType: string; size: number; body: Readable }> {
    const document = await this.deps.index.get(grant.patientId, recordId);
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

  /**
   * Checks every candidate against its registration as the ledger's pages arrive, at most READ_CONCURRENCY raw
   * objects in flight; a candidate the listings never name stays unchecked (not registered).
   */
  private async checkAll(
    grant: GrantView,
    candidates: readonly RecordDocument[],
    published: readonly RecordDocument[],
    curated: CuratedCopy,
  ): Promise<Map<string, Checked>> {
    const byId = new Map(candidates.map((document) => [document.recordId, document]));
    const checked = new Map<string, Checked>();
    const limit = createLimit(READ_CONCURRENCY);
    const running: Promise<void>[] = [];
    if (candidates.length === 0) return checked;
    let settled: PromiseSettledResult<void>[] = [];
    try {
      await readRegistrations(
        this.deps.ledger,
        this.deps.serviceActor,
        grant.patientId,
        chooseListing(candidates, published, grant),
        (registrations) => {
          for (const registration of registrations) {
            const document = byId.get(registration.recordId);
            // A record listed under two categories is checked once.
            if (document === undefined) continue;
            byId.delete(registration.recordId);
            running.push(
              limit(() => this.check(grant, document, registration, curated)).then((outcome) => {
                checked.set(document.recordId, outcome);
              }),
            );
          }
        },
      );
    } finally {
      // Every read in flight ends before the curated copy is removed.
      settled = await Promise.allSettled(running);
    }
    const failure = settled.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    return checked;
  }

  /**
   * One record: its registration must match the lake's document; the raw resource is decrypted (a tampered object
   * fails authentication: 'unreadable'), hashed against what is registered (a substituted one: 'hash-mismatch'),
   * and added to the grant's curated copy.
   */
  private async check(
    grant: GrantView,
    document: RecordDocument,
    registration: RecordMeta,
    curated: CuratedCopy,
  ): Promise<Checked> {
    const refusal = registrationRefusal(document, registration);
    if (refusal !== undefined) return { ok: false, reason: refusal };
    const source = this.deps.locations.forCountry(document.country);
    try {
      if (document.binary !== undefined) {
        if (document.binary.sha256 !== registration.contentHash)
          return { ok: false, reason: 'hash-mismatch' };
        if (!(await this.storedWhole(document, document.binary, source)))
          return { ok: false, reason: 'unreadable' };
      }
      const bytes = await this.deps.sealed.readBuffer(
        rawTarget(document, document.resource, source),
        MAX_RESOURCE_BYTES,
      );
      // A FHIR record's registered hash is its resource's; a binary's DocumentReference has the lake's own.
      const expected = document.binary === undefined ? registration.contentHash : document.resource.sha256;
      if (sha256Hex(bytes) !== expected) return { ok: false, reason: 'hash-mismatch' };
      await curated.add(source, bytes);
      return { ok: true, record: this.summaryRecord(grant, document, JSON.parse(bytes.toString('utf8'))) };
    } catch (error) {
      if (isDatalakeError(error, 'INTEGRITY_FAILED') || isDatalakeError(error, 'NOT_FOUND'))
        return { ok: false, reason: 'unreadable' };
      throw error;
    }
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
    return stored !== undefined && stored.size === this.deps.sealed.sealedSize(binary.size);
  }
}

/** Where the ingest service sealed a record's object. */
export function rawTarget(document: RecordDocument, ref: SealedObjectRef, location: StorageLocation) {
  return {
    location,
    zone: 'raw' as const,
    objectKey: layout.rawObject(document.patientId, ref.objectId),
    keyKey: layout.dataKey(document.patientId, ref.objectId),
    objectId: ref.objectId,
  };
}
