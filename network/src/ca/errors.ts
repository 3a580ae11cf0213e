import { CodedError } from '@custodia/ledger';
/**
 * Fabric CA's numeric error codes (fabric-ca lib/caerrors) for the answers this server gives. They go on
 * the wire in `errors[].code`, so clients written against a real Fabric CA see the same codes.
 */
export const FabricCaCode = {
  Unknown: 0,
  MethodNotAllowed: 1,
  NoAuthHeader: 2,
  ReadingBody: 3,
  EmptyBody: 4,
  BadRequestBody: 5,
  RevokedCertNotFound: 8,
  CertWrongOwner: 9,
  RevokeIdNotFound: 10,
  MissingRevokeArgs: 15,
  CaNotFound: 19,
  AuthenticationFailure: 20,
  BadCsr: 31,
  GettingAffiliation: 63,
  CertAlreadyRevoked: 66,
  AuthorizationFailure: 71,
} as const;
export type FabricCaCode = (typeof FabricCaCode)[keyof typeof FabricCaCode];

/** Stable machine-readable codes for callers of the CA in-process (never match on messages). */
export const CaErrorCode = {
  AuthenticationFailed: 'CA_AUTHENTICATION_FAILED',
  AuthorizationFailed: 'CA_AUTHORIZATION_FAILED',
  BadRequest: 'CA_BAD_REQUEST',
  BadCsr: 'CA_BAD_CSR',
  NotFound: 'CA_NOT_FOUND',
  AlreadyRegistered: 'CA_ALREADY_REGISTERED',
  AlreadyRevoked: 'CA_ALREADY_REVOKED',
  UnknownCa: 'CA_UNKNOWN_CA',
  MethodNotAllowed: 'CA_METHOD_NOT_ALLOWED',
  InvalidConfig: 'CA_INVALID_CONFIG',
} as const;
export type CaErrorCode = (typeof CaErrorCode)[keyof typeof CaErrorCode];

export class CaError extends CodedError<CaErrorCode> {
  override readonly name = 'CaError';
  constructor(
    code: CaErrorCode,
    /** HTTP status to answer with. */
    readonly status: number,
    /** Fabric CA numeric code sent to the client. */
    readonly fabricCode: FabricCaCode,
    /** Sent to the client; for authentication/authorization failures deliberately generic, as Fabric CA does. */
    message: string,
    /** Why, for the server log only (identifiers, never secrets). */
    readonly reason: string = message,
  ) {
    super(code, message);
  }
}

/** 401 "Authentication failure": the client is not told which check failed. */
export function authenticationFailure(reason: string): CaError {
  return new CaError(
    CaErrorCode.AuthenticationFailed,
    401,
    FabricCaCode.AuthenticationFailure,
    'Authentication failure',
    reason,
  );
}

/** 403 "Authorization failure": the client is not told which permission is missing. */
export function authorizationFailure(reason: string): CaError {
  return new CaError(
    CaErrorCode.AuthorizationFailed,
    403,
    FabricCaCode.AuthorizationFailure,
    'Authorization failure',
    reason,
  );
}

export function badRequest(message: string, fabricCode: FabricCaCode = FabricCaCode.BadRequestBody): CaError {
  return new CaError(CaErrorCode.BadRequest, 400, fabricCode, message);
}
