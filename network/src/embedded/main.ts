/**
 * `npm run -w network start`: starts the embedded network from the environment (see readEmbeddedConfig) and
 * runs until SIGINT/SIGTERM, then closes the ledger cleanly.
 */
import pino from 'pino';
import { readEmbeddedConfig } from './config';
import { startEmbeddedNetwork } from './network';

async function main(): Promise<void> {
  const logger = pino({ name: 'custodia-network' });
  const config = await readEmbeddedConfig();
  const network = await startEmbeddedNetwork(config, { logger });
  logger.info(
    {
      endpoint: network.endpoint,
      profile: network.profilePath,
      organisations: network.organisations.map(({ mspId, country, caUrl }) => ({ mspId, country, caUrl })),
      recovery: network.recovery,
    },
    'ready',
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    network.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // Startup failures carry codes (e.g. LEDGER_BLOCK_TAMPERED) and no patient data.
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`embedded network failed to start: ${code ?? 'ERROR'} ${message ?? String(error)}\n`);
  process.exit(1);
});
