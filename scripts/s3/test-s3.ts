/**
 * `npm run test:s3`: the data lake's S3 tests against a real distributed S3 implementation — a throw-away
 * single-node Ceph with its S3 gateway (ceph.ts) — with real keys and SigV4: the storage, per-country location,
 * S3 authentication, zone, expiry, ingest, ledger and assembly tests, through the test factories' one seam
 * (`CUSTODIA_TEST_S3_*`, datalake/test/s3.ts). Ceph is stopped and its folder removed whatever the outcome.
 *
 *   npm run test:s3 [-- <extra jest arguments>]
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cephDir, startCeph, stopCeph, testEnv } from './ceph';

const ROOT = path.resolve(__dirname, '..', '..');

/** The data lake's tests that talk to S3 (test files that only use pure logic need no S3). */
const S3_TESTS = [
  'datalake/test/storage.test.ts',
  'datalake/test/s3-auth.test.ts',
  'datalake/test/consumer-expiry.test.ts',
  'datalake/test/expiry-sweep.test.ts',
  'datalake/test/service.test.ts',
  'datalake/test/ledger-port.test.ts',
  'datalake/test/assembly.test.ts',
  'datalake/test/client.test.ts',
];

async function main(): Promise<number> {
  const dir = cephDir();
  const stop = (): void => {
    void stopCeph(dir).finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const s3 = await startCeph(dir);
  console.log(`${s3.version}: S3 gateway at ${s3.endpoint}, ready in ${s3.startupSeconds.toFixed(1)} s`);
  try {
    return await new Promise<number>((resolve, reject) => {
      const jest = spawn(
        process.execPath,
        [
          path.join(ROOT, 'node_modules/jest/bin/jest.js'),
          '--runInBand',
          ...S3_TESTS,
          ...process.argv.slice(2),
        ],
        { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...testEnv(s3) } },
      );
      jest.once('error', reject);
      jest.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
    });
  } finally {
    await stopCeph(dir);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
