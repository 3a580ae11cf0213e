/**
 * The consumer zone: the assembled temporary record of a grant, sealed with the data lake's own
 * key, readable by the grant's requester only and only until the grant expires. Expiry is enforced
 * here, not by bucket lifecycle rules (s3rver has none, and a rule deletes a day late): at read time,
 * and by the sweeper deleting expired grants from an expiry index kept in the bucket itself, so it
 * survives restarts — `expiry/<epoch ms, zero-padded>/<grantId>/<patientId>` markers, which sort by
 * time: a sweep reads the due ones and the first one still to come, whatever the number of live grants.
 */
import type { Readable } from 'node:stream';
import { DatalakeError } from '../errors';
import type { StorageLocation } from '../storage/locations';
import { layout, parseExpiryMarker } from './layout';
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
  readonly requester: ConsumerParty;
  readonly expiresAt: Date;
  readonly contentType: string;
  readonly manifestHash: string;
}

export interface ConsumerRecordMeta extends Omit<ConsumerRecordSpec, 'expiresAt'> {
  readonly expiresAt: string;
  readonly objectId: string;
  readonly size: number;
  readonly sha256: string;
}

const MAX_META_BYTES = 16 * 1024;

export class ConsumerZone {
  constructor(
    private readonly location: StorageLocation,
    private readonly sealed: SealedObjects,
    /** Key owner of the lake's own key (consumer and curated objects are sealed for the lake, not a centre). */
    private readonly owner: string,
  ) {}

  /** Stores the record; it becomes readable only when its metadata is written, last. */
  async put(spec: ConsumerRecordSpec, body: Readable | Buffer): Promise<ConsumerRecordMeta> {
    const { store } = this.location;
    const bucket = this.location.bucket('consumer');
    // The expiry marker goes first: whatever is written after it is swept even if we crash midway.
    await store.put(
      bucket,
      layout.expiryMarker(spec.expiresAt, spec.grantId, spec.patientId),
      Buffer.alloc(0),
    );
    const objectId = newObjectId();
    const written = await this.sealed.write(
      {
        location: this.location,
        zone: 'consumer',
        objectKey: layout.consumerRecord(spec.grantId),
        keyKey: `${layout.consumerGrant(spec.grantId)}${objectId}.json`,
        owner: this.owner,
        objectId,
      },
      body,
    );
    const meta: ConsumerRecordMeta = {
      ...spec,
      expiresAt: spec.expiresAt.toISOString(),
      objectId,
      size: written.size,
      sha256: written.sha256,
    };
    await store.put(bucket, layout.consumerMeta(spec.grantId), Buffer.from(JSON.stringify(meta)), {
      contentType: 'application/json',
    });
    return meta;
  }

  async meta(grantId: string): Promise<ConsumerRecordMeta | undefined> {
    const bytes = await this.location.store.getBuffer(
      this.location.bucket('consumer'),
      layout.consumerMeta(grantId),
      MAX_META_BYTES,
    );
    return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as ConsumerRecordMeta);
  }

  /** The record for its requester, before expiry; anyone else gets the same NOT_FOUND as for no record. */
  async open(
    grantId: string,
    requester: ConsumerParty,
    now: Date,
  ): Promise<{ meta: ConsumerRecordMeta; body: Readable }> {
    const meta = await this.meta(grantId);
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
      location: this.location,
      zone: 'consumer',
      objectKey: layout.consumerRecord(grantId),
      keyKey: `${layout.consumerGrant(grantId)}${meta.objectId}.json`,
      objectId: meta.objectId,
    });
    return { meta, body };
  }

  /** Deletes a grant's record (revocation, expiry, erasure): metadata first, so it stops being readable at once. */
  async remove(grantId: string): Promise<void> {
    const meta = await this.meta(grantId);
    const { store } = this.location;
    const bucket = this.location.bucket('consumer');
    await store.remove(bucket, [layout.consumerMeta(grantId)]);
    await store.removePrefix(this.location.bucket('keys'), layout.consumerGrant(grantId));
    await store.removePrefix(bucket, layout.consumerGrant(grantId));
    await store.removePrefix(this.location.bucket('curated'), layout.curatedGrant(grantId));
    await store.removePrefix(this.location.bucket('keys'), layout.curatedKeys(grantId));
    if (meta !== undefined) {
      await store.remove(bucket, [layout.expiryMarker(new Date(meta.expiresAt), grantId, meta.patientId)]);
    }
  }

  /** Expiry markers due at `now`, oldest first; reads O(due) markers (pages from one key, doubling). */
  async *due(now: Date): AsyncIterable<ExpiryMarker & { readonly key: string }> {
    for await (const item of this.location.store.list(
      this.location.bucket('consumer'),
      layout.expiryMarkers(),
      { firstPage: 1 },
    )) {
      const marker = parseExpiryMarker(item.key);
      if (marker === undefined) continue;
      // Markers sort chronologically: the first future one ends the walk.
      if (marker.expiresAt > now.getTime()) return;
      yield { ...marker, key: item.key };
    }
  }

  /** Deletes every grant whose expiry has passed, and its marker last; returns the grant ids removed. */
  async sweep(now: Date): Promise<string[]> {
    const removed: string[] = [];
    for await (const marker of this.due(now)) {
      await this.remove(marker.grantId);
      await this.location.store.remove(this.location.bucket('consumer'), [marker.key]);
      removed.push(marker.grantId);
    }
    return removed;
  }

  /** Every grant of a patient that still has a marker (for erasure). */
  async grantsOfPatient(patientId: string): Promise<string[]> {
    const grants: string[] = [];
    for await (const item of this.location.store.list(
      this.location.bucket('consumer'),
      layout.expiryMarkers(),
    )) {
      const marker = parseExpiryMarker(item.key);
      if (marker !== undefined && marker.patientId === patientId) grants.push(marker.grantId);
    }
    return grants;
  }
}
