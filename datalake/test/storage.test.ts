import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import pino from 'pino';
import { format } from 'pretty-format';
import { buffer } from 'node:stream/consumers';
import { DigestStream } from '../src/crypto/digest-stream';
import { mapBounded } from '../src/concurrency/map-bounded';
import { DatalakeError } from '../src/errors';
import { StorageLocations } from '../src/storage/locations';
import { MinioObjectStore } from '../src/storage/minio-store';
import { sendSignedGet } from '../src/storage/signed-get';
import { generatedStream } from './generated';
import { startTestS3 } from './s3';
import type { TestS3 } from './s3';

const MiB = 1024 * 1024;

function generated(total: number, fail?: DatalakeError): Readable {
  return generatedStream(total, MiB, fail);
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const part of stream) hash.update(part as Buffer);
  return hash.digest('hex');
}

describe('the S3 server through the minio client', () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startTestS3();
  });
  afterAll(async () => {
    await s3.dispose();
  });

  it('stores, stats, lists, reads and removes objects', async () => {
    const store = s3.store();
    const basic = s3.bucket('basic');
    await store.ensureBucket(basic);
    await store.ensureBucket(basic);
    await store.put(basic, 'a/1.json', Buffer.from('{"n":1}'), { contentType: 'application/json' });
    await store.put(basic, 'a/2.json', Readable.from([Buffer.from('{"n":2}')]), { size: 7 });
    await store.put(basic, 'b/3.json', Buffer.from('{"n":3}'));

    expect((await store.stat(basic, 'a/1.json'))?.size).toBe(7);
    expect(await store.stat(basic, 'a/none.json')).toBeUndefined();
    expect((await store.getBuffer(basic, 'a/2.json', 100))?.toString()).toBe('{"n":2}');
    expect(await store.getBuffer(basic, 'a/none.json', 100)).toBeUndefined();
    await expect(store.getBuffer(basic, 'a/2.json', 3)).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect((await buffer(await store.get(basic, 'b/3.json'))).toString()).toBe('{"n":3}');
    await expect(store.get(basic, 'b/none.json')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const listed: string[] = [];
    for await (const item of store.list(basic, 'a/')) listed.push(item.key);
    expect(listed).toEqual(['a/1.json', 'a/2.json']);

    await store.remove(basic, ['a/1.json', 'a/2.json', 'a/never-existed.json']);
    const left: string[] = [];
    for await (const item of store.list(basic, '')) left.push(item.key);
    expect(left).toEqual(['b/3.json']);
  });

  it('removes every object under a prefix in one multi-object delete, however many share a directory', async () => {
    const store = s3.store();
    const many = s3.bucket('many');
    await store.ensureBucket(many);
    const keys = Array.from({ length: 300 }, (_, index) => `grants/g-1/record-${index}`);
    for (const key of keys) await store.put(many, key, Buffer.from('{}'));
    await store.put(many, 'grants/g-2/record-0', Buffer.from('{}'));
    // One request, and it must succeed: the server used to fail it (500) while tidying the emptied directory.
    expect(await store.removePrefix(many, 'grants/g-1/')).toBe(300);
    const left: string[] = [];
    for await (const item of store.list(many, 'grants/')) left.push(item.key);
    expect(left).toEqual(['grants/g-2/record-0']);
    // The emptied prefix takes new objects again.
    await store.put(many, 'grants/g-1/record-0', Buffer.from('{}'));
    expect((await store.stat(many, 'grants/g-1/record-0'))?.size).toBe(2);
  });

  it('lists past 1,000 keys: every key once and in order, page after page, also folded by a delimiter', async () => {
    const store = s3.store();
    const bucket = s3.bucket('listing');
    await store.ensureBucket(bucket);
    // 110 minutes of 10 grants each: the layout of the expiry markers.
    const keys = Array.from(
      { length: 1100 },
      (_, i) => `expiry/${String(Math.floor(i / 10)).padStart(6, '0')}/grant-${String(i % 10)}`,
    );
    await mapBounded(keys, 16, (key) => store.put(bucket, key, Buffer.alloc(0)));
    await store.put(bucket, 'other/key', Buffer.alloc(0));

    // The lake's own listing (ListObjectsV2, 1,000 a page, continuation token).
    const listed: string[] = [];
    for await (const item of store.list(bucket, 'expiry/')) listed.push(item.key);
    expect(listed).toEqual(keys);

    // Pages of 7 with a delimiter: each minute once, though a page ends inside its keys.
    const client = s3.client();
    const minutes: string[] = [];
    let token = '';
    for (let page = 0; page < 100; page += 1) {
      const result = await client.listObjectsV2Query(bucket, 'expiry/', token, '/', 7, '');
      for (const entry of result.objects) minutes.push((entry as { prefix?: string }).prefix ?? '');
      if (!result.isTruncated) break;
      token = result.nextContinuationToken;
    }
    expect(minutes).toEqual([...new Set(keys.map((key) => key.slice(0, 'expiry/000000/'.length)))]);

    expect(await store.removePrefix(bucket, 'expiry/')).toBe(1100);
    const left: string[] = [];
    for await (const item of store.list(bucket, '')) left.push(item.key);
    expect(left).toEqual(['other/key']);
  }, 120_000);

  it('serves every object whole right after its upload was answered, many uploads at once', async () => {
    const store = s3.store();
    const fresh = s3.bucket('fresh');
    await store.ensureBucket(fresh);
    const bodies = Array.from({ length: 12 }, () => randomBytes(3 * MiB));
    // Each object is read the moment its PUT is answered, while the others are still being written.
    const reads = await Promise.all(
      bodies.map(async (body, index) => {
        await store.put(fresh, `objects/${index}`, body);
        return store.getBuffer(fresh, `objects/${index}`, 4 * MiB);
      }),
    );
    reads.forEach((read, index) => expect(read?.equals(bodies[index] as Buffer)).toBe(true));
  });

  it('uploads a large unsized stream as a multipart upload and reads it back intact', async () => {
    const store = s3.store(5 * MiB);
    const multipart = s3.bucket('multipart');
    await store.ensureBucket(multipart);
    const digest = new DigestStream();
    await store.put(multipart, 'big.bin', generated(23 * MiB).pipe(digest));
    expect((await store.stat(multipart, 'big.bin'))?.size).toBe(23 * MiB);
    expect(await sha256(await store.get(multipart, 'big.bin'))).toBe(digest.sha256);
  });

  it('stores streams of every length around the part size intact, the empty one included', async () => {
    const store = s3.store(5 * MiB);
    const lengths = s3.bucket('lengths');
    await store.ensureBucket(lengths);
    for (const total of [0, 1, MiB, 5 * MiB - 1, 5 * MiB, 5 * MiB + 1, 10 * MiB, 10 * MiB + 1]) {
      const digest = new DigestStream();
      await store.put(lengths, `object-${total}`, generated(total).pipe(digest));
      expect((await store.stat(lengths, `object-${total}`))?.size).toBe(total);
      expect(await sha256(await store.get(lengths, `object-${total}`))).toBe(digest.sha256);
    }
    expect(await s3.client().listIncompleteUploads(lengths, '', true).toArray()).toEqual([]);
  });

  it('stores short streams whole whether their length is declared, declared short or not declared', async () => {
    const store = s3.store(5 * MiB);
    const short = s3.bucket('short');
    await store.ensureBucket(short);
    const KiB = 1024;
    for (const total of [0, 10, 64 * KiB - 1, 64 * KiB, 64 * KiB + 1, 200 * KiB + 7, 5 * MiB + 1]) {
      for (const declared of [undefined, total, Math.floor(total / 3)]) {
        const digest = new DigestStream();
        const key = `object-${total}-${declared ?? 'unknown'}`;
        // Odd-sized chunks, so the first buffer fills mid-chunk as it grows.
        await store.put(short, key, generatedStream(total, 10_007).pipe(digest), {
          ...(declared === undefined ? {} : { size: declared }),
        });
        expect((await store.stat(short, key))?.size).toBe(total);
        expect(await sha256(await store.get(short, key))).toBe(digest.sha256);
      }
    }
    expect(await s3.client().listIncompleteUploads(short, '', true).toArray()).toEqual([]);
  });

  it('stops reading a streamed upload that storage refuses, after at most two parts of it', async () => {
    // Wrong keys: every request is refused, the first once the first part is full.
    const refused = new MinioObjectStore({ ...s3.endpoint, secretKey: 'not-the-secret', partSize: 5 * MiB });
    let read = 0;
    const source = new Readable({
      read() {
        if (read >= 256 * MiB) return void this.push(null);
        read += MiB;
        this.push(randomBytes(MiB));
      },
    });
    await expect(refused.put(s3.bucket('multipart'), 'refused.bin', source)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(source.destroyed).toBe(true);
    // The part being filled, the one refused and what the stream had read ahead: not the client's whole upload.
    expect(read).toBeLessThanOrEqual(12 * MiB);
    expect(await s3.store().stat(s3.bucket('multipart'), 'refused.bin')).toBeUndefined();
  });

  it('answers list-multipart-uploads (asked before every multipart upload): none left once uploads complete', async () => {
    const client = s3.client();
    const uploads: unknown[] = [];
    for await (const upload of client.listIncompleteUploads(s3.bucket('multipart'), 'big', true))
      uploads.push(upload);
    expect(uploads).toEqual([]);
    const missing = client.listIncompleteUploads(s3.bucket('no-such-bucket'), '', true);
    await expect(missing.toArray()).rejects.toMatchObject({ code: 'NoSuchBucket' });
  });

  it('fails an upload whose source fails, without completing the object', async () => {
    const store = s3.store(5 * MiB);
    const failing = s3.bucket('failing');
    await store.ensureBucket(failing);
    const failure = new DatalakeError('PAYLOAD_TOO_LARGE', 'too big');
    await expect(store.put(failing, 'cut.bin', generated(12 * MiB, failure))).rejects.toBe(failure);
    expect(await store.stat(failing, 'cut.bin')).toBeUndefined();
    // Nor its parts: the multipart upload it began is aborted (S3 keeps the parts of an unfinished one, and bills them).
    expect(await s3.client().listIncompleteUploads(failing, 'cut.bin', true).toArray()).toEqual([]);
  });

  it('reads an object with a GET signed for it (a worker thread’s read), and that credential reads nothing else', async () => {
    const store = s3.store();
    const bucket = s3.bucket('signed');
    await store.ensureBucket(bucket);
    const secret = randomBytes(3 * MiB + 5);
    await store.put(bucket, 'raw/patient/object-1', secret);
    await store.put(bucket, 'raw/patient/object-2', Buffer.from('another patient’s object'));
    const signed = await store.signedGet(bucket, 'raw/patient/object-1');
    expect((await buffer(await sendSignedGet(signed))).equals(secret)).toBe(true);
    // Sent again (it is a credential for that read, not for one request): still that object only.
    expect((await buffer(await sendSignedGet(signed))).equals(secret)).toBe(true);

    // Whoever holds it points it at another object, another bucket, or adds a header S3 would act on: refused.
    const refusals = [
      { url: signed.url.replace('object-1', 'object-2'), headers: signed.headers },
      { url: signed.url.replace(bucket, s3.bucket('basic')), headers: signed.headers },
      { url: `${signed.url}?versionId=1`, headers: signed.headers },
      { url: signed.url, headers: { ...signed.headers, 'x-amz-server-side-encryption': 'AES256' } },
      { url: signed.url, headers: { ...signed.headers, 'x-amz-date': '20200101T000000Z' } },
    ];
    for (const forged of refusals)
      await expect(sendSignedGet(forged)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    // Nor does its signature make any other request: the method is signed too.
    const put = await fetch(signed.url, { method: 'PUT', headers: signed.headers, body: 'overwritten' });
    expect(put.status).toBe(403);
    expect((await store.getBuffer(bucket, 'raw/patient/object-1', 4 * MiB))?.equals(secret)).toBe(true);

    // A key with characters SigV4 encodes and encodeURIComponent does not: signed as sent.
    await store.put(bucket, "raw/patient/it's (1)!*~.bin", Buffer.from('odd key'));
    const odd = await sendSignedGet(await store.signedGet(bucket, "raw/patient/it's (1)!*~.bin"));
    expect((await buffer(odd)).toString()).toBe('odd key');

    // An object that is not there is NOT_FOUND, as through the client.
    await expect(sendSignedGet(await store.signedGet(bucket, 'raw/patient/none'))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('reports an unreachable endpoint as STORAGE_UNAVAILABLE', async () => {
    const store = new MinioObjectStore({ ...s3.endpoint, url: 'http://127.0.0.1:1' });
    await expect(store.ensureBucket('any-bucket')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });
});

describe('per-country storage locations', () => {
  let home: TestS3;
  let france: TestS3;
  beforeAll(async () => {
    // France on an S3 of its own: under test:s3, home is the external S3 and France an embedded server.
    [home, france] = await Promise.all([startTestS3(), startTestS3({ independent: true })]);
  });
  afterAll(async () => {
    await Promise.all([home.dispose(), france.dispose()]);
  });

  it('keeps each country in its own buckets or on its own endpoint, and has no location without a country', async () => {
    const locations = new StorageLocations(
      {
        endpoint: home.endpoint,
        bucketPrefix: home.bucketPrefix,
        countries: {
          DE: { bucketPrefix: home.bucket('de-') },
          FR: { endpoint: france.endpoint, bucketPrefix: france.bucket('fr-') },
        },
        // An organisation of Italy, which has no location configured: buckets of its own on the default endpoint.
        required: ['IT', 'DE'],
      },
      (endpoint) => new MinioObjectStore(endpoint),
    );
    await locations.ensureBuckets();
    const de = locations.forCountry('DE');
    const fr = locations.forCountry('FR');
    expect(de.bucket('raw')).toBe(home.bucket('de-custodia-raw'));
    expect(locations.forCountry('IT').bucket('raw')).toBe(home.bucket('it-custodia-raw'));
    expect(locations.all().map((location) => location.country)).toEqual(['DE', 'FR', 'IT']);
    // No country, no location: nothing is ever stored in a place that belongs to none.
    expect(() => locations.forCountry('ES')).toThrow(expect.objectContaining({ code: 'NO_LOCATION' }));

    await de.store.put(de.bucket('raw'), 'r1', Buffer.from('de'));
    await fr.store.put(fr.bucket('raw'), 'r2', Buffer.from('fr'));
    const onHome = home.store();
    const onFrance = france.store();
    expect(await onHome.stat(home.bucket('de-custodia-raw'), 'r1')).toBeDefined();
    expect(await onHome.stat(home.bucket('it-custodia-raw'), 'r1')).toBeUndefined();
    expect(await onFrance.stat(france.bucket('fr-custodia-raw'), 'r2')).toBeDefined();
    // French data never reached the default endpoint.
    expect(await onHome.getBuffer(france.bucket('fr-custodia-raw'), 'r2', 10)).toBeUndefined();
  });

  it('signs for each location with its own keys, even where two share an endpoint', async () => {
    const locations = new StorageLocations(
      {
        endpoint: home.endpoint,
        bucketPrefix: home.bucketPrefix,
        // Another account on the same server: its keys, not the default endpoint's, must sign its requests.
        countries: {
          DE: {},
          FR: {
            endpoint: { ...home.endpoint, accessKey: 'france-account', secretKey: 'france-account-secret-0' },
            bucketPrefix: home.bucket('fr-'),
          },
        },
      },
      (endpoint) => new MinioObjectStore(endpoint),
    );
    const fr = locations.forCountry('FR');
    await expect(fr.store.ensureBucket(fr.bucket('raw'))).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    const de = locations.forCountry('DE');
    await de.store.ensureBucket(de.bucket('raw'));
    expect(await home.store().stat(home.bucket('fr-custodia-raw'), 'anything')).toBeUndefined();
  });

  it('never shows its keys: not in a log line, not when inspected, not in an assertion’s output', async () => {
    const secretKey = 'france-account-secret-to-keep';
    const locations = new StorageLocations(
      {
        endpoint: home.endpoint,
        bucketPrefix: home.bucketPrefix,
        countries: { FR: { endpoint: { ...home.endpoint, secretKey }, bucketPrefix: home.bucket('fr-') } },
      },
      (endpoint) => new MinioObjectStore(endpoint),
    );
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    for (const location of locations.all()) {
      logger.info({ location }, 'a location');
      const shown = [
        JSON.stringify(location),
        inspect(location, { depth: 10, showHidden: true }),
        lines.join(''),
        // As jest prints a value in a failed assertion.
        format(location),
      ];
      for (const text of shown) {
        expect(text).toContain(home.endpoint.url.replace(/\/$/, ''));
        for (const secret of [secretKey, home.endpoint.secretKey]) expect(text).not.toContain(secret);
      }
    }
  });

  it('refuses two locations that would share buckets', () => {
    expect(
      () =>
        new StorageLocations(
          {
            endpoint: home.endpoint,
            countries: { DE: { bucketPrefix: home.bucketPrefix }, FR: { bucketPrefix: home.bucketPrefix } },
          },
          (endpoint) => new MinioObjectStore(endpoint),
        ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
