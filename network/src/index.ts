/**
 * @custodia/network: the one ledger client every package uses (`connect`), whatever network answers. The embedded
 * network is started from `@custodia/network/embedded`; the engine, MSP and CA have their own entry points.
 */
export { connect } from './client/connect';
export type { ConnectOptions, LedgerConnection, SubmitResult, TransactionOptions } from './client/connect';
export { CONNECTION_PROFILE_FILE, DEFAULT_NETWORK_DIR, readLedgerClientConfig } from './client/config';
export type { LedgerClientConfig, NetworkKind } from './client/config';
export { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './client/errors';
export { toLedgerFailure } from './client/failures';
export { parseConnectionProfile, readConnectionProfile } from './client/profile';
export type { ConnectionProfile, OrganisationProfile, PeerEndpoint } from './client/profile';
export type { Identity } from './msp';
// Fabric's block format, for clients that read and verify the chain themselves (auditors) and their tests.
export { blockDataHash, blockHeaderHash } from './ledger/block-hash';
export type { HeaderFields } from './ledger/block-hash';
export {
  blockHash,
  blockSignaturesOf,
  createBlock,
  headerOf,
  sealBlock,
  validationCodesOf,
} from './ledger/blocks';
export type { BlockSeal, BlockSignatureInfo, BlockSigner } from './ledger/blocks';
export { ChainFaultReason, GENESIS_TIP, advanceTip, checkBlock } from './ledger/chain';
export type { ChainFault, ChainTip } from './ledger/chain';
export { channelConfigOf, createGenesisBlock } from './ledger/genesis';
export type { ChannelOrganisation, GenesisOptions } from './ledger/genesis';
export { parseTransaction } from './ledger/transaction';
export type { ChaincodeActionInfo, EnvelopeHeader, ParsedTransaction } from './ledger/transaction';
export { createSecretFileOnce, writeFileAtomically } from './durable-file';
export { runService } from './run-service';
export type { Closable, ServiceLogger } from './run-service';
