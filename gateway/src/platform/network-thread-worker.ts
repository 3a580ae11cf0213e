/** The embedded network's thread (network-thread.ts): starts it and reports what its clients need. */
import { startEmbeddedNetwork } from '@custodia/network/embedded';
import type { EmbeddedNetworkConfig } from '@custodia/network/embedded';
import type { EmbeddedNetworkFacts } from './network-thread';
import { serveInThread } from './serve-in-thread';

serveInThread<EmbeddedNetworkConfig, EmbeddedNetworkFacts>(async (config, logger) => {
  const network = await startEmbeddedNetwork(config, { logger });
  const value: EmbeddedNetworkFacts = {
    config: network.config,
    profile: network.profile,
    profilePath: network.profilePath,
    endpoint: network.endpoint,
    tlsCaCertificate: network.tlsCaCertificate,
    organisations: network.organisations.map(({ mspId, country, caUrl, caName, registrar }) => ({
      mspId,
      country,
      caUrl,
      caName,
      registrar: { id: registrar.id, secret: registrar.secret },
    })),
    recovery: { ...network.recovery },
  };
  return { value, close: () => network.close() };
});
