export { ChaincodeEngine, ERROR_THRESHOLD } from './engine';
export type { ChaincodeEngineOptions, ChaincodeEventData, ContractClass, SimulationResult } from './engine';
export { computeTxId, decodeProposal } from './proposal';
export type { DecodedProposal, ProposalCreator } from './proposal';
export { createSignedProposal } from './signed-proposal';
export type { ProposalRequest, SignedProposalBytes } from './signed-proposal';
export { EngineError, EngineErrorCode, LedgerCallError, LedgerCallErrorCode } from './errors';
export { MAX_RESULT_LIMIT, TOTAL_QUERY_LIMIT } from './handler';
export {
  createChaincodeAction,
  createProposalResponse,
  createTransactionPayload,
  serializeIdentity,
  toChaincodeEvent,
  toResponse,
} from './endorsement';
export type { EndorseOptions } from './endorsement';
export { createTestLedger } from './test-ledger';
export type { TestLedger, TestLedgerOptions, TxOptions, TxResult } from './test-ledger';
