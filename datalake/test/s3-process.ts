/**
 * Test factory: an embedded S3 server in a child process of its own (src/storage/embedded/s3-main.ts, run by tsx), on
 * a free port over a temporary directory, with keys of its own — a second, independent S3 service.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { S3Endpoint } from '../src/storage/minio-store';

export interface S3Process {
  readonly endpoint: S3Endpoint;
  /** Its data directory. */
  readonly directory: string;
  /** Stops the process and removes its data. */
  dispose(): Promise<void>;
}

const TSX = require.resolve('tsx/cli');

export async function startS3Process(): Promise<S3Process> {
  const directory = await mkdtemp(path.join(tmpdir(), 'custodia-s3-process-'));
  const keys = {
    accessKey: `test-${randomBytes(4).toString('hex')}`,
    secretKey: randomBytes(18).toString('base64url'),
  };
  const child = spawn(
    process.execPath,
    [TSX, path.join(__dirname, '..', 'src', 'storage', 'embedded', 's3-main.ts'), directory],
    {
      env: { ...process.env, CUSTODIA_S3_ACCESS_KEY: keys.accessKey, CUSTODIA_S3_SECRET_KEY: keys.secretKey },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the S3 process exited (${String(code)})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const { endpoint } = JSON.parse(line) as { endpoint?: string };
        if (typeof endpoint === 'string') resolve(endpoint);
      } catch {
        // not the ready line
      }
    });
  });
  return {
    endpoint: { url, ...keys },
    directory,
    dispose: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}
