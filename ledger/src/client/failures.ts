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
