import type { ErrorCode } from '@custodia/chaincode';
import { CodedError } from '../coded-error';

/** Stable codes of ledger-client failures; callers map these, never the message. */
export const LedgerClientErrorCode = {
  /** The configuration or connection profile is missing or invalid. */
  InvalidConfig: 'LEDGER_CLIENT_CONFIG_INVALID',
  /** No peer of the profile answered (unreachable, or hung and left). */
  Unavailable: 'LEDGER_UNAVAILABLE',
  /**
   * The gateway peer answered, but endorsing peers it needed did not (unreachable, or slower than its endorsement
   * timeout). Nothing was submitted; retrying later is safe.
   */
  EndorsersUnavailable: 'LEDGER_ENDORSERS_UNAVAILABLE',
  /** Too few endorsing peers answer to satisfy the endorsement policy (e.g. a majority). Nothing was submitted. */
  QuorumLost: 'LEDGER_QUORUM_LOST',
  /** The gateway peer answered, but no orderer took the transaction while it was retried. It was not ordered. */
  OrdererUnavailable: 'LEDGER_ORDERER_UNAVAILABLE',
  /**
   * The transaction was sent for ordering but its commit status could not be learnt: it may or may not be
   * committed. `transactionId` says which transaction to ask about; never send the same request as new blindly.
   */
  OutcomeUnknown: 'LEDGER_OUTCOME_UNKNOWN',
  /** The transaction was ordered but the committing peers marked it invalid (see `validationCode`). */
  TransactionInvalid: 'LEDGER_TRANSACTION_INVALID',
  /** The peer refused the request itself (identity, signature, replay, unknown chaincode…), not the chaincode. */
  Rejected: 'LEDGER_REQUEST_REJECTED',
  /** A peer that still answers probes did not answer this call in time (nothing was submitted). */
  Timeout: 'LEDGER_TIMEOUT',
  /** The chaincode's answer is not the shape its catalogue entry says (a peer or chaincode of another version). */
  AnswerInvalid: 'LEDGER_ANSWER_INVALID',
  /** The client was closed; nothing more is sent through it. */
  Closed: 'LEDGER_CLIENT_CLOSED',
} as const;
export type LedgerClientErrorCode = (typeof LedgerClientErrorCode)[keyof typeof LedgerClientErrorCode];

export class LedgerClientError extends CodedError<LedgerClientErrorCode> {
  override readonly name = 'LedgerClientError';
  constructor(
    code: LedgerClientErrorCode,
    message: string,
    readonly details: {
      readonly transactionId?: string;
      /** gRPC status code of the failed call. */
      readonly grpcCode?: number;
      /** Fabric validation code name, e.g. MVCC_READ_CONFLICT, for LEDGER_TRANSACTION_INVALID. */
      readonly validationCode?: string;
    } = {},
  ) {
    super(code, message);
  }
}

/** The chaincode refused the transaction: `code` is the chaincode's own error code (FORBIDDEN, NOT_FOUND…). */
export class ChaincodeCallError extends CodedError<ErrorCode> {
  override readonly name = 'ChaincodeCallError';
  constructor(
    code: ErrorCode,
    /** The chaincode's reason (field names and rules, never submitted values). */
    readonly reason: string,
    readonly transactionId: string,
  ) {
    super(code, `${code}: ${reason}`);
  }
}
