/**
 * `npm run -w datalake start`: the data-lake service from the environment (see the README's configuration table),
 * on the ledger and wallet the gateway uses, until SIGINT/SIGTERM.
 */
import pino from 'pino';
import { runService, FileWallet } from '@custodia/ledger';
import { loadConfig } from './service/config';
import { startDatalakeWithWallet } from './service/compose';

const logger = pino({ name: 'datalake', redact: ['req.headers.authorization'] });

runService('data lake', logger, async () => {
  const config = loadConfig(process.env);
  logger.level = config.logLevel;
  if (config.serviceActor === undefined)
    logger.warn('CUSTODIA_DATALAKE_IDENTITY is not set: ingestion only, no assembly, no erasure');
  const wallet = await FileWallet.open(config.walletDir);
  const lake = await startDatalakeWithWallet(config, { wallet, logger });
  logger.info({ url: lake.url, embeddedS3: lake.s3?.endpoint, network: config.ledger.network }, 'ready');
  return lake;
});
