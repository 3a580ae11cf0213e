import { CodedError } from '@custodia/ledger';
/** Why the engine refused a proposal or endorsement; stable codes, callers map them (never the message). */
export const EngineErrorCode = {
  /** The bytes are not a SignedProposal → Proposal → Header/ChaincodeProposalPayload chain. */
  MalformedProposal: 'ENGINE_MALFORMED_PROPOSAL',
  /** Channel header type other than ENDORSER_TRANSACTION. */
  UnsupportedHeaderType: 'ENGINE_UNSUPPORTED_HEADER_TYPE',
  /** Empty nonce or creator in the signature header. */
  InvalidSignatureHeader: 'ENGINE_INVALID_SIGNATURE_HEADER',
  /** tx_id is not hex(SHA-256(nonce ‖ creator)). */
  TxIdMismatch: 'ENGINE_TXID_MISMATCH',
  UnknownChannel: 'ENGINE_UNKNOWN_CHANNEL',
  UnknownChaincode: 'ENGINE_UNKNOWN_CHAINCODE',
  /** A transaction was to be assembled from a failed proposal response (no endorsement). */
  MissingEndorsement: 'ENGINE_MISSING_ENDORSEMENT',
  /** Endorsers returned different proposal response payloads (non-deterministic chaincode or diverging state). */
  EndorsementMismatch: 'ENGINE_ENDORSEMENT_MISMATCH',
} as const;
export type EngineErrorCode = (typeof EngineErrorCode)[keyof typeof EngineErrorCode];

export class EngineError extends CodedError<EngineErrorCode> {
  override readonly name = 'EngineError';
}

/**
 * Why the peer side refused a chaincode's ledger call. The contract sees only the message (the shim turns
 * the peer's ERROR reply into `new Error(message)`), worded as a Fabric peer words it; in-process callers
 * read the code.
 */
export const LedgerCallErrorCode = {
  /** Paginated query after a write, or a write after a paginated query (Fabric: read-only transactions only). */
  PaginatedQueryWithWrites: 'LEDGER_PAGINATED_QUERY_WITH_WRITES',
  /** CouchDB rich query on a LevelDB state database. */
  RichQueryUnsupported: 'LEDGER_RICH_QUERY_UNSUPPORTED',
  PrivateDataUnsupported: 'LEDGER_PRIVATE_DATA_UNSUPPORTED',
  ChaincodeToChaincodeUnsupported: 'LEDGER_CC2CC_UNSUPPORTED',
  /** Key-level endorsement (state-based endorsement) policies are not enforced here, so they are not accepted. */
  KeyLevelEndorsementUnsupported: 'LEDGER_KEY_LEVEL_ENDORSEMENT_UNSUPPORTED',
  /** A ledger call after the transaction function returned (a missing `await` in the contract). */
  TransactionFinished: 'LEDGER_TRANSACTION_FINISHED',
  UnknownIterator: 'LEDGER_UNKNOWN_ITERATOR',
  /** The state database failed underneath the call. */
  StateReadFailed: 'LEDGER_STATE_READ_FAILED',
} as const;
export type LedgerCallErrorCode = (typeof LedgerCallErrorCode)[keyof typeof LedgerCallErrorCode];

export class LedgerCallError extends CodedError<LedgerCallErrorCode> {
  override readonly name = 'LedgerCallError';
}
