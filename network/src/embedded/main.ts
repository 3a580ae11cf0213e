/**
 * `npm run -w network start`: starts the embedded network from the environment (see readEmbeddedConfig) and
 * runs until SIGINT/SIGTERM, then closes the ledger cleanly.
 */
import pino from 'pino';
import { runService } from '@custodia/ledger';
import { readEmbeddedConfig } from './config';
import { startEmbeddedNetwork } from './network';

const logger = pino({ name: 'custodia-network' });
runService('embedded network', logger, async () => {
  const network = await startEmbeddedNetwork(await readEmbeddedConfig(), { logger });
  logger.info(
    {
      endpoint: network.endpoint,
      profile: network.profilePath,
      organisations: network.organisations.map(({ mspId, country, caUrl }) => ({ mspId, country, caUrl })),
      recovery: network.recovery,
    },
    'ready',
  );
  return network;
});
