/**
 * `npm run fabric:found-registry -- --founders <file> [--connection <file>]`: the organisation registry's genesis
 * on a Fabric network — each founding organisation's admin approves, one commits (see
 * ledger/src/registry/founders.ts for the founders file). The connection file defaults to
 * CUSTODIA_CONNECTION_FILE. Prints the registry; idempotent, so it may be run again after a failure.
 */
import { foundRegistryFromFile, readLedgerClientConfig } from '@custodia/ledger';

function option(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const founders = option(argv, 'founders');
  if (founders === undefined) throw new Error('usage: --founders <file> [--connection <file>]');
  const connection = option(argv, 'connection') ?? process.env.CUSTODIA_CONNECTION_FILE;
  const config = readLedgerClientConfig({
    ...process.env,
    CUSTODIA_NETWORK: 'fabric',
    ...(connection === undefined ? {} : { CUSTODIA_CONNECTION_FILE: connection }),
  });
  const registry = await foundRegistryFromFile(config, founders);
  process.stdout.write(`${JSON.stringify(registry, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
