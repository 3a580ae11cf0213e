/**
 * The identity service's typed errors. Each code has one HTTP status (`httpStatus`), which the HTTP layer turns
 * into problem+json. Authentication failures share one generic message so that a caller learns nothing about
 * which part failed or whether the account exists.
 */
import { HttpError } from '../errors';

export const IDENTITY_ERROR_STATUS = {
  INVALID_CREDENTIALS: 401,
  /** The account has TOTP: the login must carry a code. */
  MFA_REQUIRED: 401,
  /** The role requires TOTP and it is not set up yet: `details.setupToken` lets the user set it up. */
  MFA_SETUP_REQUIRED: 401,
  /** The TOTP code given to confirm a setup is wrong. */
  MFA_CODE_INVALID: 400,
  MFA_ALREADY_ENABLED: 409,
  /** Too many failed sign-ins for this name from this address: `details.retryAfterSeconds` (and Retry-After). */
  LOGIN_THROTTLED: 429,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  USER_EXISTS: 409,
  USER_NOT_FOUND: 404,
  /** A new user's fields are unacceptable (`details.field` names which). */
  INVALID_USER: 400,
  /** The organisation has no CA the gateway knows. */
  UNKNOWN_ORGANISATION: 400,
  /** The user has no usable ledger identity (not enrolled, or revoked). */
  IDENTITY_UNAVAILABLE: 403,
  /** The organisation's CA refused or failed the registration, enrolment or revocation. */
  ENROLMENT_FAILED: 502,
  /** The organisation's CA cannot be reached. */
  CA_UNAVAILABLE: 503,
  OIDC_NOT_CONFIGURED: 404,
  /** The OpenID provider cannot be reached. */
  OIDC_UNAVAILABLE: 503,
  /** The CUSTODIA_OIDC_* variables are incomplete or malformed. */
  OIDC_CONFIG_INVALID: 500,
} as const;
export type IdentityErrorCode = keyof typeof IDENTITY_ERROR_STATUS;

export const GENERIC_AUTH_FAILURE = 'invalid credentials';

export class IdentityError extends HttpError<IdentityErrorCode> {
  override readonly name = 'IdentityError';

  constructor(
    code: IdentityErrorCode,
    message: string,
    /** Extra problem members (field names, a retry delay, a setup token) — never submitted values. */
    details?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(code, IDENTITY_ERROR_STATUS[code], message, details, options);
  }

  get httpStatus(): number {
    return this.status;
  }
}

/** The generic authentication failure (wrong password, unknown user, disabled account, wrong TOTP code). */
export function invalidCredentials(cause?: unknown): IdentityError {
  return new IdentityError('INVALID_CREDENTIALS', GENERIC_AUTH_FAILURE, {}, { cause });
}
