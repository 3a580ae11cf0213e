/**
 * Closing the embedded S3 server (s3-server.ts) waits for the requests it is handling: when the close resolves, no
 * write of the store is left between its steps — what the platform does next (ending the server's thread, exiting)
 * cannot cut one off. A body that never comes does not hold the close.
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client } from 'minio';
import { clientOn } from '../../../test/s3';
import { signedAuthorization } from '../sigv4';
import { EMBEDDED_S3_REGION, startS3Server } from './s3-server';
import type { RunningS3Server } from './s3-server';

const BUCKET = 'closing';

let directory: string;
let server: RunningS3Server;
let client: Client;

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 's3-server-close-'));
  server = await startS3Server({ directory });
  client = clientOn({ url: server.endpoint, ...server.credentials });
  await client.makeBucket(BUCKET, 'us-east-1');
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Every file under `dir`, relative to it. */
async function files(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

it('leaves no write half done when its close resolves', async () => {
  const bodies = Array.from({ length: 24 }, () => randomBytes(1024 * 1024));
  const uploads = bodies.map((body, index) =>
    client.putObject(BUCKET, `objects/${index}`, body, body.length).then(
      () => 'stored',
      () => 'refused',
    ),
  );
  // The close comes once the server is writing one of them (its temporary file is there).
  const bucketDir = path.join(directory, BUCKET);
  const writing = async (): Promise<boolean> =>
    (await files(bucketDir).catch(() => [])).some((file) => file.endsWith('.upload'));
  while (!(await writing())) await new Promise((resolve) => setImmediate(resolve));
  await server.close();
  const left = await files(path.join(directory, BUCKET));
  // No temporary file of a write in progress; each object has all of its files or none.
  expect(left.filter((file) => file.endsWith('.upload'))).toEqual([]);
  const objects = new Set(left.map((file) => path.dirname(file)));
  for (const object of objects)
    expect(left.filter((file) => path.dirname(file) === object).sort()).toEqual(
      ['object', 'object.md5', 'metadata.json'].map((name) => path.join(object, name)).sort(),
    );
  await Promise.all(uploads);
});

it('does not wait for a body that never comes', async () => {
  const url = new URL(server.endpoint);
  // A signed upload whose body stops after 10 of its 1,000 bytes: s3rver is reading it when the close comes.
  const headers = {
    host: url.host,
    'x-amz-date': new Date()
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, ''),
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    'content-length': '1000',
  };
  const authorization = signedAuthorization(
    { method: 'PUT', path: `/${BUCKET}/stalled`, headers },
    server.credentials,
    EMBEDDED_S3_REGION,
  );
  const stalled = request({
    host: url.hostname,
    port: Number(url.port),
    method: 'PUT',
    path: `/${BUCKET}/stalled`,
    headers: { ...headers, authorization },
  });
  stalled.on('error', () => undefined);
  stalled.write(Buffer.alloc(10));
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started = performance.now();
  await server.close();
  expect(performance.now() - started).toBeLessThan(5_000);
  stalled.destroy();
});
