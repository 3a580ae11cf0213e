/**
 * The embedded S3 server on its own thread (storage/embedded/s3-thread.ts), as the lake's embedded default runs it:
 * signed requests are served (objects kept in its directory, across a restart), unsigned ones refused and logged
 * on the main thread's logger with their code and method only, and `close` stops the server and the thread.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { startS3ServerThread } from '../src/storage/embedded/s3-thread';
import { MinioObjectStore } from '../src/storage/minio-store';

let dir: string;
const logged: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'warn' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  }),
);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'custodia-s3-thread-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('serves signed requests from its thread, refuses and logs an unsigned one, and stops on close', async () => {
  const server = await startS3ServerThread({ directory: dir }, logger);
  const store = new MinioObjectStore({ url: server.endpoint, ...server.credentials });
  await store.ensureBucket('kept');
  await store.put('kept', 'records/one.json', Buffer.from('{"one":1}'));
  const unsigned = await fetch(`${server.endpoint}/kept/records/one.json`);
  expect(unsigned.status).toBe(403);
  await server.close();
  expect(logged).toEqual([
    expect.objectContaining({ msg: 'S3 request refused', code: 'AccessDenied', method: 'GET' }),
  ]);
  expect(JSON.stringify(logged)).not.toContain('records/one.json');
  await expect(fetch(`${server.endpoint}/kept/records/one.json`)).rejects.toThrow();

  // The same directory and keys on a new thread: what was stored is there.
  const restarted = await startS3ServerThread({ directory: dir }, logger);
  try {
    expect(restarted.credentials).toEqual(server.credentials);
    const again = new MinioObjectStore({ url: restarted.endpoint, ...restarted.credentials });
    expect((await again.stat('kept', 'records/one.json'))?.size).toBe(9);
  } finally {
    await restarted.close();
  }
});

it('fails to start, naming no path, when its directory cannot be made', async () => {
  // Under a file: no directory can be made there (ENOTDIR).
  const file = path.join(dir, 'a-file');
  await writeFile(file, '');
  const failure = startS3ServerThread({ directory: path.join(file, 's3') }, logger);
  await expect(failure).rejects.toThrow(/^the embedded S3 server did not start: Error ENOTDIR$/);
});
