/**
 * @custodia/network: the one ledger client (`connect`) used by every package, and the embedded Fabric-compatible
 * network (`startEmbeddedNetwork`). The engine, MSP and CA have their own entry points (`/engine`, `/msp`, `/ca`).
 */
export { connect } from './client/connect';
export type { ConnectOptions, LedgerConnection, SubmitResult, TransactionOptions } from './client/connect';
export { CONNECTION_PROFILE_FILE, DEFAULT_NETWORK_DIR, readLedgerClientConfig } from './client/config';
export type { LedgerClientConfig, NetworkKind } from './client/config';
export { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './client/errors';
export { parseConnectionProfile, readConnectionProfile } from './client/profile';
export type { ConnectionProfile, OrganisationProfile, PeerEndpoint } from './client/profile';
export {
  DEFAULT_ORGANISATIONS,
  EmbeddedConfigError,
  readEmbeddedConfig,
  resolveEmbeddedConfig,
} from './embedded/config';
export type { EmbeddedNetworkConfig, EmbeddedNetworkSettings, EmbeddedOrganisation } from './embedded/config';
export { startEmbeddedNetwork } from './embedded/network';
export type { EmbeddedNetwork, NetworkLogger, StartedOrganisation, StartOptions } from './embedded/network';
export type { Identity } from './msp';
