/**
 * @custodia/ledger: how every Custodia service reaches the ledger, whichever network answers — the client
 * (connection profile, configuration, failure mapping), the wallet of enrolled identities, the MSP pieces a client
 * signs and reads certificates with, and the reading of Fabric blocks and world state auditors replay.
 */
// The client: one per service, a typed session per identity.
export { LedgerClient } from './facade/client';
export type { LedgerClientOptions } from './facade/client';
export { LedgerSession } from './facade/session';
export type { Committed } from './facade/session';
export type { AccessCalls } from './facade/access';
export type { AuditCalls } from './facade/audit';
export type { ContributionCalls } from './facade/contributions';
export type { EmergencyCalls } from './facade/emergency';
export type { IdentityCalls } from './facade/identities';
export type { OrganisationCalls } from './facade/organisations';
export type { PatientCalls } from './facade/patients';
export type { RecordCalls } from './facade/records';
export type { RuleCalls } from './facade/rules';
export type { ChainQueries } from './session/chain';
export type { EventQueries, LedgerEvent, LedgerEventStream } from './session/events';
export { EventFollower, followerBackoff } from './session/follower';
export type { EventFollowerOptions } from './session/follower';
export type { RawSession, EventPosition, SubmitResult, TransactionOptions } from './session/raw-session';
export type { IdentityRef, Signer } from './pool/identities';
export type { PoolStats } from './pool/pool';
// The organisation registry's genesis ceremony (platform start-up, operators of a Fabric network, test factories).
export { foundRegistry } from './registry/genesis';
export { foundRegistryFromFile, readFounders } from './registry/founders';
export type { Founder } from './registry/genesis';
// One identity by transaction name and argument strings, for tools and conformance tests.
export { connect } from './client/connect';
export type { ConnectOptions, LedgerConnection } from './client/connect';
export { CONNECTION_PROFILE_FILE, DEFAULT_NETWORK_DIR, readLedgerClientConfig } from './client/config';
export type { LedgerClientConfig, NetworkKind } from './client/config';
export { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './client/errors';
export { toLedgerFailure, validationCodeName } from './client/failures';
export { gatewayStatusDetails } from './client/error-details';
export type { EndpointErrorDetail } from './client/error-details';
export { parseConnectionProfile, readConnectionProfile } from './client/profile';
export type { ConnectionProfile, OrganisationProfile, PeerEndpoint } from './client/profile';
export * from './msp';
export * from './wallet';
// Fabric's block format, for clients that read and verify the chain themselves (auditors), and for the network.
export { blockDataHash, blockHeaderBytes, blockHeaderHash } from './blocks/block-hash';
export type { HeaderFields } from './blocks/block-hash';
export {
  blockHash,
  blockSignaturesOf,
  commitHashOf,
  headerOf,
  lastConfigOf,
  validationCodesOf,
} from './blocks/block-read';
export type { BlockSignatureInfo } from './blocks/block-read';
export { ChainFaultReason, GENESIS_TIP, advanceTip, checkBlock, verifyChain } from './blocks/chain';
export type { ChainFault, ChainTip } from './blocks/chain';
export { channelConfigOf } from './blocks/channel-config';
export { BlockFormatError, BlockFormatErrorCode } from './blocks/errors';
export { parseChaincodeActions, parseEnvelopeHeader, parseTransaction } from './blocks/transaction';
export type {
  ChaincodeActionInfo,
  ChaincodeEventInfo,
  EndorsementInfo,
  EnvelopeHeader,
  HeaderType,
  ParsedTransaction,
} from './blocks/transaction';
// World state as Fabric versions it, and its wire form in transactions (replayed by auditors, kept by peers).
export * from './state/state';
export { compareKeys, inRange, lowerBound } from './state/key-order';
export { MemoryState } from './state/memory-state';
export type { CommitPosition } from './state/memory-state';
export { decodeReadWriteSets, encodeReadWriteSets, toTxReadWriteSet } from './state/rwset';
export { CodedError } from './coded-error';
export { createSecretFileOnce, writeFileAtomically } from './durable-file';
export { runService } from './service/run-service';
export type { Closable, ServiceLogger } from './service/run-service';
