/** Test factory: a real embedded S3 server in a temporary directory, and stores over it. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EMBEDDED_S3_CREDENTIALS, startS3Server } from '../src/storage/s3-server';
import type { RunningS3Server } from '../src/storage/s3-server';
import { MinioObjectStore } from '../src/storage/minio-store';
import type { S3Endpoint } from '../src/storage/minio-store';

export interface TestS3 {
  readonly server: RunningS3Server;
  readonly directory: string;
  readonly endpoint: S3Endpoint;
  store(partSize?: number): MinioObjectStore;
  /** Stops the server, keeping its data directory (for restart tests). */
  stop(): Promise<void>;
  /** Stops the server and removes its data. */
  dispose(): Promise<void>;
}

export async function startTestS3(directory?: string): Promise<TestS3> {
  const dir = directory ?? (await mkdtemp(path.join(tmpdir(), 'custodia-s3-')));
  const server = await startS3Server({ directory: dir });
  const endpoint: S3Endpoint = { url: server.endpoint, ...EMBEDDED_S3_CREDENTIALS };
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.close();
  };
  return {
    server,
    directory: dir,
    endpoint,
    store: (partSize) =>
      new MinioObjectStore({ ...endpoint, ...(partSize === undefined ? {} : { partSize }) }),
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
