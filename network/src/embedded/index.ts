/** @custodia/network/embedded: the embedded Fabric-compatible network, started in this process or on a thread of it. */
export {
  DEFAULT_ORGANISATIONS,
  EmbeddedConfigError,
  readEmbeddedConfig,
  resolveEmbeddedConfig,
} from './config';
export type { EmbeddedNetworkConfig, EmbeddedNetworkSettings, EmbeddedOrganisation } from './config';
export { startEmbeddedNetwork } from './network';
export type { EmbeddedNetwork, NetworkLogger, StartedOrganisation, StartOptions } from './network';
export { startEmbeddedNetworkOnThread } from './on-thread';
export type { EmbeddedNetworkOnThread } from './on-thread';
