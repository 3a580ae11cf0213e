/** Users, logins, tokens and ledger identities of the gateway. */
export type { AuthUser, User } from './user';
export { GENERIC_AUTH_FAILURE, IDENTITY_ERROR_STATUS, IdentityError } from './errors';
export type { IdentityErrorCode } from './errors';
export {
  IdentityService,
  MFA_ROLES,
  PASSWORD_MIN_LENGTH,
  requiresMfa,
  SECOND_FACTOR_METHODS,
} from './service';
export type {
  IdentityLogger,
  IdentityServiceDeps,
  LoginRequest,
  LoginResult,
  NewUser,
  TotpSetup,
} from './service';
export { openIdentityService } from './open';
export type { IdentityServiceOptions } from './open';
export { caEndpoints, Enrolment } from './enrolment';
export type { CaEndpoint, EnrolmentRequest } from './enrolment';
export { readRegistrars } from './registrars';
export type { Registrar, Registrars } from './registrars';
export { OidcLogin, readOidcConfig } from './oidc';
export type { OidcAccount, OidcConfig, OidcLoginOptions, OidcStart } from './oidc';
export { TokenService } from './token-service';
export type { IssuedTokens, TokenServiceOptions } from './token-service';
export { Totp } from './totp';
export { SECRET_KEY_ENV, SecretBox } from './secret-box';
export { LoginThrottle } from './login-throttle';
export { PasswordHasher } from './password';
export { normaliseUsername, UserStore } from './user-store';
export type { UserRecord } from './user-store';
