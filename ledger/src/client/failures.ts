import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { parseChaincodeError } from '@custodia/chaincode';
import { CallFailure } from '../pool/failure-cause';
import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './errors';

const VALIDATION_CODE_NAMES = new Map<number, string>(
  Object.entries(StatusCode).map(([name, code]) => [code, name]),
);

/** Fabric's name for a transaction validation code (e.g. 11 → MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

/**
 * What a peer's reason may quote that identifies someone, each replaced by "[redacted]": Fabric's
 * duplicate-transaction reason ends with `Creator [<hex of the serialized identity>]` (MSP id and certificate,
 * with the user's Custodia attributes), and MSP failures print certificates as PEM or Go byte slices.
 */
const IDENTIFYING: readonly [RegExp, string][] = [
  [/\bcreator \[[^\]]*\]/gi, 'Creator [redacted]'],
  [/-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)/g, '[redacted]'],
  // Go's %v of a []byte: "[48 130 2 174 …]".
  [/\[(?:\d{1,3} ){15,}\d{1,3}\]/g, '[redacted]'],
  // Longer than a transaction id or a hash (64 hex digits), which stay.
  [/[0-9a-f]{65,}/gi, '[redacted]'],
  [/[A-Za-z0-9+/]{80,}={0,2}/g, '[redacted]'],
];

/** A peer's reason with creators, certificates and long hex or base64 blobs taken out; the rest is kept. */
export function redactPeerReason(reason: string): string {
  return IDENTIFYING.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), reason);
}

/** What the caller knows of a transaction when its call failed. */
export interface FailureContext {
  /** The transaction may have reached the ordering service: unless it is known invalid, its outcome is unknown. */
  readonly mayBeOrdered?: boolean;
}

/** The chaincode's coded refusal in a gateway failure (the endorsers' details or the message), if any. */
function chaincodeRefusal(error: GatewayError, transactionId: string): ChaincodeCallError | undefined {
  for (const text of [...error.details.map((detail) => detail.message), error.message]) {
    const body = parseChaincodeError(text);
    if (body) return new ChaincodeCallError(body.code, body.message, transactionId);
  }
  return undefined;
}

/** The client's error for a call the pool could not complete: what failed, by the policy's judgement. */
function fromCallFailure(failure: CallFailure, transactionId: string): LedgerClientError {
  const grpcCode = failure.last instanceof GatewayError ? failure.last.code : undefined;
  const details = { transactionId, ...(grpcCode === undefined ? {} : { grpcCode }) };
  switch (failure.by) {
    case 'peer':
      return new LedgerClientError(
        LedgerClientErrorCode.Unavailable,
        'no peer of the connection profile answered',
        details,
      );
    case 'endorsers':
      return new LedgerClientError(
        LedgerClientErrorCode.EndorsersUnavailable,
        'the peers that must endorse this transaction did not answer',
        details,
      );
    case 'quorum':
      return new LedgerClientError(
        LedgerClientErrorCode.QuorumLost,
        'too few endorsing peers answer to satisfy the endorsement policy',
        details,
      );
    case 'orderers':
      return new LedgerClientError(
        LedgerClientErrorCode.OrdererUnavailable,
        'the ordering service did not take the transaction',
        details,
      );
    case 'slow':
      return new LedgerClientError(
        LedgerClientErrorCode.Timeout,
        'the ledger did not answer in time',
        details,
      );
  }
}

/**
 * Maps what a ledger call throws to the client's typed errors: a chaincode's coded error (found in the endorsing
 * peers' error details or the message) becomes ChaincodeCallError with that code; a failure of the network (the
 * pool's CallFailure: peers, endorsers, quorum, orderers, deadline) and peer refusals become LedgerClientError
 * with their stable code. Once a transaction may have been ordered, every failure but a known validation code is
 * LEDGER_OUTCOME_UNKNOWN: it may be committed, and only asking for its status by id tells.
 */
export function toLedgerFailure(error: unknown, transactionId: string, context: FailureContext = {}): Error {
  if (error instanceof ChaincodeCallError) return error;
  if (error instanceof LedgerClientError) {
    if (!context.mayBeOrdered || error.code === LedgerClientErrorCode.TransactionInvalid) return error;
    return outcomeUnknown(transactionId, error.details.grpcCode);
  }
  const gatewayError =
    error instanceof GatewayError
      ? error
      : error instanceof CallFailure && error.last instanceof GatewayError
        ? error.last
        : undefined;
  const refusal = gatewayError && chaincodeRefusal(gatewayError, transactionId);
  if (refusal) return refusal;
  if (context.mayBeOrdered) return outcomeUnknown(transactionId, gatewayError?.code);
  if (error instanceof CallFailure) return fromCallFailure(error, transactionId);
  if (!(error instanceof GatewayError)) return error instanceof Error ? error : new Error(String(error));
  const details = { transactionId, grpcCode: error.code };
  switch (error.code) {
    case GrpcStatus.UNAVAILABLE:
      return new LedgerClientError(
        LedgerClientErrorCode.Unavailable,
        'no peer of the connection profile is reachable',
        details,
      );
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new LedgerClientError(
        LedgerClientErrorCode.Timeout,
        'the ledger did not answer in time',
        details,
      );
    default: {
      // The peer's own reason (e.g. "access denied: channel [c] creator org [X]"), without identities.
      const reason = redactPeerReason(
        error.details.map((detail) => detail.message).join('; ') || error.message,
      );
      return new LedgerClientError(
        LedgerClientErrorCode.Rejected,
        `the peer refused the request: ${reason}`,
        details,
      );
    }
  }
}

function outcomeUnknown(transactionId: string, grpcCode: number | undefined): LedgerClientError {
  return new LedgerClientError(
    LedgerClientErrorCode.OutcomeUnknown,
    `transaction ${transactionId} was sent for ordering but whether it committed is not known; ask its status`,
    { transactionId, ...(grpcCode === undefined ? {} : { grpcCode }) },
  );
}
