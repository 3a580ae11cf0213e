/**
 * The expiry sweep with more than 1,000 live grants (issue #17 item 7): the embedded s3rver's listings failed past
 * 1,000 keys, so from about 1,100 live grants on no expired record was deleted any more. Now one sweep deletes every
 * record that is due, and reads only the due part of the expiry index — counted on the wire, by a proxy between the
 * lake's S3 client and the server — not the markers of every live grant; and removes each expired grant with a few
 * requests in its own location, not a listing and a delete of every prefix in every location (the soak's tail:
 * the sweep's S3 requests queued beside every other request of the platform). The curated zone's leftovers go in
 * one listing per bucket.
 */
import { createServer, request as httpRequest } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mapBounded } from '../src/concurrency/map-bounded';
import { StorageLocations } from '../src/storage/locations';
import type { StorageLocation } from '../src/storage/locations';
import { MinioObjectStore } from '../src/storage/minio-store';
import type { ConsumerRecordSpec, ConsumerZone } from '../src/zones/consumer';
import { layout } from '../src/zones/layout';
import { CURATED_LEFTOVER_AGE_MS, CuratedLeftovers } from '../src/zones/curated';
import { ExpirySweeper } from '../src/zones/sweeper';
import { startTestS3 } from './s3';
import type { TestS3 } from './s3';
import { zonesOn } from './zones';

const T0 = Date.parse('2030-01-01T00:00:00Z');
const LIVE = 1050;
const DUE = 30;
const requester = { mspId: 'HospitalB', id: 'dr-b' };

/** Forwards every request to the S3 server unchanged (signatures included) and counts the expiry markers listed. */
interface CountingProxy {
  readonly url: string;
  markersListed: number;
  /** Every request forwarded. */
  requests: number;
  close(): Promise<void>;
}

async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const proxy: CountingProxy = { url: '', markersListed: 0, requests: 0, close: async () => {} };
  const server: Server = createServer((req, res) => {
    proxy.requests += 1;
    const listsMarkers =
      req.method === 'GET' &&
      /[?&]list-type=2(&|$)/.test(req.url ?? '') &&
      /[?&]prefix=expiry%2F(&|$)/.test(req.url ?? '');
    const forward = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.on('data', (chunk: Buffer) => {
          if (listsMarkers) proxy.markersListed += (chunk.toString('latin1').match(/<Key>/g) ?? []).length;
          res.write(chunk);
        });
        answer.on('end', () => res.end());
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

function spec(grantId: string, index: number, expiresAt: number): ConsumerRecordSpec {
  return {
    grantId,
    patientId: `patient-${index % 40}`,
    sources: ['DE'],
    requester,
    expiresAt: new Date(expiresAt),
    contentType: 'application/fhir+json',
    manifestHash: 'c'.repeat(64),
  };
}

let s3: TestS3;
let proxy: CountingProxy;
let keyDir: string;
let zone: ConsumerZone;
let locations: StorageLocations;
let de: StorageLocation;
const live = Array.from({ length: LIVE }, (_, i) => `grant-live-${i}`);
const due = Array.from({ length: DUE }, (_, i) => `grant-due-${i}`);

beforeAll(async () => {
  s3 = await startTestS3();
  proxy = await startCountingProxy(s3.endpoint.url);
  keyDir = await mkdtemp(path.join(tmpdir(), 'custodia-keys-'));
  locations = new StorageLocations(
    {
      endpoint: { ...s3.endpoint, url: proxy.url },
      // A second location holds none of these grants: the sweep must not spend requests on it per grant.
      countries: { DE: { bucketPrefix: s3.bucketPrefix }, FR: { bucketPrefix: `${s3.bucketPrefix}fr-` } },
    },
    (endpoint) => new MinioObjectStore(endpoint),
  );
  await locations.ensureBuckets();
  de = locations.forCountry('DE');
  zone = zonesOn(locations, keyDir, randomBytes(32)).consumer();
  const body = Buffer.from('{"resourceType":"Bundle"}');
  // Live for hours; due ones expire a minute apart in the first half hour.
  await mapBounded(live, 16, (grantId, i) => zone.put(de, spec(grantId, i, T0 + 3_600_000 + i * 1000), body));
  await mapBounded(due, 16, (grantId, i) => zone.put(de, spec(grantId, i, T0 + (i + 1) * 60_000), body));
}, 300_000);

afterAll(async () => {
  await proxy?.close();
  await s3?.dispose();
  if (keyDir !== undefined) await rm(keyDir, { recursive: true, force: true });
});

async function keysUnder(bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of s3.store().list(bucket, prefix)) keys.push(item.key);
  return keys;
}

it(`deletes every due record in one sweep among ${LIVE} live grants, reading only the due markers`, async () => {
  let now = new Date(T0);
  const sweeper = new ExpirySweeper(zone, new CuratedLeftovers(locations), {
    intervalMs: 60_000,
    now: () => now,
  });
  const consumer = de.bucket('consumer');

  proxy.markersListed = 0;
  expect(await sweeper.sweepOnce()).toEqual([]);
  // Nothing due: the first marker, still to come, ends the walk.
  expect(proxy.markersListed).toBe(1);

  // 45 minutes later every due grant has expired; the next sweep deletes them all.
  now = new Date(T0 + 45 * 60_000);
  proxy.markersListed = 0;
  proxy.requests = 0;
  expect(await sweeper.sweepOnce()).toEqual(due);
  expect(proxy.markersListed).toBeLessThanOrEqual(2 * (DUE + 1));
  // Per grant: its listing, metadata, data-key listing and delete, record, marker (6); per sweep: the index's pages
  // in each location (doubling: 6 + 1) and the curated zone's two listings in each (4). Before: 16 a grant here.
  expect(proxy.requests).toBeLessThanOrEqual(6 * DUE + 12);

  for (const grantId of due) {
    await expect(zone.open(de, grantId, requester, now)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await keysUnder(consumer, layout.consumerGrant(grantId))).toEqual([]);
  }
  expect(await keysUnder(de.bucket('keys'), layout.consumerGrant(due[0] as string))).toEqual([]);
  // Live records are still served, and their markers all still there.
  const opened = await zone.open(de, live[LIVE - 1] as string, requester, now);
  opened.body.resume();
  expect(opened.meta.grantId).toBe(live[LIVE - 1]);
  expect(await keysUnder(consumer, layout.expiryMarkers())).toHaveLength(LIVE);
}, 120_000);

it('removes what assemblies left in the curated zone: copies of swept grants, and any older than an assembly takes', async () => {
  const fr = locations.forCountry('FR');
  const leftovers = new CuratedLeftovers(locations);
  const copies = [
    { location: de, grantId: 'grant-swept' },
    { location: fr, grantId: 'grant-in-progress' },
  ];
  for (const { location, grantId } of copies) {
    await location.store.put(location.bucket('curated'), layout.curatedReleased(grantId), Buffer.from('x'));
    await location.store.put(location.bucket('keys'), layout.curatedKey(grantId, 'obj-1'), Buffer.from('{}'));
  }
  const held = async (location: StorageLocation, grantId: string): Promise<string[]> => [
    ...(await keysUnder(location.bucket('keys'), layout.curatedKeys(grantId))),
    ...(await keysUnder(location.bucket('curated'), layout.curatedGrant(grantId))),
  ];

  // Now: the swept grant's copy and key go; the copy of an assembly in progress stays.
  expect(await leftovers.sweep(new Date(), new Set(['grant-swept']))).toBe(2);
  expect(await held(de, 'grant-swept')).toEqual([]);
  expect(await held(fr, 'grant-in-progress')).toHaveLength(2);

  // Past the age no assembly reaches, it is a leftover too.
  expect(await leftovers.sweep(new Date(Date.now() + CURATED_LEFTOVER_AGE_MS - 60_000), new Set())).toBe(0);
  expect(await leftovers.sweep(new Date(Date.now() + CURATED_LEFTOVER_AGE_MS + 60_000), new Set())).toBe(2);
  expect(await held(fr, 'grant-in-progress')).toEqual([]);
});

it('deletes the metadata of a record published just after the sweep listed its expired grant', async () => {
  const racing = 'grant-racing-publish';
  // Stored by an assembly of a grant that expires while it runs; the sweep lists the grant before it is published.
  const stored = await zone.store(
    de,
    spec(racing, 0, T0 + 50 * 60_000),
    Buffer.from('{"resourceType":"Bundle"}'),
  );
  const list = de.store.list.bind(de.store);
  const listed = jest.spyOn(de.store, 'list').mockImplementation(async function* (bucket, prefix, options) {
    yield* list(bucket, prefix, options);
    // The assembly publishes right after the sweep's listing of the grant found no metadata.
    if (prefix === layout.consumerGrant(racing)) await zone.publish(de, stored);
  });
  try {
    const sweeper = new ExpirySweeper(zone, new CuratedLeftovers(locations), {
      intervalMs: 60_000,
      now: () => new Date(T0 + 55 * 60_000),
    });
    expect(await sweeper.sweepOnce()).toContain(racing);
  } finally {
    listed.mockRestore();
  }
  // Before, the sweep deleted the metadata only when it had listed it: it stayed, with no marker left to sweep it.
  expect(await zone.meta(de, racing)).toBeUndefined();
  expect(await keysUnder(de.bucket('consumer'), layout.consumerGrant(racing))).toEqual([]);
  expect(await keysUnder(de.bucket('keys'), layout.consumerGrant(racing))).toEqual([]);
  expect(
    (await keysUnder(de.bucket('consumer'), layout.expiryMarkers())).filter((key) => key.includes(racing)),
  ).toEqual([]);
});
