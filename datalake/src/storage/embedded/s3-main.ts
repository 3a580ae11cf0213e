/**
 * The embedded S3 server in a process of its own — the data-lake benchmark's (so the lake's memory and CPU are
 * measured apart from it) and the residency test's second S3 server: s3rver behind the lake's SigV4 front on a free
 * port over the given directory, accepting only the keys in CUSTODIA_S3_ACCESS_KEY / _SECRET_KEY. Prints one JSON
 * line `{"msg":"ready","endpoint":…}` and runs until SIGTERM.
 *
 *   tsx datalake/src/storage/embedded/s3-main.ts <directory>
 */
import { startS3Server } from './s3-server';

async function main(): Promise<void> {
  const directory = process.argv[2];
  if (directory === undefined) throw new Error('usage: s3-main.ts <directory>');
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
