/**
 * The S3 server refuses whoever does not hold its keys — the attacks of issue #12 (anonymous list, read, write,
 * delete of the metadata the lake decides releases from) and those on signed requests: a captured signature replayed
 * on another path, a signed header changed, an unsigned header added, another body under a signed hash, another
 * secret, a stale clock. Signed requests are the minio client's own, captured on their way out; each attack then
 * checks that nothing changed. Under `npm run test:s3` the same attacks run against Ceph's radosgw.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { Client } from 'minio';
import { signedAuthorization, splitTarget } from '../src/storage/sigv4';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import nodePath from 'node:path';
import { SECRET_FILE } from '../src/storage/embedded/credentials';
import { startS3Server } from '../src/storage/embedded/s3-server';
import { MinioObjectStore } from '../src/storage/minio-store';
import { externalTestS3, startTestS3 } from './s3';
import type { TestS3 } from './s3';

interface Captured {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
}

interface Answer {
  readonly status: number;
  /** The S3 error code of an error answer. */
  readonly code?: string;
  readonly body: string;
}

let s3: TestS3;
let bucket: string;
const ORIGINAL = '{"labels":["PSY"]}';

beforeAll(async () => {
  s3 = await startTestS3();
  bucket = s3.bucket('guarded');
  const store = s3.store();
  await store.ensureBucket(bucket);
  await store.put(bucket, 'records/a.json', Buffer.from(ORIGINAL));
  await store.put(bucket, 'records/b.json', Buffer.from('{"labels":[]}'));
});

afterAll(async () => {
  await s3?.dispose();
});

/** Sends exactly these method, path, headers and body (host included) to the S3 endpoint. */
function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  const url = new URL(s3.endpoint.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: Number(url.port), method, path, headers, agent: false },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          const text = Buffer.concat(parts).toString('utf8');
          const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
          resolve({ status: res.statusCode ?? 0, body: text, ...(code === undefined ? {} : { code }) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Runs `operation` with a minio client that records every request it signs (the requests are sent too). */
async function captured(operation: (client: Client) => Promise<unknown>): Promise<Captured[]> {
  const requests: Captured[] = [];
  const url = new URL(s3.endpoint.url);
  // minio calls `request(options, callback)` only; the other overloads of http.request are never used.
  const record = (options: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest => {
    const headers = Object.fromEntries(
      Object.entries(options.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
    requests.push({ method: options.method ?? 'GET', path: options.path ?? '/', headers });
    return httpRequest(options, callback);
  };
  const transport = { request: record as typeof httpRequest };
  const client = new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: false,
    accessKey: s3.endpoint.accessKey,
    secretKey: s3.endpoint.secretKey,
    region: s3.endpoint.region ?? 'us-east-1',
    pathStyle: true,
    transport,
  });
  await operation(client);
  return requests;
}

async function content(key: string): Promise<string | undefined> {
  return (await s3.store().getBuffer(bucket, key, 1024))?.toString('utf8');
}

/**
 * Signs as a client would, with this S3's keys and the given clock (SigV4 in the Authorization header), over the
 * body's SHA-256 — or `UNSIGNED-PAYLOAD`, as the minio client signs over HTTPS.
 */
function signedHeaders(
  method: string,
  path: string,
  at: Date,
  body: string | { unsigned: true } = '',
  extra: Record<string, string> = {},
): Record<string, string> {
  const payloadHash =
    typeof body === 'string' ? createHash('sha256').update(body).digest('hex') : 'UNSIGNED-PAYLOAD';
  const headers = {
    host: new URL(s3.endpoint.url).host,
    'x-amz-content-sha256': payloadHash,
    'x-amz-date': at.toISOString().replace(/[-:]|\.\d{3}/g, ''),
    ...extra,
  };
  const target = splitTarget(path);
  return {
    ...headers,
    authorization: signedAuthorization(
      { method, path: target.path, query: target.query, headers },
      s3.endpoint,
      s3.endpoint.region ?? 'us-east-1',
    ),
  };
}

it('refuses anonymous list, read, write and delete, and nothing changes', async () => {
  const host = new URL(s3.endpoint.url).host;
  const attempts = [
    await send('GET', `/${bucket}?list-type=2`, { host }),
    await send('GET', `/${bucket}/records/a.json`, { host }),
    await send('PUT', `/${bucket}/records/a.json`, { host, 'content-length': '15' }, '{"labels":[]} '),
    await send('PUT', `/${bucket}/records/planted.json`, { host, 'content-length': '2' }, '{}'),
    await send('DELETE', `/${bucket}/records/b.json`, { host }),
    await send('POST', `/${bucket}?delete`, { host, 'content-length': '0' }),
  ];
  for (const answer of attempts) {
    expect(answer.status).toBe(403);
    expect(answer.code).toBe('AccessDenied');
    expect(answer.body).not.toContain('PSY');
  }
  expect(await content('records/a.json')).toBe(ORIGINAL);
  expect(await content('records/b.json')).toBe('{"labels":[]}');
  expect(await content('records/planted.json')).toBeUndefined();
});

it('refuses a captured signature replayed on another path', async () => {
  const [read] = await captured((client) => client.statObject(bucket, 'records/b.json'));
  if (read === undefined) throw new Error('no request captured');
  // The capture itself is valid: replayed as it was, it is served.
  expect((await send(read.method, read.path, read.headers)).status).toBe(200);
  const elsewhere = await send('GET', read.path.replace('records/b.json', 'records/a.json'), read.headers);
  expect(elsewhere.status).toBe(403);
  expect(elsewhere.code).toBe('SignatureDoesNotMatch');
  expect(elsewhere.body).not.toContain('PSY');

  await s3.store().put(bucket, 'records/scratch.json', Buffer.from('{}'));
  const [remove] = await captured((client) => client.removeObject(bucket, 'records/scratch.json'));
  if (remove === undefined) throw new Error('no request captured');
  const deleteOther = await send('DELETE', remove.path.replace('scratch', 'a'), remove.headers);
  expect(deleteOther.status).toBe(403);
  expect(deleteOther.code).toBe('SignatureDoesNotMatch');
  expect(await content('records/a.json')).toBe(ORIGINAL);
});

it('refuses a changed signed header; a header added to a signed PUT neither copies a record nor makes it public', async () => {
  const [ranged] = await captured(async (client) =>
    (await client.getPartialObject(bucket, 'records/b.json', 0, 4)).resume(),
  );
  if (ranged === undefined) throw new Error('no request captured');
  expect(ranged.headers.range).toBe('bytes=0-3');
  const widened = await send('GET', ranged.path, { ...ranged.headers, range: 'bytes=0-999' });
  expect(widened.status).toBe(403);
  expect(widened.code).toBe('SignatureDoesNotMatch');

  const [write] = await captured((client) =>
    client.putObject(bucket, 'records/c.json', Buffer.from('{"c":1}')),
  );
  if (write === undefined) throw new Error('no request captured');
  // An ACL header added to it would make the record public; a copy source would copy another record over it.
  const publicRead = await send(
    'PUT',
    write.path,
    { ...write.headers, 'x-amz-acl': 'public-read' },
    '{"c":1}',
  );
  const copy = await send(
    'PUT',
    write.path,
    { ...write.headers, 'x-amz-copy-source': `/${bucket}/records/a.json` },
    '{"c":1}',
  );
  expect(copy.status).toBeGreaterThanOrEqual(400);
  // Whatever the server answered the ACL (the embedded server 403; radosgw takes it but ignores public ACLs),
  // nobody without the keys can read the record.
  if (s3.kind === 'embedded') expect(publicRead.code).toBe('AccessDenied');
  else expect([200, 403]).toContain(publicRead.status);
  const anonymous = await send('GET', write.path, { host: write.headers.host ?? '' });
  expect(anonymous.status).toBe(403);
  expect(anonymous.body).not.toContain('"c"');
  expect(await content('records/c.json')).toBe('{"c":1}');
});

it('refuses another body under a captured signed hash, and keeps the object as it was', async () => {
  const [write] = await captured((client) =>
    client.putObject(bucket, 'records/d.json', Buffer.from('{"d":"kept"}')),
  );
  if (write === undefined) throw new Error('no request captured');
  const swapped = await send('PUT', write.path, write.headers, '{"d":"evil"}');
  expect(swapped.status).toBe(400);
  expect(swapped.code).toBe('XAmzContentSHA256Mismatch');
  expect(await content('records/d.json')).toBe('{"d":"kept"}');
  // Nor does a body other than the signed one create an object that did not exist.
  const path = `/${bucket}/records/e.json`;
  const fresh = await send('PUT', path, signedHeaders('PUT', path, new Date(), '{"e":1}'), '{"e":2}');
  expect(fresh.status).toBe(400);
  expect(fresh.code).toBe('XAmzContentSHA256Mismatch');
  expect(await content('records/e.json')).toBeUndefined();
});

it('refuses a client with another secret or an unknown access key', async () => {
  const url = new URL(s3.endpoint.url);
  const client = (accessKey: string, secretKey: string): Client =>
    new Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: false,
      accessKey,
      secretKey,
      region: s3.endpoint.region ?? 'us-east-1',
      pathStyle: true,
    });
  const wrongSecret = client(s3.endpoint.accessKey, `${s3.endpoint.secretKey.slice(0, -4)}abcd`);
  await expect(wrongSecret.getObject(bucket, 'records/a.json')).rejects.toMatchObject({
    code: 'SignatureDoesNotMatch',
  });
  await expect(wrongSecret.putObject(bucket, 'records/a.json', Buffer.from('{}'))).rejects.toMatchObject({
    code: 'SignatureDoesNotMatch',
  });
  const unknownKey = client('UNKNOWNACCESSKEY0000', s3.endpoint.secretKey);
  await expect(unknownKey.getObject(bucket, 'records/a.json')).rejects.toMatchObject({
    code: 'InvalidAccessKeyId',
  });
  expect(await content('records/a.json')).toBe(ORIGINAL);
});

it('serves requests signed now, an unsigned payload too, and refuses one signed twenty minutes ago', async () => {
  const path = `/${bucket}/records/a.json`;
  const now = await send('GET', path, signedHeaders('GET', path, new Date()));
  expect(now.status).toBe(200);
  expect(now.body).toBe(ORIGINAL);
  const unsignedPath = `/${bucket}/records/unsigned-payload.json`;
  const unsigned = await send(
    'PUT',
    unsignedPath,
    signedHeaders('PUT', unsignedPath, new Date(), { unsigned: true }),
    '{}',
  );
  expect(unsigned.status).toBe(200);
  expect(await content('records/unsigned-payload.json')).toBe('{}');
  const stale = await send('GET', path, signedHeaders('GET', path, new Date(Date.now() - 20 * 60_000)));
  expect(stale.status).toBe(403);
  expect(stale.code).toBe('RequestTimeTooSkewed');
});

(externalTestS3() === undefined ? it : it.skip)(
  'keeps a signed key with .. segments from reaching outside its bucket on disk',
  async () => {
    // s3rver maps key segments to directories; S3 itself would take this as an ordinary key.
    const path = `/${bucket}/records/../../planted`;
    const answer = await send('PUT', path, signedHeaders('PUT', path, new Date(), 'x'), 'x');
    expect(answer.status).toBe(400);
    expect(answer.code).toBe('InvalidURI');
  },
);

(externalTestS3() === undefined ? it : it.skip)(
  'refuses every other way to a key’s file or out of its bucket: encoded separators, empty segments, a copy’s source, a deletion’s list',
  async () => {
    const other = s3.bucket('neighbour');
    await s3.store().ensureBucket(other);
    await s3.store().put(other, 'kept', Buffer.from('neighbour'));
    const put = (path: string, extra: Record<string, string> = {}) =>
      send('PUT', path, signedHeaders('PUT', path, new Date(), 'x', extra), 'x');
    const refusals = [
      // Another key's file, by an encoded separator, or by an empty segment; the other bucket, by an encoded `..`.
      await put(`/${bucket}/records%2F.%2Fa.json`),
      await put(`/${bucket}/records//a.json`),
      await put(`/${bucket}/records/a.json/`),
      await put(`/${bucket}/records%2F..%2F..%2F${other}%2Fkept`),
      // A copy onto an ordinary key, from outside the bucket.
      await send(
        'PUT',
        `/${bucket}/records/copied.json`,
        signedHeaders('PUT', `/${bucket}/records/copied.json`, new Date(), '', {
          'x-amz-copy-source': `/${bucket}/records%2F..%2F..%2F${other}%2Fkept`,
        }),
        '',
      ),
    ];
    for (const refusal of refusals) expect(refusal).toMatchObject({ status: 400, code: 'InvalidURI' });
    // A multi-object delete names its keys in its body: the store refuses to name a file for one outside the bucket.
    const list = `<Delete><Object><Key>../${other}/kept</Key></Object></Delete>`;
    const deletion = `/${bucket}?delete`;
    const answer = await send(
      'POST',
      deletion,
      {
        ...signedHeaders('POST', deletion, new Date(), list),
        'content-md5': createHash('md5').update(list).digest('base64'),
      },
      list,
    );
    expect(answer.body).not.toContain('<Deleted>');
    expect(await content('records/a.json')).toBe(ORIGINAL);
    expect(await content('records/copied.json')).toBeUndefined();
    expect((await s3.store().getBuffer(other, 'kept', 64))?.toString('utf8')).toBe('neighbour');
  },
);

(externalTestS3() === undefined ? describe : describe.skip)('the embedded server’s own keys', () => {
  it('are generated on first start (0600), kept across restarts, and no other installation’s keys are accepted', async () => {
    const [dir, otherDir] = await Promise.all([
      mkdtemp(nodePath.join(tmpdir(), 'custodia-s3-keys-')),
      mkdtemp(nodePath.join(tmpdir(), 'custodia-s3-keys-')),
    ]);
    try {
      const first = await startS3Server({ directory: dir });
      expect((await stat(nodePath.join(dir, SECRET_FILE))).mode & 0o777).toBe(0o600);
      expect(first.credentials.accessKey).not.toBe('S3RVER');
      expect(first.credentials.secretKey).toMatch(/^[0-9a-f]{64}$/);
      await new MinioObjectStore({ url: first.endpoint, ...first.credentials }).ensureBucket('kept');
      await first.close();

      const restarted = await startS3Server({ directory: dir });
      const other = await startS3Server({ directory: otherDir });
      try {
        expect(restarted.credentials).toEqual(first.credentials);
        expect(other.credentials.accessKey).not.toBe(first.credentials.accessKey);
        const store = new MinioObjectStore({ url: restarted.endpoint, ...restarted.credentials });
        expect(await store.stat('kept', 'nothing')).toBeUndefined();
        const intruder = new MinioObjectStore({ url: restarted.endpoint, ...other.credentials });
        await expect(intruder.stat('kept', 'nothing')).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      } finally {
        await Promise.all([restarted.close(), other.close()]);
      }
    } finally {
      await Promise.all([
        rm(dir, { recursive: true, force: true }),
        rm(otherDir, { recursive: true, force: true }),
      ]);
    }
  });
});
