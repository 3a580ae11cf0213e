import { status as GrpcStatus } from '@grpc/grpc-js';
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { parseChaincodeError } from '@custodia/chaincode';
import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from './errors';

const VALIDATION_CODE_NAMES = new Map<number, string>(
  Object.entries(StatusCode).map(([name, code]) => [code, name]),
);

/** Fabric's name for a transaction validation code (e.g. 11 → MVCC_READ_CONFLICT). */
export function validationCodeName(code: number): string {
  return VALIDATION_CODE_NAMES.get(code) ?? `UNKNOWN_${code}`;
}

/**
 * Maps what a fabric-gateway call throws to the client's typed errors: a chaincode's coded error (found in the
 * endorsing peers' error details or the message) becomes ChaincodeCallError with that code; unreachable peers,
 * deadlines and peer refusals become LedgerClientError with their stable code.
 */
export function toLedgerFailure(error: unknown, transactionId: string): Error {
  if (!(error instanceof GatewayError)) return error instanceof Error ? error : new Error(String(error));
  for (const text of [...error.details.map((detail) => detail.message), error.message]) {
    const body = parseChaincodeError(text);
    if (body) return new ChaincodeCallError(body.code, body.message, transactionId);
  }
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
      // The peer's own reason (e.g. "access denied: channel [c] creator org [X]") names no patient data.
      const reason = error.details.map((detail) => detail.message).join('; ') || error.message;
      return new LedgerClientError(
        LedgerClientErrorCode.Rejected,
        `the peer refused the request: ${reason}`,
        details,
      );
    }
  }
}
