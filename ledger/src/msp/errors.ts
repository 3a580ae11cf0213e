import { CodedError } from '../coded-error';
/** Why an identity was refused; stable codes, callers map them (never the message). */
export const MspErrorCode = {
  UnknownMsp: 'MSP_UNKNOWN',
  MalformedIdentity: 'MSP_IDENTITY_MALFORMED',
  UntrustedIssuer: 'MSP_IDENTITY_UNTRUSTED_ISSUER',
  NotYetValid: 'MSP_IDENTITY_NOT_YET_VALID',
  Expired: 'MSP_IDENTITY_EXPIRED',
  Revoked: 'MSP_IDENTITY_REVOKED',
  CaCertificate: 'MSP_IDENTITY_IS_CA',
  InvalidKey: 'MSP_INVALID_KEY',
} as const;
export type MspErrorCode = (typeof MspErrorCode)[keyof typeof MspErrorCode];

export class MspError extends CodedError<MspErrorCode> {
  override readonly name = 'MspError';
}
