/**
 * The embedded S3 server keeps each bucket's configurations in memory (s3rver-fixes.ts): what is set, changed or
 * removed over S3 must be what the next request sees. Every read of an object answers one version of it, whatever
 * is written over it meanwhile. And s3rver's request log is taken out of its chain only where it is: a changed
 * s3rver is refused at start, not half-patched.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import S3rver from 's3rver';
import { startS3Server } from './s3-server';
import type { RunningS3Server } from './s3-server';
import { withoutRequestLog } from './s3rver-fixes';
import { countScavenges } from '../../../test/scavenges';

let directory: string;
let server: RunningS3Server;
let client: Client;
const BUCKET = 'configured';

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 's3rver-fixes-'));
  server = await startS3Server({ directory });
  client = new Client({
    endPoint: server.host,
    port: server.port,
    useSSL: false,
    accessKey: server.credentials.accessKey,
    secretKey: server.credentials.secretKey,
    region: 'us-east-1',
    // Every answer as the server gave it: minio would retry a 500 once and hide it.
    retryOptions: { disableRetry: true },
  });
  await client.makeBucket(BUCKET, 'us-east-1');
});

afterAll(async () => {
  await server?.close();
  await rm(directory, { recursive: true, force: true });
});

function cors(origin: string): string {
  return (
    '<CORSConfiguration><CORSRule>' +
    `<AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>GET</AllowedMethod>` +
    '</CORSRule></CORSConfiguration>'
  );
}

/** The bucket's CORS configuration as S3 answers it, or its error code. */
async function readCors(): Promise<string> {
  try {
    const response = await client.makeRequestAsync({ method: 'GET', bucketName: BUCKET, query: 'cors' });
    const parts: Buffer[] = [];
    for await (const part of response) parts.push(part as Buffer);
    return Buffer.concat(parts).toString('utf8');
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

async function send(method: 'PUT' | 'DELETE', body = ''): Promise<void> {
  await client.makeRequestAsyncOmit({ method, bucketName: BUCKET, query: 'cors' }, body, [200, 204]);
}

test("a bucket's configuration set, changed and removed is what the next request sees", async () => {
  // Read first: the bucket has none, and that answer is what the server now keeps.
  expect(await readCors()).toBe('NoSuchCORSConfiguration');
  await send('PUT', cors('https://a.example'));
  expect(await readCors()).toContain('https://a.example');
  await send('PUT', cors('https://b.example'));
  const changed = await readCors();
  expect(changed).toContain('https://b.example');
  expect(changed).not.toContain('https://a.example');
  await send('DELETE');
  expect(await readCors()).toBe('NoSuchCORSConfiguration');
});

test('a bucket deleted and made again has none of its former configurations', async () => {
  const other = 'recreated';
  await client.makeBucket(other, 'us-east-1');
  await client.makeRequestAsyncOmit(
    { method: 'PUT', bucketName: other, query: 'cors' },
    cors('https://c.example'),
    [200],
  );
  // Read: now kept in memory.
  const read = await client.makeRequestAsync({ method: 'GET', bucketName: other, query: 'cors' });
  read.resume();
  await client.removeBucket(other);
  await client.makeBucket(other, 'us-east-1');
  await expect(
    client.makeRequestAsyncOmit({ method: 'GET', bucketName: other, query: 'cors' }),
  ).rejects.toMatchObject({ code: 'NoSuchCORSConfiguration' });
});

test("the request log is removed only when it leads s3rver's chain", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 's3rver-chain-'));
  try {
    const s3 = new S3rver({ directory: dir, silent: true });
    const chain = s3.middleware.length;
    withoutRequestLog(s3);
    expect(s3.middleware).toHaveLength(chain - 1);
    expect(s3.middleware.map(({ name }) => name)).not.toContain('logger');
    // Applied twice (or to a changed s3rver): refused rather than removing something else.
    expect(() => withoutRequestLog(s3)).toThrow(/request logger/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** A GET of `key` (with `range`): what came back, or the error's code. */
async function read(
  key: string,
  range?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer } | string> {
  try {
    const response = await client.makeRequestAsync(
      {
        method: 'GET',
        bucketName: BUCKET,
        objectName: key,
        ...(range === undefined ? {} : { headers: { range } }),
      },
      '',
      [200, 206],
    );
    // A body shorter than its Content-Length never ends: given up on, not waited for.
    const timer = setTimeout(() => response.destroy(new Error('no whole body within 5 s')), 5_000);
    const parts: Buffer[] = [];
    try {
      for await (const part of response) parts.push(part as Buffer);
    } finally {
      clearTimeout(timer);
    }
    return { status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(parts) };
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  }
}

const md5 = (bytes: Buffer): string => createHash('md5').update(bytes).digest('hex');

test('every read of an object written over meanwhile answers one whole version: its body, length and ETag', async () => {
  // Versions of different lengths and contents, written one after the other while four readers read: before the
  // fix, some reads answered 500 (metadata read half-written), a body of another length than its Content-Length
  // (reset), or the ETag of one version with the body of another.
  const versions = Array.from({ length: 12 }, (_, n) => Buffer.alloc(1_000 + n * 9_000, n + 1));
  const known = new Set(versions.map(md5));
  await client.putObject(BUCKET, 'overwritten', versions[0]);
  const outcomes = new Map<string, number>();
  const count = (outcome: string): void => {
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  };
  let writing = true;
  const writer = (async () => {
    try {
      for (let n = 1; n <= 150; n += 1)
        await client.putObject(BUCKET, 'overwritten', versions[n % versions.length]);
    } catch (error) {
      count(`write failed ${(error as { code?: string }).code ?? String(error)}`);
    } finally {
      writing = false;
    }
  })();
  const reader = async (): Promise<void> => {
    while (writing) {
      const answer = await read('overwritten');
      if (typeof answer === 'string') count(`error ${answer}`);
      else if (answer.body.length !== Number(answer.headers['content-length'])) count('length differs');
      else if (!known.has(md5(answer.body))) count('torn body');
      else if (`"${md5(answer.body)}"` !== answer.headers.etag) count('ETag of another version');
      else count('whole');
    }
  };
  await Promise.all([writer, reader(), reader(), reader(), reader()]);
  expect([...outcomes.keys()]).toEqual(['whole']);
  expect(outcomes.get('whole')).toBeGreaterThan(50);
});

test('ranged reads keep their contract: a byte range, an open end, the first byte, a start past the end', async () => {
  const content = Buffer.from('0123456789');
  await client.putObject(BUCKET, 'ranged', content);
  const whole = await read('ranged');
  expect(whole).toMatchObject({ status: 200, body: content });
  expect(await read('ranged', 'bytes=2-4')).toMatchObject({
    status: 206,
    body: Buffer.from('234'),
    headers: { 'content-range': 'bytes 2-4/10' },
  });
  expect(await read('ranged', 'bytes=7-')).toMatchObject({ status: 206, body: Buffer.from('789') });
  expect(await read('ranged', 'bytes=0-0')).toMatchObject({ status: 206, body: Buffer.from('0') });
  expect(await read('ranged', 'bytes=3-99')).toMatchObject({ status: 206, body: Buffer.from('3456789') });
  expect(await read('ranged', 'bytes=10-12')).toBe('InvalidRange');
  expect(await read('absent')).toBe('NoSuchKey');
  const head = await client.statObject(BUCKET, 'ranged');
  expect(head).toMatchObject({ size: 10, etag: md5(content) });
});

/** How many of this process's descriptors are files under `folder` (Linux's /proc). */
async function filesOpenUnder(folder: string): Promise<number> {
  const links = await Promise.all(
    (await readdir('/proc/self/fd')).map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return links.filter((link) => link.startsWith(folder)).length;
}

test("a large object's bytes are scavenged as the server sends them, and arrive whole; a read left early closes", async () => {
  const MiB = 1024 * 1024;
  const size = 64 * MiB;
  const block = createHash('sha256').update('block').digest();
  const content = Buffer.alloc(size, block);
  await client.putObject(BUCKET, 'large', Readable.from([content]), size);
  const scavenged = countScavenges();
  const hash = createHash('sha256');
  let received = 0;
  let scavenges = 0;
  try {
    // Every scavenge of this process is counted, the client's too; this client asks for none (the lake's transport
    // does), and V8 alone scavenged ~6 times in the whole transfer.
    for await (const chunk of await client.getObject(BUCKET, 'large')) {
      hash.update(chunk as Buffer);
      received += (chunk as Buffer).length;
    }
  } finally {
    scavenges = await scavenged();
  }
  expect(received).toBe(size);
  expect(hash.digest('hex')).toBe(createHash('sha256').update(content).digest('hex'));
  // One a MiB at most (64).
  expect(scavenges).toBeGreaterThanOrEqual(16);

  // A reader that goes away early: the server is not left holding the file, and the key is readable again.
  const early = await client.getObject(BUCKET, 'large');
  for await (const chunk of early) if ((chunk as Buffer).length > 0) break;
  early.destroy();
  // (Descriptors are read from Linux's /proc.)
  if (process.platform === 'linux') {
    const until = Date.now() + 5_000;
    while ((await filesOpenUnder(directory)) > 0 && Date.now() < until)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await filesOpenUnder(directory)).toBe(0);
  }
  const again = await client.getPartialObject(BUCKET, 'large', size - 3, 3);
  const tail: Buffer[] = [];
  for await (const chunk of again) tail.push(chunk as Buffer);
  expect(Buffer.concat(tail)).toEqual(content.subarray(size - 3));
});

test('a bucket is there from its making to its deletion, for every request, however often it was looked at', async () => {
  const bucket = 'coming-and-going';
  expect(await client.bucketExists(bucket)).toBe(false);
  await client.makeBucket(bucket, 'us-east-1');
  for (let round = 0; round < 2; round += 1) {
    expect(await client.bucketExists(bucket)).toBe(true);
    await client.putObject(bucket, 'kept', Buffer.from('x'));
    expect((await client.statObject(bucket, 'kept')).size).toBe(1);
    await client.removeObject(bucket, 'kept');
    await client.removeBucket(bucket);
    expect(await client.bucketExists(bucket)).toBe(false);
    await expect(client.putObject(bucket, 'kept', Buffer.from('x'))).rejects.toMatchObject({
      code: 'NoSuchBucket',
    });
    await expect(client.listObjectsV2(bucket, '', true).toArray()).rejects.toMatchObject({
      code: 'NoSuchBucket',
    });
    if (round === 0) await client.makeBucket(bucket, 'us-east-1');
  }
});

test('an object answers its latest metadata after every kind of change: overwrite, copy onto it, multipart, deletion', async () => {
  const seen = async (key: string) => {
    const stat = await client.statObject(BUCKET, key);
    const parts: Buffer[] = [];
    for await (const part of await client.getObject(BUCKET, key)) parts.push(part as Buffer);
    return {
      etag: stat.etag,
      size: stat.size,
      version: stat.metaData['version'] as string | undefined,
      body: Buffer.concat(parts).toString('utf8'),
    };
  };
  const md5 = (text: string) => createHash('md5').update(text).digest('hex');
  await client.putObject(BUCKET, 'changing', Buffer.from('one'), 3, { 'x-amz-meta-version': '1' });
  // Read again and again, so what is read is what is remembered.
  for (let read = 0; read < 3; read += 1)
    expect(await seen('changing')).toEqual({ etag: md5('one'), size: 3, version: '1', body: 'one' });

  await client.putObject(BUCKET, 'changing', Buffer.from('second'), 6, { 'x-amz-meta-version': '2' });
  expect(await seen('changing')).toEqual({ etag: md5('second'), size: 6, version: '2', body: 'second' });

  await client.putObject(BUCKET, 'source', Buffer.from('copied!'), 7, { 'x-amz-meta-version': 'source' });
  await client.copyObject(BUCKET, 'changing', `/${BUCKET}/source`);
  expect(await seen('changing')).toEqual({
    etag: md5('copied!'),
    size: 7,
    version: 'source',
    body: 'copied!',
  });

  await client.copyObject(
    new CopySourceOptions({ Bucket: BUCKET, Object: 'changing' }),
    new CopyDestinationOptions({
      Bucket: BUCKET,
      Object: 'changing',
      MetadataDirective: 'REPLACE',
      UserMetadata: { version: '3' },
    }),
  );
  expect(await seen('changing')).toEqual({ etag: md5('copied!'), size: 7, version: '3', body: 'copied!' });

  const uploadId = await client.initiateNewMultipartUpload(BUCKET, 'changing', { 'x-amz-meta-version': '4' });
  const part = await client.uploadPart(
    { bucketName: BUCKET, objectName: 'changing', uploadID: uploadId, partNumber: 1, headers: {} },
    Buffer.from('in parts'),
  );
  await client.completeMultipartUpload(BUCKET, 'changing', uploadId, [{ part: 1, etag: part.etag }]);
  const multipart = await seen('changing');
  expect(multipart).toMatchObject({ size: 8, version: '4', body: 'in parts' });

  await client.removeObject(BUCKET, 'changing');
  await expect(client.statObject(BUCKET, 'changing')).rejects.toMatchObject({ code: 'NotFound' });
  await expect(client.getObject(BUCKET, 'changing')).rejects.toMatchObject({ code: 'NoSuchKey' });
});
