/**
 * Test factory: the S3 the data lake's tests run against — the one seam between `npm test` and `npm run test:s3`.
 *
 * - By default (`npm test`), a real embedded S3 server (s3rver behind the lake's SigV4 front) in a temporary
 *   directory, with keys of its own, one per factory call.
 * - With `CUSTODIA_TEST_S3_ENDPOINT`, `_ACCESS_KEY`, `_SECRET_KEY` (and `_REGION`), an external S3: `npm run test:s3`
 *   points them at a throw-away Ceph radosgw (scripts/s3/ceph.ts). Test files share that endpoint, so each factory
 *   call gets buckets of its own under a random prefix, and removes them when disposed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'minio';
import { startS3Server } from '../src/storage/embedded/s3-server';
import type { RunningS3Server } from '../src/storage/embedded/s3-server';
import { MinioObjectStore } from '../src/storage/minio-store';
import type { S3Endpoint } from '../src/storage/minio-store';

export interface TestS3 {
  /** `embedded`: a server of this instance's own; `external`: the endpoint of CUSTODIA_TEST_S3_ENDPOINT. */
  readonly kind: 'embedded' | 'external';
  readonly endpoint: S3Endpoint;
  /** Prepended to every bucket this instance uses (empty on a server of its own). */
  readonly bucketPrefix: string;
  /** The name of one of this instance's buckets. */
  bucket(name: string): string;
  store(partSize?: number): MinioObjectStore;
  /** A minio client with this S3's keys (for requests the ObjectStore does not make). */
  client(): Client;
  /** Stops the S3 service and starts it again over the same data (an external one keeps running). */
  restart(): Promise<TestS3>;
  /** Stops the server and removes its data (external: this instance's buckets). */
  dispose(): Promise<void>;
}

/** The external S3 of `npm run test:s3`, when configured. */
export function externalTestS3(env: NodeJS.ProcessEnv = process.env): S3Endpoint | undefined {
  const url = env.CUSTODIA_TEST_S3_ENDPOINT;
  if (url === undefined || url === '') return undefined;
  const accessKey = env.CUSTODIA_TEST_S3_ACCESS_KEY;
  const secretKey = env.CUSTODIA_TEST_S3_SECRET_KEY;
  if (accessKey === undefined || secretKey === undefined)
    throw new Error('CUSTODIA_TEST_S3_ENDPOINT needs CUSTODIA_TEST_S3_ACCESS_KEY and _SECRET_KEY');
  return { url, accessKey, secretKey, region: env.CUSTODIA_TEST_S3_REGION ?? 'us-east-1' };
}

/**
 * The tests' S3. `independent`: an S3 apart from the tests' main one (a second storage location on an endpoint of
 * its own) — under an external endpoint, an embedded server.
 */
export async function startTestS3(options: { independent?: boolean } = {}): Promise<TestS3> {
  const external = options.independent === true ? undefined : externalTestS3();
  return external === undefined ? startEmbedded() : onExternal(external, newPrefix());
}

/**
 * The S3 variables of a data-lake service whose data lives in `dir`: its own embedded server under `dir/s3`, or the
 * external endpoint with buckets of its own. `dispose` removes an external service's buckets.
 */
export function testLakeS3(dir: string): { env: Record<string, string>; dispose(): Promise<void> } {
  const external = externalTestS3();
  if (external === undefined)
    return { env: { CUSTODIA_S3_DIR: path.join(dir, 's3') }, dispose: async () => {} };
  const bucketPrefix = newPrefix();
  return {
    env: {
      CUSTODIA_S3_ENDPOINT: external.url,
      CUSTODIA_S3_ACCESS_KEY: external.accessKey,
      CUSTODIA_S3_SECRET_KEY: external.secretKey,
      CUSTODIA_S3_BUCKET_PREFIX: bucketPrefix,
    },
    dispose: () => removeBuckets(external, bucketPrefix),
  };
}

async function startEmbedded(directory?: string): Promise<TestS3> {
  const dir = directory ?? (await mkdtemp(path.join(tmpdir(), 'custodia-s3-')));
  const server: RunningS3Server = await startS3Server({ directory: dir });
  const endpoint: S3Endpoint = { url: server.endpoint, ...server.credentials };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    kind: 'embedded',
    endpoint,
    bucketPrefix: '',
    bucket: (name) => name,
    store: (partSize) => storeOn(endpoint, partSize),
    client: () => clientOn(endpoint),
    restart: async () => {
      await stop();
      return startEmbedded(dir);
    },
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function onExternal(endpoint: S3Endpoint, bucketPrefix: string): TestS3 {
  const self: TestS3 = {
    kind: 'external',
    endpoint,
    bucketPrefix,
    bucket: (name) => `${bucketPrefix}${name}`,
    store: (partSize) => storeOn(endpoint, partSize),
    client: () => clientOn(endpoint),
    restart: async () => self,
    dispose: () => removeBuckets(endpoint, bucketPrefix),
  };
  return self;
}

function storeOn(endpoint: S3Endpoint, partSize: number | undefined): MinioObjectStore {
  return new MinioObjectStore({ ...endpoint, ...(partSize === undefined ? {} : { partSize }) });
}

export function clientOn(endpoint: S3Endpoint): Client {
  const url = new URL(endpoint.url);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: endpoint.accessKey,
    secretKey: endpoint.secretKey,
    region: endpoint.region ?? 'us-east-1',
    pathStyle: true,
  });
}

/** `t<hex>-`: bucket names stay valid (lowercase, starting with a letter) and short. */
function newPrefix(): string {
  return `t${randomBytes(4).toString('hex')}-`;
}

/** Empties and removes the buckets under `prefix` on an external endpoint (unfinished multipart uploads too). */
async function removeBuckets(endpoint: S3Endpoint, prefix: string): Promise<void> {
  const client = clientOn(endpoint);
  const store = storeOn(endpoint, undefined);
  for (const bucket of await client.listBuckets()) {
    if (!bucket.name.startsWith(prefix)) continue;
    await store.removePrefix(bucket.name, '');
    for await (const upload of client.listIncompleteUploads(bucket.name, '', true))
      await client.removeIncompleteUpload(bucket.name, (upload as { key: string }).key);
    await client.removeBucket(bucket.name);
  }
}
