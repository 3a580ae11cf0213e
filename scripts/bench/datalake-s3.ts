/**
 * The S3 server of the data-lake benchmark, in a process of its own (so the lake's memory and CPU are measured
 * apart from it): the lake's embedded s3rver on a free port over the given directory, accepting the keys in
 * CUSTODIA_S3_ACCESS_KEY / _SECRET_KEY. Prints one JSON line `{"msg":"ready","endpoint":…}` and runs until SIGTERM.
 *
 *   tsx scripts/bench/datalake-s3.ts <directory>
 */
import { startS3Server } from '@custodia/datalake';

async function main(): Promise<void> {
  const directory = process.argv[2];
  if (directory === undefined) throw new Error('usage: datalake-s3.ts <directory>');
  const accessKey = process.env.CUSTODIA_S3_ACCESS_KEY;
  const secretKey = process.env.CUSTODIA_S3_SECRET_KEY;
  if (accessKey === undefined || secretKey === undefined)
    throw new Error('CUSTODIA_S3_ACCESS_KEY and CUSTODIA_S3_SECRET_KEY must be set');
  const server = await startS3Server({ directory, credentials: { accessKey, secretKey } });
  process.stdout.write(`${JSON.stringify({ msg: 'ready', endpoint: server.endpoint })}\n`);
  process.on('SIGTERM', () => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`S3 server failed to start: ${String(error)}\n`);
  process.exit(1);
});
