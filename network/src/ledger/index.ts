export { createBlock, sealBlock } from './blocks';
export type { BlockSeal, BlockSigner } from './blocks';
export { nextCommitHash, updateBatchBytes, versionBytes } from './commit-hash';
export { createGenesisBlock } from './genesis';
export type { ChannelOrganisation, GenesisOptions } from './genesis';
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
