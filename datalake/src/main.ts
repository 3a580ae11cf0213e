/**
 * `npm run -w datalake start`: the data-lake service from the environment (see the README's configuration table),
 * on the ledger and wallet the gateway uses, until SIGINT/SIGTERM.
 */
import pino from 'pino';
import { FileWallet } from '@custodia/network/wallet';
import { loadConfig } from './service/config';
import { startDatalakeWithWallet } from './service/compose';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ name: 'datalake', level: config.logLevel, redact: ['req.headers.authorization'] });
  if (config.serviceActor === undefined)
    logger.warn('CUSTODIA_DATALAKE_IDENTITY is not set: ingestion and erasure only, no assembly');
  const wallet = await FileWallet.open(config.walletDir);
  const lake = await startDatalakeWithWallet(config, { wallet, logger });
  logger.info({ url: lake.url, embeddedS3: lake.s3?.endpoint, network: config.ledger.network }, 'ready');
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    lake.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ code: (error as { code?: string }).code ?? 'ERROR' }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  // Configuration and startup failures carry codes and no patient data.
  const { code, message } = error as { code?: string; message?: string };
  process.stderr.write(`data lake failed to start: ${code ?? 'ERROR'} ${message ?? String(error)}\n`);
  process.exit(1);
});
