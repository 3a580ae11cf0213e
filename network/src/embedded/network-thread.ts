/**
 * The entry of the thread the platform runs the embedded network on (see on-thread.ts): starts the network with the
 * configuration the host read and checked, reports what its clients need, and closes it on the host's word.
 */
import { serveOnThread } from '@custodia/ledger/service';
import type { EmbeddedNetworkConfig } from './config';
import { startEmbeddedNetwork } from './network';
import type { EmbeddedNetworkDescription } from './on-thread';

serveOnThread<EmbeddedNetworkConfig, EmbeddedNetworkDescription>(async (config, logger) => {
  const { close, ...description } = await startEmbeddedNetwork(config, { logger });
  return { ready: description, close };
});
