import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { FileKeyProvider } from '../src/crypto/file-key-provider';
import { StorageLocations } from '../src/storage/locations';
import { MinioObjectStore } from '../src/storage/minio-store';
import { ConsumerZone } from '../src/zones/consumer';
import { SealedObjects } from '../src/zones/sealed-objects';
import { ExpirySweeper } from '../src/zones/sweeper';
import { startTestS3 } from './s3';
import type { TestS3 } from './s3';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const hours = (n: number) => new Date(T0 + n * 3600_000);
const requester = { mspId: 'HospitalB', id: 'dr-b' };

describe('consumer zone expiry', () => {
  let s3: TestS3;
  let keyDir: string;

  beforeAll(async () => {
    s3 = await startTestS3();
    keyDir = await mkdtemp(path.join(tmpdir(), 'custodia-keys-'));
  });
  afterAll(async () => {
    await s3.dispose();
    await rm(keyDir, { recursive: true, force: true });
  });

  function consumerOn(server: TestS3): { zone: ConsumerZone; locations: StorageLocations } {
    const locations = new StorageLocations(
      { home: { endpoint: server.endpoint, bucketPrefix: server.bucketPrefix } },
      (e) => new MinioObjectStore(e),
    );
    const sealed = new SealedObjects(new FileKeyProvider({ directory: keyDir, create: true }));
    return { zone: new ConsumerZone(locations.homeLocation, sealed, 'custodia-datalake'), locations };
  }

  async function objectsOf(server: TestS3, bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const item of server.store().list(server.bucket(bucket), prefix)) keys.push(item.key);
    return keys;
  }

  it('serves the record to its requester only, refuses it after expiry, and sweeps it after a restart', async () => {
    const first = consumerOn(s3);
    await first.locations.ensureBuckets();
    const spec = (grantId: string, expiresAt: Date) => ({
      grantId,
      patientId: 'patient-1',
      requester,
      expiresAt,
      contentType: 'application/fhir+json',
      manifestHash: 'a'.repeat(64),
    });
    await first.zone.put(spec('grant-soon', hours(1)), Buffer.from('{"resourceType":"Bundle","id":"soon"}'));
    await first.zone.put(
      spec('grant-later', hours(3)),
      Buffer.from('{"resourceType":"Bundle","id":"later"}'),
    );

    const opened = await first.zone.open('grant-soon', requester, hours(0));
    expect((await buffer(opened.body)).toString()).toContain('"soon"');
    await expect(
      first.zone.open('grant-soon', { mspId: 'HospitalC', id: 'dr-c' }, hours(0)),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(first.zone.open('grant-soon', requester, hours(2))).rejects.toMatchObject({
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
    const sweeper = new ExpirySweeper(restarted.zone, { intervalMs: 60_000, now: () => hours(2) });
    expect(await sweeper.start()).toEqual(['grant-soon']);
    await sweeper.stop();

    expect(await objectsOf(s3, 'custodia-consumer', 'grants/grant-soon/')).toEqual([]);
    expect(await objectsOf(s3, 'custodia-keys', 'grants/grant-soon/')).toEqual([]);
    await expect(restarted.zone.open('grant-soon', requester, hours(2))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    const later = await restarted.zone.open('grant-later', requester, hours(2));
    expect((await buffer(later.body)).toString()).toContain('"later"');

    const lateSweep = new ExpirySweeper(restarted.zone, { intervalMs: 60_000, now: () => hours(4) });
    expect(await lateSweep.sweepOnce()).toEqual(['grant-later']);
    expect(await objectsOf(s3, 'custodia-consumer', '')).toEqual([]);
  });

  it('removes a revoked grant at once', async () => {
    const { zone, locations } = consumerOn(s3);
    await locations.ensureBuckets();
    await zone.put(
      {
        grantId: 'grant-revoked',
        patientId: 'patient-2',
        requester,
        expiresAt: hours(10),
        contentType: 'application/fhir+json',
        manifestHash: 'b'.repeat(64),
      },
      Buffer.from('{}'),
    );
    await zone.remove('grant-revoked');
    await expect(zone.open('grant-revoked', requester, hours(0))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await objectsOf(s3, 'custodia-consumer', '')).toEqual([]);
  });
});
