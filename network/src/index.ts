/**
 * @custodia/network: the one ledger client every package uses (`connect`), whatever network answers. The embedded
 * network is started from `@custodia/network/embedded`; the engine, MSP and CA have their own entry points.
 */
export { connect } from './client/connect';
export type { ConnectOptions, LedgerConnection, SubmitResult, TransactionOptions } from './client/connect';
export { CONNECTION_PROFILE_FILE, DEFAULT_NETWORK_DIR, readLedgerClientConfig } from './client/config';
export type { LedgerClientConfig, NetworkKind } from './client/config';
export { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './client/errors';
export { parseConnectionProfile, readConnectionProfile } from './client/profile';
export type { ConnectionProfile, OrganisationProfile, PeerEndpoint } from './client/profile';
export type { Identity } from './msp';
