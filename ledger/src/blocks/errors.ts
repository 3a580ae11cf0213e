import { CodedError } from '../coded-error';

/** Bytes read off the chain that are not what Fabric writes; stable codes, callers map them (never the message). */
export const BlockFormatErrorCode = {
  /** Bytes that should be a transaction envelope (or a part of one) do not decode. */
  MalformedTransaction: 'LEDGER_MALFORMED_TRANSACTION',
  /** Bytes that are not a KV TxReadWriteSet this client can represent (e.g. Merkle-summarised range reads). */
  MalformedReadWriteSet: 'ENGINE_MALFORMED_RWSET',
} as const;
export type BlockFormatErrorCode = (typeof BlockFormatErrorCode)[keyof typeof BlockFormatErrorCode];

export class BlockFormatError extends CodedError<BlockFormatErrorCode> {
  override readonly name = 'BlockFormatError';
}
