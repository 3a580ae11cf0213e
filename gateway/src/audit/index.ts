/** Replay & verify and the block explorer, for auditors. */
export { AuditService, MAX_BLOCKS_PER_PAGE } from './audit-service';
export type { AuditReplayOptions, AuditServiceOptions, BlockPage, ReplayProgress } from './audit-service';
export type { ChainReader } from './chain-reader';
export { decodeBlock } from './chain-decode';
export type { DecodedBlock, DecodedTransaction, DecodedWrite } from './chain-decode';
export { DISCREPANCY_KINDS } from './discrepancy';
export type { Discrepancy, DiscrepancyKind } from './discrepancy';
export type { ManifestSource } from './manifests';
export { replayChain } from './replay';
export type { LoggedDelivery, ReplayOutcome } from './replay';
export { REPORT_CSV_HEADER, csvField, reportCsv } from './report';
export type { ReplayReport } from './report';
export type { BlockView, TransactionSummary, TransactionView, WriteView } from './views';
