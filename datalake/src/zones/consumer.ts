/**
 * The consumer zone: the assembled temporary record of a grant, in the location of the patient's home country,
 * sealed under the lake's key of that patient there, readable by the grant's requester only and only until the
 * grant expires. Expiry is enforced here, not by bucket lifecycle rules (s3rver has none, and a rule deletes a day
 * late): at read time, and by the sweeper deleting expired grants from an expiry index kept in the bucket itself, so
 * it survives restarts — `expiry/<epoch ms, zero-padded>/<grantId>/<patientId>/<mac>` markers, which sort by time: a
 * sweep reads the due ones and the first one still to come, whatever the number of live grants. The MAC (under the
 * location key) makes a marker forged in the bucket harmless: the sweeper deletes only what an authentic one names.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Keyrings } from '../crypto/keyring';
import { DatalakeError } from '../errors';
import type { StorageLocation, StorageLocations } from '../storage/locations';
import type { SealedDocuments } from './documents';
import { expiryPrefix, layout, parseExpiryMarker } from './layout';
import type { ExpiryMarker } from './layout';
import { newObjectId } from './sealed-objects';
import type { SealedObjects } from './sealed-objects';

export interface ConsumerParty {
  readonly mspId: string;
  readonly id: string;
}

export interface ConsumerRecordSpec {
  readonly grantId: string;
  readonly patientId: string;
  /** Countries whose records went into it (the residency check reports them). */
  readonly sources: readonly string[];
  readonly requester: ConsumerParty;
  readonly expiresAt: Date;
  readonly contentType: string;
  readonly manifestHash: string;
}

export interface ConsumerRecordMeta extends Omit<ConsumerRecordSpec, 'expiresAt'> {
  readonly schema: 2;
  readonly expiresAt: string;
  readonly objectId: string;
  readonly size: number;
  readonly sha256: string;
}

/** A marker found in a location, with the location it is in. */
export interface LocatedMarker extends ExpiryMarker {
  readonly key: string;
  readonly location: StorageLocation;
}

const MAX_META_BYTES = 16 * 1024;

export class ConsumerZone {
  constructor(
    private readonly locations: StorageLocations,
    private readonly sealed: SealedObjects,
    private readonly documents: SealedDocuments,
    private readonly keyrings: Keyrings,
    /** Key owner of the lake's own keys (consumer and curated objects are the lake's, not a centre's). */
    private readonly owner: string,
    /** Told of markers that fail authentication (the sweeper skips them). */
    private readonly onForgedMarker: (location: string) => void = () => undefined,
  ) {}

  /** Stores the record in `location` (the patient's home) and makes it readable: `store`, then `publish`. */
  async put(
    location: StorageLocation,
    spec: ConsumerRecordSpec,
    body: Readable | Buffer,
  ): Promise<ConsumerRecordMeta> {
    const meta = await this.store(location, spec, body);
    await this.publish(location, meta);
    return meta;
  }

  /**
   * Stores the record's sealed object in `location` (the patient's home), its expiry marker first; nobody can read
   * it until `publish` writes its metadata. Assembly publishes only once the delivery is on the ledger.
   */
  async store(
    location: StorageLocation,
    spec: ConsumerRecordSpec,
    body: Readable | Buffer,
  ): Promise<ConsumerRecordMeta> {
    const { store } = location;
    const bucket = location.bucket('consumer');
    // The expiry marker goes first: whatever is written after it is swept even if we crash midway.
    await store.put(
      bucket,
      layout.expiryMarker(
        spec.expiresAt,
        spec.grantId,
        spec.patientId,
        await this.mac(location, spec.expiresAt.getTime(), spec.grantId, spec.patientId),
      ),
      Buffer.alloc(0),
    );
    const objectId = newObjectId();
    const written = await this.sealed.write(
      {
        location,
        zone: 'consumer',
        objectKey: layout.consumerRecord(spec.grantId),
        keyKey: layout.consumerKey(spec.grantId, objectId),
        patientId: spec.patientId,
        owner: this.owner,
        objectId,
      },
      body,
    );
    return {
      ...spec,
      schema: 2,
      expiresAt: spec.expiresAt.toISOString(),
      objectId,
      size: written.size,
      sha256: written.sha256,
    };
  }

  /** Makes a stored record readable by its requester: its metadata, written last. */
  async publish(location: StorageLocation, meta: ConsumerRecordMeta): Promise<void> {
    await this.documents.put(
      location,
      'consumer',
      layout.consumerMeta(meta.grantId),
      { scope: 'patient', patientId: meta.patientId, owner: this.owner, named: true },
      meta,
    );
  }

  /** The record's metadata in `location`; undefined when absent; INTEGRITY_FAILED when not authentic. */
  async meta(location: StorageLocation, grantId: string): Promise<ConsumerRecordMeta | undefined> {
    const opened = await this.documents.get(
      location,
      'consumer',
      layout.consumerMeta(grantId),
      MAX_META_BYTES,
    );
    if (opened === undefined) return undefined;
    const meta = opened.value as Partial<ConsumerRecordMeta>;
    if (meta.schema !== 2 || meta.grantId !== grantId || meta.patientId !== opened.patientId)
      throw new DatalakeError('INTEGRITY_FAILED', 'temporary record metadata does not belong here');
    return meta as ConsumerRecordMeta;
  }

  /** The record for its requester, before expiry; anyone else gets the same NOT_FOUND as for no record. */
  async open(
    location: StorageLocation,
    grantId: string,
    requester: ConsumerParty,
    now: Date,
  ): Promise<{ meta: ConsumerRecordMeta; body: Readable }> {
    const meta = await this.meta(location, grantId);
    if (
      meta === undefined ||
      meta.requester.mspId !== requester.mspId ||
      meta.requester.id !== requester.id
    ) {
      throw new DatalakeError('NOT_FOUND', 'no temporary record for this grant');
    }
    if (Date.parse(meta.expiresAt) <= now.getTime()) {
      throw new DatalakeError('GRANT_NOT_ACTIVE', 'the temporary record has expired');
    }
    const body = await this.sealed.read({
      location,
      zone: 'consumer',
      objectKey: layout.consumerRecord(grantId),
      keyKey: layout.consumerKey(grantId, meta.objectId),
      patientId: meta.patientId,
      objectId: meta.objectId,
    });
    return { meta, body };
  }

  /**
   * Deletes a grant's record and what assembly left of it (revocation, erasure, a replaced record), in every
   * location — where it was assembled is not known here — including its curated copies.
   */
  async remove(grantId: string): Promise<void> {
    for (const location of this.locations.all()) await this.removeIn(location, grantId);
  }

  /**
   * Whether the published record's data key is still there. An assembly asks once it has published: a removal
   * (revocation, erasure, sweep — by this lake instance or another) that listed the grant before the metadata was
   * written deletes the data key, and its second deletion of the metadata may already be past.
   */
  async intact(location: StorageLocation, meta: ConsumerRecordMeta): Promise<boolean> {
    return (
      (await location.store.stat(
        location.bucket('keys'),
        layout.consumerKey(meta.grantId, meta.objectId),
      )) !== undefined
    );
  }

  /**
   * Deletes a grant's objects in one location: on request (no `expired`), its metadata first, so it stops being
   * readable at once (an expired record is refused by its expiry already); its data keys next, so what is left is
   * unreadable even if a later step fails; then the rest, and the metadata (again); its expiry marker last (the
   * `expired` one the sweep found, or the one the metadata names), so a sweep interrupted midway finds the grant
   * again. Objects are found by listing the grant's prefixes, so what a crash left (a record stored and never
   * published, a data key whose object never came) goes too. Removal on request also deletes the grant's curated
   * copies. The metadata is deleted after the data whether or not it was listed: a publish racing the removal that
   * lands before that goes with it; one that lands after finds, once published, that its data key is gone
   * (`intact`) or that the grant has expired, and removes the record itself (AssemblyService.assemble).
   */
  private async removeIn(location: StorageLocation, grantId: string, expired?: LocatedMarker): Promise<void> {
    const { store } = location;
    const bucket = location.bucket('consumer');
    const metaKey = layout.consumerMeta(grantId);
    const stored: string[] = [];
    for await (const item of store.list(bucket, layout.consumerGrant(grantId))) stored.push(item.key);
    const published = stored.includes(metaKey);
    const meta =
      expired === undefined && published
        ? await this.meta(location, grantId).catch(() => undefined)
        : undefined;
    if (expired === undefined) await store.remove(bucket, [metaKey]);
    await store.removePrefix(location.bucket('keys'), layout.consumerGrant(grantId));
    if (expired === undefined) {
      await store.removePrefix(location.bucket('keys'), layout.curatedKeys(grantId));
      await store.removePrefix(location.bucket('curated'), layout.curatedGrant(grantId));
    }
    await store.remove(
      bucket,
      stored.filter((key) => key !== metaKey),
    );
    await store.remove(bucket, [metaKey]);
    const marker = expired?.key ?? (meta === undefined ? undefined : await this.markerKey(location, meta));
    if (marker !== undefined) await store.remove(bucket, [marker]);
  }

  /** Authentic expiry markers of a location due at `now`, oldest first; reads O(due) markers (pages from one key, doubling). */
  async *due(location: StorageLocation, now: Date): AsyncIterable<LocatedMarker> {
    for await (const item of location.store.list(location.bucket('consumer'), layout.expiryMarkers(), {
      firstPage: 1,
    })) {
      const marker = parseExpiryMarker(item.key);
      if (marker === undefined) continue;
      // Markers sort chronologically: the first future one ends the walk.
      if (marker.expiresAt > now.getTime()) return;
      if (!(await this.authentic(location, marker))) {
        this.onForgedMarker(location.country);
        continue;
      }
      yield { ...marker, key: item.key, location };
    }
  }

  /**
   * Deletes every grant whose expiry has passed, and its marker last; returns the grant ids. A marker is stored
   * beside its record (`store`), so a grant is removed in its marker's location only: about six requests a grant,
   * whatever the number of locations. What assembly left in the curated zone is the curated zone's sweep
   * (`CuratedLeftovers`).
   */
  async sweep(now: Date): Promise<string[]> {
    const removed: string[] = [];
    for (const location of this.locations.all()) {
      for await (const marker of this.due(location, now)) {
        await this.removeIn(location, marker.grantId, marker);
        removed.push(marker.grantId);
      }
    }
    return removed;
  }

  /** Every marker of a patient's grants, in every location (for erasure). */
  async markersOfPatient(patientId: string): Promise<LocatedMarker[]> {
    const markers: LocatedMarker[] = [];
    for (const location of this.locations.all()) {
      for await (const item of location.store.list(location.bucket('consumer'), layout.expiryMarkers())) {
        const marker = parseExpiryMarker(item.key);
        if (marker !== undefined && marker.patientId === patientId)
          markers.push({ ...marker, key: item.key, location });
      }
    }
    return markers;
  }

  private async markerKey(location: StorageLocation, meta: ConsumerRecordMeta): Promise<string> {
    const expiresAt = Date.parse(meta.expiresAt);
    return layout.expiryMarker(
      new Date(expiresAt),
      meta.grantId,
      meta.patientId,
      await this.mac(location, expiresAt, meta.grantId, meta.patientId),
    );
  }

  private async mac(
    location: StorageLocation,
    expiresAt: number,
    grantId: string,
    patientId: string,
  ): Promise<string> {
    const key = (await this.keyrings.of(location.country).location()).markers;
    return createHmac('sha256', key)
      .update(expiryPrefix(expiresAt, grantId, patientId))
      .digest('hex');
  }

  private async authentic(location: StorageLocation, marker: ExpiryMarker): Promise<boolean> {
    const expected = Buffer.from(
      await this.mac(location, marker.expiresAt, marker.grantId, marker.patientId),
      'hex',
    );
    return timingSafeEqual(expected, Buffer.from(marker.mac, 'hex'));
  }
}
