/**
 * The identity service the HTTP routes use: local logins (argon2id + TOTP, mandatory for auditors and admins),
 * tokens, sign-in throttling, and users' ledger identities (enrolled at their organisation's CA, kept in the wallet).
 * Logs carry identifiers only (user id, role, organisation, client address) — never names, display names,
 * passwords, codes or tokens.
 */
import { randomUUID } from 'node:crypto';
import { callerFromAttributes, FORMATS, isMember, ROLES } from '@custodia/chaincode';
import type { Role } from '@custodia/chaincode';
import type { Identity, Wallet } from '@custodia/ledger';
import type { Enrolment } from './enrolment';
import { IdentityError, invalidCredentials } from './errors';
import type { LoginThrottle, ThrottleState } from './login-throttle';
import type { OidcLogin, OidcStart } from './oidc';
import type { PasswordHasher } from './password';
import type { SecretBox } from './secret-box';
import type { IssuedTokens, TokenService } from './token-service';
import type { Totp } from './totp';
import { normaliseUsername, toUser } from './user-store';
import type { UserRecord, UserStore } from './user-store';
import { authUserOf } from './user';
import type { AuthUser, PersonIdentification, User } from './user';

/** Roles that must sign in with a second factor. */
export const MFA_ROLES: readonly Role[] = ['auditor', 'admin'];

/**
 * RFC 8176 `amr` values that show the OpenID provider used a second factor (or says it did: `mfa`), required
 * from the provider for users who need MFA.
 */
export const SECOND_FACTOR_METHODS: readonly string[] = [
  'mfa',
  'mca',
  'otp',
  'hwk',
  'swk',
  'sc',
  'sms',
  'tel',
  'fpt',
  'face',
  'iris',
  'retina',
];

export const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 256;
const USERNAME = /^[a-z0-9][a-z0-9._@-]{2,63}$/;
/** An address a mail server accepts (RFC 5321 sizes), not a full RFC 5322 parser. */
const EMAIL = /^(?=.{3,254}$)[^\s@<>()[\],;:"]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/** Identifiers only (pino-compatible). */
export interface IdentityLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LoginRequest {
  readonly username: string;
  readonly password: string;
  readonly totp?: string;
}

export interface LoginResult extends IssuedTokens {
  readonly user: User;
}

export interface NewUser {
  readonly username: string;
  readonly password: string;
  /** May be a person's name: stored, shown to the user, never logged. */
  readonly displayName: string;
  readonly role: Role;
  readonly mspId: string;
  readonly country: string;
  /**
   * `custodia.id`; default a new UUID. For a patient, required: the pseudonym the platform generated and their
   * organisation registered on-chain (`createPatient`).
   */
  readonly ledgerId?: string;
  /** Where notices go; sealed at rest, never logged. */
  readonly email?: string;
  /** Patients only: the identification set released with their record. */
  readonly person?: PersonIdentification;
}

export interface TotpSetup {
  /** otpauth:// URI for authenticator apps (shown once). */
  readonly otpauthUri: string;
  /** The same secret, base32, for manual entry. */
  readonly secret: string;
}

export interface IdentityServiceDeps {
  readonly users: UserStore;
  readonly passwords: PasswordHasher;
  readonly totp: Totp;
  readonly throttle: LoginThrottle;
  readonly tokens: TokenService;
  /** Seals TOTP secrets at rest. */
  readonly secrets: SecretBox;
  readonly enrolment: Enrolment;
  readonly wallet: Wallet;
  /** Present when OpenID Connect sign-in is configured. */
  readonly oidc?: OidcLogin;
  readonly logger?: IdentityLogger;
  readonly now?: () => number;
}

/** What a user's sealed TOTP secret is bound to. */
function totpContext(userId: string): readonly string[] {
  return ['custodia-totp/1', userId];
}

function invalidUser(field: string, message: string): IdentityError {
  return new IdentityError('INVALID_USER', message, { field });
}

function throttledError(state: ThrottleState): IdentityError | undefined {
  return state.throttled
    ? new IdentityError('LOGIN_THROTTLED', 'too many failed attempts from this address; try again later', {
        retryAfterSeconds: Math.ceil(state.retryAfterMs / 1000),
      })
    : undefined;
}

export function requiresMfa(record: Pick<User, 'role' | 'mfaEnabled'>): boolean {
  return record.mfaEnabled || MFA_ROLES.includes(record.role);
}

export class IdentityService {
  private readonly now: () => number;

  constructor(private readonly deps: IdentityServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Password (+ TOTP) login. Throws INVALID_CREDENTIALS (every failure alike), LOGIN_THROTTLED (this name failed
   * too often from this address), MFA_REQUIRED (the account has TOTP and no code was given), MFA_SETUP_REQUIRED
   * (`details.setupToken`: the role needs TOTP and it is not set up — call setupTotp/confirmTotp with the user id
   * the token names).
   */
  async login(request: LoginRequest, ip: string): Promise<LoginResult> {
    const name = normaliseUsername(request.username);
    this.checkThrottle(name, ip);
    const record = this.deps.users.byUsername(name);
    if (!record?.passwordHash) {
      await this.deps.passwords.verifyNothing(request.password);
      throw this.failed(name, ip, undefined);
    }
    const passwordOk = await this.deps.passwords.verify(record.passwordHash, request.password);
    if (!passwordOk || record.disabled) throw this.failed(name, ip, record.userId);

    if (requiresMfa(record)) {
      if (!record.totp?.confirmed) {
        const setup = await this.deps.tokens.issueMfaSetupToken(record.userId);
        this.deps.logger?.info({ event: 'mfa_setup_required', userId: record.userId, ip }, 'login');
        throw new IdentityError('MFA_SETUP_REQUIRED', 'set up a second factor (TOTP) to sign in', {
          setupToken: setup.token,
          expiresIn: setup.expiresIn,
        });
      }
      if (request.totp === undefined || request.totp === '')
        throw new IdentityError('MFA_REQUIRED', 'a TOTP code is required');
      const code = request.totp;
      let accepted = false;
      // Checked and recorded in one serialised update: two logins racing with one code cannot both pass.
      await this.deps.users.update(record.userId, (current) => {
        const step =
          current.totp && this.deps.totp.match(this.totpSecret(current), code, current.totp.lastStep);
        if (!current.totp || step === undefined) return current;
        accepted = true;
        return { ...current, totp: { ...current.totp, lastStep: step } };
      });
      if (!accepted) throw this.failed(name, ip, record.userId);
    }
    this.deps.throttle.succeed(name, ip);
    this.deps.logger?.info({ event: 'login', userId: record.userId, role: record.role, ip }, 'login');
    return this.signIn(record);
  }

  /** Whether OpenID Connect sign-in is configured. */
  get oidcEnabled(): boolean {
    return this.deps.oidc !== undefined;
  }

  /** Starts an OpenID Connect sign-in: where to send the browser, and the state to keep with it. */
  oidcStart(): OidcStart {
    return this.oidc().start();
  }

  /**
   * Completes an OpenID Connect sign-in: the account linked to the provider's subject, or else (first time) the
   * account whose username the configured claim names, which is then linked. INVALID_CREDENTIALS when there is
   * no such active account or it is linked to another subject; MFA_REQUIRED when the account needs a second
   * factor and the provider's `amr` shows none.
   */
  async oidcCallback(callbackUrl: string, state: string, ip: string): Promise<LoginResult> {
    const account = await this.oidc().finish(callbackUrl, state);
    const linked = this.deps.users.find((user) => user.oidcSubject === account.subject);
    const byName =
      linked === undefined && account.username !== undefined
        ? this.deps.users.byUsername(account.username)
        : undefined;
    const record = linked ?? (byName?.oidcSubject === undefined ? byName : undefined);
    if (!record || record.disabled) {
      this.deps.logger?.warn(
        { event: 'oidc_login_failed', ip, ...(record && { userId: record.userId }) },
        'login',
      );
      throw invalidCredentials();
    }
    if (requiresMfa(record) && !account.methods.some((method) => SECOND_FACTOR_METHODS.includes(method)))
      throw new IdentityError('MFA_REQUIRED', 'sign in at the identity provider with a second factor');
    const current =
      record.oidcSubject === undefined
        ? await this.deps.users.update(record.userId, (user) => ({ ...user, oidcSubject: account.subject }))
        : record;
    this.deps.logger?.info(
      { event: 'login', method: 'oidc', userId: current.userId, role: current.role, ip },
      'login',
    );
    return this.signIn(current);
  }

  /** Rotates a refresh token (TOKEN_INVALID on reuse, which also ends that login everywhere). */
  async refresh(refreshToken: string): Promise<LoginResult> {
    const { userId, ...tokens } = await this.deps.tokens.refresh(refreshToken, (id) => {
      const record = this.deps.users.get(id);
      return record && !record.disabled ? authUserOf(record) : undefined;
    });
    return { ...tokens, user: toUser(this.record(userId)) };
  }

  /** Ends the login the refresh token belongs to; unknown tokens are ignored. */
  async logout(refreshToken: string): Promise<void> {
    await this.deps.tokens.revoke(refreshToken);
  }

  /** The user of a valid access token whose account is still active; throws TOKEN_INVALID / TOKEN_EXPIRED. */
  async verifyAccessToken(token: string): Promise<AuthUser> {
    const user = await this.deps.tokens.verifyAccessToken(token);
    const record = this.deps.users.get(user.userId);
    if (!record || record.disabled) throw new IdentityError('TOKEN_INVALID', 'the token is not valid');
    return user;
  }

  /** The user id an MFA-setup token (from MFA_SETUP_REQUIRED) was issued to. */
  verifyMfaSetupToken(token: string): Promise<string> {
    return this.deps.tokens.verifyMfaSetupToken(token);
  }

  /** Starts (or restarts) TOTP setup: a new secret, returned this once. MFA_ALREADY_ENABLED when confirmed. */
  async setupTotp(userId: string): Promise<TotpSetup> {
    const record = this.record(userId);
    if (record.totp?.confirmed)
      throw new IdentityError('MFA_ALREADY_ENABLED', 'a second factor is already set up');
    const secret = this.deps.totp.generateSecret();
    const sealed = this.deps.secrets.seal(secret, totpContext(userId));
    await this.deps.users.update(userId, (current) => ({
      ...current,
      totp: { secret: sealed, confirmed: false },
    }));
    this.deps.logger?.info({ event: 'mfa_setup_started', userId }, 'mfa');
    return { otpauthUri: this.deps.totp.uri(secret, record.username), secret };
  }

  /**
   * Confirms TOTP setup with a first code from the authenticator; the account then needs a code at every login.
   * Signs the user in (password and code are both proven). MFA_CODE_INVALID for a wrong code (counted towards
   * the throttle of this name and address), MFA_ALREADY_ENABLED when already confirmed.
   */
  async confirmTotp(userId: string, code: string, ip: string): Promise<LoginResult> {
    const record = this.record(userId);
    const name = normaliseUsername(record.username);
    this.checkThrottle(name, ip);
    if (record.totp?.confirmed)
      throw new IdentityError('MFA_ALREADY_ENABLED', 'a second factor is already set up');
    const step = record.totp && this.deps.totp.match(this.totpSecret(record), code);
    if (!record.totp || step === undefined || record.disabled) {
      const throttled = throttledError(this.deps.throttle.fail(name, ip));
      if (throttled) throw throttled;
      throw new IdentityError(
        'MFA_CODE_INVALID',
        'the code does not match; check the authenticator and try again',
      );
    }
    const secret = record.totp.secret;
    const updated = await this.deps.users.update(userId, (current) => ({
      ...current,
      mfaEnabled: true,
      totp: { secret, confirmed: true, lastStep: step },
    }));
    this.deps.throttle.succeed(name, ip);
    this.deps.logger?.info({ event: 'mfa_enabled', userId }, 'mfa');
    return this.signIn(updated);
  }

  /**
   * Removes a user's second factor (an admin's remedy for a lost authenticator) and ends their logins. Users
   * whose role requires MFA must set it up again at their next login.
   */
  async resetTotp(userId: string): Promise<User> {
    this.record(userId);
    const updated = await this.deps.users.update(userId, (current) => ({
      ...current,
      totp: undefined,
      mfaEnabled: false,
    }));
    await this.deps.tokens.revokeUser(userId);
    this.deps.logger?.info({ event: 'mfa_reset', userId }, 'mfa');
    return toUser(updated);
  }

  /**
   * Creates a user: registered and enrolled at the organisation's CA with `custodia.role`, `custodia.id` and
   * `custodia.country` on the certificate, the identity stored in the wallet. USER_EXISTS for a taken username
   * or ledger id (per organisation); INVALID_USER names the field; ENROLMENT_FAILED / CA_UNAVAILABLE from the CA.
   */
  async createUser(input: NewUser): Promise<User> {
    const username = normaliseUsername(input.username);
    const ledgerId = input.ledgerId ?? randomUUID();
    this.validate({ ...input, username, ledgerId });
    const release = this.deps.users.reserve(username);
    try {
      if (this.deps.users.find((user) => user.mspId === input.mspId && user.ledgerId === ledgerId))
        throw new IdentityError('USER_EXISTS', 'the ledger id is taken in this organisation', {
          field: 'ledgerId',
        });
      const passwordHash = await this.deps.passwords.hash(input.password);
      await this.deps.enrolment.enrol({
        mspId: input.mspId,
        ledgerId,
        role: input.role,
        country: input.country,
      });
      const record: UserRecord = {
        userId: randomUUID(),
        username,
        displayName: input.displayName,
        role: input.role,
        mspId: input.mspId,
        country: input.country,
        ledgerId,
        mfaEnabled: false,
        disabled: false,
        passwordHash,
        createdAt: new Date(this.now()).toISOString(),
        ...(input.email === undefined ? {} : { email: input.email }),
        ...(input.person === undefined ? {} : { person: input.person }),
      };
      await this.deps.users.create(record);
      this.deps.logger?.info(
        { event: 'user_created', userId: record.userId, role: record.role, mspId: record.mspId },
        'user',
      );
      return toUser(record);
    } finally {
      release();
    }
  }

  listUsers(): User[] {
    return this.deps.users.list().map(toUser);
  }

  getUser(userId: string): User {
    return toUser(this.record(userId));
  }

  /**
   * Disables an account: no more logins, its refresh tokens revoked, access tokens refused, and its certificates
   * revoked at the CA (so the ledger refuses its signature too). Retrying after a CA failure finishes the job.
   */
  async disableUser(userId: string): Promise<User> {
    let record = this.record(userId);
    if (!record.disabled) {
      record = await this.deps.users.update(userId, (current) => ({ ...current, disabled: true }));
      await this.deps.tokens.revokeUser(userId);
    }
    if (record.revokedAt === undefined) {
      await this.deps.enrolment.revoke(record.mspId, record.ledgerId);
      const revokedAt = new Date(this.now()).toISOString();
      record = await this.deps.users.update(userId, (current) => ({ ...current, revokedAt }));
    }
    this.deps.logger?.info({ event: 'user_disabled', userId }, 'user');
    return toUser(record);
  }

  /**
   * Erases a patient's account (their erasure, after the ledger and the data lake): every login and session
   * forgotten, the account deleted (sign-in fails as for a name nobody holds), the identity's key deleted from the
   * wallet. Idempotent: an account already gone is not an error.
   */
  async erasePatientAccount(patient: { userId?: string; mspId: string; ledgerId: string }): Promise<void> {
    const record = patient.userId === undefined ? undefined : this.deps.users.get(patient.userId);
    if (record !== undefined && record.role !== 'patient')
      throw new IdentityError('INVALID_USER', 'only a patient’s account is erased', { field: 'userId' });
    if (patient.userId !== undefined) {
      await this.deps.tokens.forgetUser(patient.userId);
      await this.deps.users.remove(patient.userId);
    }
    await this.deps.wallet.remove(patient.mspId, patient.ledgerId);
    this.deps.logger?.info({ event: 'patient_account_erased', mspId: patient.mspId }, 'user');
  }

  /** Revokes every certificate of an erased patient's identity at their organisation's CA (idempotent). */
  async revokeErasedIdentity(mspId: string, ledgerId: string): Promise<void> {
    await this.deps.enrolment.revokeCertificates(mspId, ledgerId, 'cessationofoperation');
  }

  /** The user's ledger identity (certificate + key from the wallet), for connect(). */
  async identityOf(user: AuthUser): Promise<Identity> {
    const record = this.deps.users.get(user.userId);
    const identity =
      record && !record.disabled ? await this.deps.wallet.get(record.mspId, record.ledgerId) : undefined;
    if (!identity) throw new IdentityError('IDENTITY_UNAVAILABLE', 'the user has no usable ledger identity');
    return identity;
  }

  private async signIn(record: UserRecord): Promise<LoginResult> {
    return { ...(await this.deps.tokens.issue(authUserOf(record))), user: toUser(record) };
  }

  private totpSecret(record: UserRecord): string {
    if (!record.totp) throw new IdentityError('MFA_CODE_INVALID', 'no second factor is set up');
    return this.deps.secrets.open(record.totp.secret, totpContext(record.userId));
  }

  private oidc(): OidcLogin {
    if (!this.deps.oidc)
      throw new IdentityError('OIDC_NOT_CONFIGURED', 'OpenID Connect sign-in is not configured');
    return this.deps.oidc;
  }

  private record(userId: string): UserRecord {
    const record = this.deps.users.get(userId);
    if (!record) throw new IdentityError('USER_NOT_FOUND', 'no such user');
    return record;
  }

  private checkThrottle(name: string, ip: string): void {
    const throttled = throttledError(this.deps.throttle.state(name, ip));
    if (throttled) throw throttled;
  }

  /** Counts a failed login and answers the generic failure (or LOGIN_THROTTLED once this pair must wait). */
  private failed(name: string, ip: string, userId: string | undefined): IdentityError {
    const state = this.deps.throttle.fail(name, ip);
    this.deps.logger?.warn(
      { event: 'login_failed', ip, ...(userId && { userId }), throttled: state.throttled },
      'login',
    );
    return throttledError(state) ?? invalidCredentials();
  }

  private validate(input: NewUser & { ledgerId: string }): void {
    if (!USERNAME.test(input.username))
      throw invalidUser(
        'username',
        'the username must be 3-64 of a-z 0-9 . _ @ - (starting with a letter or digit)',
      );
    if (input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH)
      throw invalidUser(
        'password',
        `the password must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
      );
    if (input.displayName.trim() === '' || input.displayName.length > 200)
      throw invalidUser('displayName', 'the display name must have 1 to 200 characters');
    if (!isMember(ROLES, input.role)) throw invalidUser('role', 'unknown role');
    if (input.email !== undefined && !EMAIL.test(input.email))
      throw invalidUser('email', 'the e-mail address is not valid');
    if (input.person !== undefined && input.role !== 'patient')
      throw invalidUser('person', 'only patients carry an identification set');
    // A patient acts on the ledger only as the pseudonym their organisation registered; nobody else carries one.
    if ((input.role === 'patient') !== FORMATS.patientId.test(input.ledgerId))
      throw invalidUser('ledgerId', 'patients, and only patients, carry a patient pseudonym');
    if (!this.deps.enrolment.organisations().includes(input.mspId))
      throw new IdentityError('UNKNOWN_ORGANISATION', 'the organisation has no known CA', { field: 'mspId' });
    // The chaincode's own decoder of certificate attributes: what it would refuse, refuse here.
    const caller = callerFromAttributes({
      mspId: input.mspId,
      role: input.role,
      id: input.ledgerId,
      country: input.country,
    });
    if (!caller.ok) {
      const field =
        caller.error.path === 'custodia.country'
          ? 'country'
          : caller.error.path === 'custodia.id'
            ? 'ledgerId'
            : 'mspId';
      throw invalidUser(field, `the ${field} is not acceptable on a certificate`);
    }
  }
}
