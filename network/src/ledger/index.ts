export { blockDataHash, blockHeaderBytes, blockHeaderHash } from './block-hash';
export type { HeaderFields } from './block-hash';
export {
  blockHash,
  blockSignaturesOf,
  commitHashOf,
  createBlock,
  headerOf,
  lastConfigOf,
  sealBlock,
  validationCodesOf,
} from './blocks';
export type { BlockSeal, BlockSignatureInfo, BlockSigner } from './blocks';
export { ChainFaultReason, GENESIS_TIP, advanceTip, checkBlock, verifyChain } from './chain';
export type { ChainFault, ChainTip } from './chain';
export { nextCommitHash, updateBatchBytes, versionBytes } from './commit-hash';
export { channelConfigOf, createGenesisBlock } from './genesis';
export type { ChannelOrganisation, GenesisOptions } from './genesis';
export { parseChaincodeActions, parseEnvelopeHeader, parseTransaction } from './transaction';
export type {
  ChaincodeActionInfo,
  ChaincodeEventInfo,
  EndorsementInfo,
  EnvelopeHeader,
  HeaderType,
  ParsedTransaction,
} from './transaction';
export { collectUpdates } from './updates';
export type { StateUpdate, UpdateBatch, ValidTransaction } from './updates';
export { validateBlock } from './validator';
export type { TxValidationCode, ValidationCandidate } from './validator';
export { BlockStore } from './block-store';
export type { BlockStoreOptions, ChainInfo, OpenReport, TransactionLocation } from './block-store';
export { StateDb } from './state-db';
export type { AppliedTransaction } from './state-db';
export { Committer, DEFAULT_BATCH } from './committer';
export type {
  BatchOptions,
  BlockListener,
  CommittedBlock,
  CommittedTransaction,
  CommitterOptions,
  Precheck,
  TransactionStatus,
} from './committer';
export { Ledger } from './ledger';
export type { LedgerOptions, RecoveryReport } from './ledger';
export { LedgerError, LedgerErrorCode } from './errors';
