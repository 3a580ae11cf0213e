/**
 * The embedded S3 server keeps each bucket's configurations in memory (s3rver-fixes.ts): what is set, changed or
 * removed over S3 must be what the next request sees. And s3rver's request log is taken out of its chain only where
 * it is: a changed s3rver is refused at start, not half-patched.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'minio';
import S3rver from 's3rver';
import { startS3Server } from './s3-server';
import type { RunningS3Server } from './s3-server';
import { withoutRequestLog } from './s3rver-fixes';

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
