import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { StorageLocations } from '../src/storage/locations';
import type { StorageLocation } from '../src/storage/locations';
import { MinioObjectStore } from '../src/storage/minio-store';
import type { ConsumerRecordSpec, ConsumerZone } from '../src/zones/consumer';
import { layout } from '../src/zones/layout';
import { CuratedLeftovers } from '../src/zones/curated';
import { ExpirySweeper } from '../src/zones/sweeper';
import { startTestS3 } from './s3';
import type { TestS3 } from './s3';
import { zonesOn } from './zones';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const hours = (n: number) => new Date(T0 + n * 3600_000);
const requester = { mspId: 'HospitalB', id: 'dr-b' };

describe('consumer zone expiry', () => {
  let s3: TestS3;
  let keyDir: string;
  const hashKey = randomBytes(32);

  beforeAll(async () => {
    s3 = await startTestS3();
    keyDir = await mkdtemp(path.join(tmpdir(), 'custodia-keys-'));
  });
  afterAll(async () => {
    await s3.dispose();
    await rm(keyDir, { recursive: true, force: true });
  });

  function consumerOn(server: TestS3): {
    zone: ConsumerZone;
    locations: StorageLocations;
    de: StorageLocation;
    forged: string[];
  } {
    const locations = new StorageLocations(
      { endpoint: server.endpoint, countries: { DE: { bucketPrefix: server.bucketPrefix } } },
      (e) => new MinioObjectStore(e),
    );
    const forged: string[] = [];
    const zone = zonesOn(locations, keyDir, hashKey).consumer((location) => forged.push(location));
    return { zone, locations, de: locations.forCountry('DE'), forged };
  }

  async function objectsOf(server: TestS3, bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of server.store().list(server.bucket(bucket), prefix)) keys.push(item.key);
    return keys;
  }

  it('serves the record to its requester only, refuses it after expiry, and sweeps it after a restart', async () => {
    const first = consumerOn(s3);
    await first.locations.ensureBuckets();
    const spec = (grantId: string, expiresAt: Date): ConsumerRecordSpec => ({
      grantId,
      patientId: 'patient-1',
      sources: ['DE'],
      requester,
      expiresAt,
      contentType: 'application/fhir+json',
      manifestHash: 'a'.repeat(64),
    });
    await first.zone.put(
      first.de,
      spec('grant-soon', hours(1)),
      Buffer.from('{"resourceType":"Bundle","id":"soon"}'),
    );
    await first.zone.put(
      first.de,
      spec('grant-later', hours(3)),
      Buffer.from('{"resourceType":"Bundle","id":"later"}'),
    );

    const opened = await first.zone.open(first.de, 'grant-soon', requester, hours(0));
    expect((await buffer(opened.body)).toString()).toContain('"soon"');
    await expect(
      first.zone.open(first.de, 'grant-soon', { mspId: 'HospitalC', id: 'dr-c' }, hours(0)),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(first.zone.open(first.de, 'grant-soon', requester, hours(2))).rejects.toMatchObject({
      code: 'GRANT_NOT_ACTIVE',
    });
    // Stored sealed: the plaintext is not in the bucket.
    const raw = await s3
      .store()
      .getBuffer(s3.bucket('custodia-consumer'), 'grants/grant-soon/record', 1 << 20);
    expect(raw?.toString('latin1')).not.toContain('resourceType');

    // The service goes down; two hours pass; a new process over the same data directory starts.
    s3 = await s3.restart();
    const restarted = consumerOn(s3);
    const sweeper = new ExpirySweeper(restarted.zone, new CuratedLeftovers(restarted.locations), {
      intervalMs: 60_000,
      now: () => hours(2),
    });
    expect(await sweeper.start()).toEqual(['grant-soon']);
    await sweeper.stop();

    expect(await objectsOf(s3, 'custodia-consumer', 'grants/grant-soon/')).toEqual([]);
    expect(await objectsOf(s3, 'custodia-keys', 'grants/grant-soon/')).toEqual([]);
    await expect(restarted.zone.open(restarted.de, 'grant-soon', requester, hours(2))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const later = await restarted.zone.open(restarted.de, 'grant-later', requester, hours(2));
    expect((await buffer(later.body)).toString()).toContain('"later"');

    const lateSweep = new ExpirySweeper(restarted.zone, new CuratedLeftovers(restarted.locations), {
      intervalMs: 60_000,
      now: () => hours(4),
    });
    expect(await lateSweep.sweepOnce()).toEqual(['grant-later']);
    expect(await objectsOf(s3, 'custodia-consumer', '')).toEqual([]);
  });

  it('removes a revoked grant at once', async () => {
    const { zone, locations, de } = consumerOn(s3);
    await locations.ensureBuckets();
    await zone.put(
      de,
      {
        grantId: 'grant-revoked',
        patientId: 'patient-2',
        sources: ['DE'],
        requester,
        expiresAt: hours(10),
        contentType: 'application/fhir+json',
        manifestHash: 'b'.repeat(64),
      },
      Buffer.from('{}'),
    );
    await zone.remove('grant-revoked');
    await expect(zone.open(de, 'grant-revoked', requester, hours(0))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await objectsOf(s3, 'custodia-consumer', '')).toEqual([]);
  });

  it('acts on no forged expiry marker, and serves no temporary record whose metadata was swapped in', async () => {
    const { zone, locations, de, forged } = consumerOn(s3);
    await locations.ensureBuckets();
    const put = (grantId: string, patientId: string, requesterOf = requester) =>
      zone.put(
        de,
        {
          grantId,
          patientId,
          sources: ['DE'],
          requester: requesterOf,
          expiresAt: hours(10),
          contentType: 'application/fhir+json',
          manifestHash: 'd'.repeat(64),
        },
        Buffer.from(`{"resourceType":"Bundle","id":"${grantId}"}`),
      );
    await put('grant-kept', 'patient-3');
    // An attacker with write access to the bucket plants a marker saying the grant expired an hour ago, with a
    // MAC of their own and with a MAC copied from another marker.
    const consumer = de.bucket('consumer');
    const genuine = await objectsOf(s3, 'custodia-consumer', 'expiry/');
    const mac = (genuine[0] as string).slice(-64);
    for (const fake of [randomBytes(32).toString('hex'), mac])
      await de.store.put(
        consumer,
        layout.expiryMarker(hours(-1), 'grant-kept', 'patient-3', fake),
        Buffer.alloc(0),
      );
    expect(await zone.sweep(hours(0))).toEqual([]);
    expect(forged).toEqual(['DE', 'DE']);
    const kept = await zone.open(de, 'grant-kept', requester, hours(0));
    expect((await buffer(kept.body)).toString()).toContain('grant-kept');

    // A temporary record for another requester: its metadata copied over this grant's does not open.
    await put('grant-other', 'patient-3', { mspId: 'HospitalC', id: 'dr-c' });
    const otherMeta = await de.store.getBuffer(consumer, layout.consumerMeta('grant-other'), 1 << 16);
    await de.store.put(consumer, layout.consumerMeta('grant-kept'), otherMeta as Buffer);
    await expect(
      zone.open(de, 'grant-kept', { mspId: 'HospitalC', id: 'dr-c' }, hours(0)),
    ).rejects.toMatchObject({
      code: 'INTEGRITY_FAILED',
    });
    await zone.remove('grant-kept');
    await zone.remove('grant-other');
  });
});
