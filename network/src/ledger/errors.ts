import { CodedError } from '@custodia/ledger';
/** Why the ledger refused or failed; stable codes, callers map them (never the message). */
export const LedgerErrorCode = {
  /** A stored block does not match its checksum, its data hash or the hash chain: it is not served. */
  BlockTampered: 'LEDGER_BLOCK_TAMPERED',
  /** The block index knows blocks that the block files no longer hold. */
  BlocksMissing: 'LEDGER_BLOCKS_MISSING',
  /** The state database claims blocks the block store does not have. */
  StateAhead: 'LEDGER_STATE_AHEAD',
  /** A block handed to the store does not follow the last one (number or previous hash). */
  BlockOutOfOrder: 'LEDGER_BLOCK_OUT_OF_ORDER',
  /** The ledger was asked to open over a channel other than the one it holds. */
  ChannelMismatch: 'LEDGER_CHANNEL_MISMATCH',
  /** Writing a block or its state failed; the ledger stops accepting transactions until reopened. */
  CommitFailed: 'LEDGER_COMMIT_FAILED',
  NotFound: 'LEDGER_NOT_FOUND',
  Closed: 'LEDGER_CLOSED',
} as const;
export type LedgerErrorCode = (typeof LedgerErrorCode)[keyof typeof LedgerErrorCode];

export class LedgerError extends CodedError<LedgerErrorCode> {
  override readonly name = 'LedgerError';
  constructor(
    code: LedgerErrorCode,
    message: string,
    /** The block the error is about, when there is one (e.g. the first tampered block). */
    readonly blockNumber?: number,
  ) {
    super(code, message);
  }
}
