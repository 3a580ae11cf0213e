/**
 * Tokens: short JWT access tokens (ES256, claims = AuthUser), short MFA-setup tokens (another audience, so they
 * open nothing but the TOTP setup), and rotated opaque refresh tokens (refresh-sessions.ts), persisted:
 *
 *   <dataDir>/keys/token-signing.pem        the ES256 signing key (PKCS#8, mode 0600), created on first start
 *   <dataDir>/sessions/refresh-tokens.json  refresh token hashes and families (mode 0600)
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, errors as joseErrors, exportJWK, jwtVerify, SignJWT } from 'jose';
import type { JWK, JWTPayload } from 'jose';
import { isMember, ROLES } from '@custodia/chaincode';
import { writeFileAtomically } from '@custodia/ledger';
import { IdentityError } from './errors';
import { RefreshSessions } from './refresh-sessions';
import type { RefreshSessionOptions, RefreshSessionState, Rotated } from './refresh-sessions';
import type { AuthUser } from './user';

const ISSUER = 'urn:custodia:gateway';
const ACCESS_AUDIENCE = 'urn:custodia:api';
const MFA_SETUP_AUDIENCE = 'urn:custodia:mfa-setup';
const ALGORITHM = 'ES256';
const KEY_FILE = 'token-signing.pem';
const SESSIONS_FILE = 'refresh-tokens.json';

export interface TokenServiceOptions extends RefreshSessionOptions {
  /** Default 10 minutes. */
  readonly accessTtlSeconds?: number;
  /** Default 10 minutes. */
  readonly mfaSetupTtlSeconds?: number;
  readonly now?: () => number;
}

export interface IssuedTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Seconds the access token is valid. */
  readonly expiresIn: number;
}

async function loadOrCreateKey(dir: string): Promise<KeyObject> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return createPrivateKey(await readFile(join(dir, KEY_FILE), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await writeFileAtomically(
    dir,
    KEY_FILE,
    privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    0o600,
  );
  return privateKey;
}

async function loadSessions(dir: string): Promise<RefreshSessionState | undefined> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    return JSON.parse(await readFile(join(dir, SESSIONS_FILE), 'utf8')) as RefreshSessionState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return undefined;
  }
}

function authUserOf(payload: JWTPayload): AuthUser {
  const { sub, username, role, mspId, country, ledgerId } = payload;
  if (
    typeof sub !== 'string' ||
    typeof username !== 'string' ||
    !isMember(ROLES, role) ||
    typeof mspId !== 'string' ||
    typeof country !== 'string' ||
    typeof ledgerId !== 'string'
  )
    throw new IdentityError('TOKEN_INVALID', 'the access token is not valid');
  return { userId: sub, username, role, mspId, country, ledgerId };
}

export class TokenService {
  private readonly accessTtl: number;
  private readonly mfaSetupTtl: number;
  private readonly now: () => number;
  private readonly publicKey: KeyObject;
  private persisting: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly signingKey: KeyObject,
    private readonly keyId: string,
    private readonly sessions: RefreshSessions,
    private readonly sessionsDir: string,
    options: TokenServiceOptions,
  ) {
    this.accessTtl = options.accessTtlSeconds ?? 600;
    this.mfaSetupTtl = options.mfaSetupTtlSeconds ?? 600;
    this.now = options.now ?? Date.now;
    this.publicKey = createPublicKey(signingKey);
  }

  static async open(dataDir: string, options: TokenServiceOptions = {}): Promise<TokenService> {
    const signingKey = await loadOrCreateKey(join(dataDir, 'keys'));
    const keyId = await calculateJwkThumbprint(await exportJWK(createPublicKey(signingKey)));
    const sessionsDir = join(dataDir, 'sessions');
    const sessions = new RefreshSessions(options, await loadSessions(sessionsDir));
    return new TokenService(signingKey, keyId, sessions, sessionsDir, options);
  }

  /** The public verification key (JWKS), for services that verify access tokens themselves. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [{ ...(await exportJWK(this.publicKey)), kid: this.keyId, alg: ALGORITHM, use: 'sig' }] };
  }

  /** A new login: an access token and the first refresh token of a new family. */
  async issue(user: AuthUser): Promise<IssuedTokens> {
    const started = this.sessions.start(user.userId, this.now());
    await this.persist();
    return this.tokens(user, started);
  }

  /**
   * Rotates a refresh token; `lookup` returns the current AuthUser of the token's user, or undefined when the
   * account is gone or disabled (the family is then revoked). Throws TOKEN_INVALID / TOKEN_EXPIRED.
   */
  async refresh(
    refreshToken: string,
    lookup: (userId: string) => AuthUser | undefined,
  ): Promise<IssuedTokens & { readonly userId: string }> {
    const now = this.now();
    let rotated: Rotated;
    try {
      rotated = this.sessions.rotate(refreshToken, now);
    } finally {
      // A reuse revokes the family: that must be persisted even though the call fails.
      await this.persist();
    }
    const user = lookup(rotated.userId);
    if (!user) {
      this.sessions.revokeUser(rotated.userId, now);
      await this.persist();
      throw new IdentityError('TOKEN_INVALID', 'the refresh token is not valid');
    }
    return { ...(await this.tokens(user, rotated)), userId: user.userId };
  }

  async revoke(refreshToken: string): Promise<void> {
    this.sessions.revoke(refreshToken, this.now());
    await this.persist();
  }

  async revokeUser(userId: string): Promise<void> {
    this.sessions.revokeUser(userId, this.now());
    await this.persist();
  }

  /** Ends and forgets every login of `userId` (an erased account): no trace of their sessions is kept. */
  async forgetUser(userId: string): Promise<void> {
    this.sessions.forgetUser(userId);
    await this.persist();
  }

  /**
   * The AuthUser of a valid access token whose login is still on; throws TOKEN_EXPIRED or TOKEN_INVALID. An access
   * token names its login (`sid`, the refresh family): a logout, a detected token reuse or a disabled account ends
   * the login, and with it every access token issued for it, at once rather than when they expire.
   */
  async verifyAccessToken(token: string): Promise<AuthUser> {
    const payload = await this.verify(token, ACCESS_AUDIENCE);
    if (typeof payload.sid !== 'string' || !this.sessions.isLive(payload.sid, this.now()))
      throw new IdentityError('TOKEN_INVALID', 'the access token is not valid');
    return authUserOf(payload);
  }

  /** A token that only lets `userId` set up and confirm TOTP (after a correct password). */
  async issueMfaSetupToken(userId: string): Promise<{ token: string; expiresIn: number }> {
    const issuedAt = Math.floor(this.now() / 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keyId, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(MFA_SETUP_AUDIENCE)
      .setSubject(userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.mfaSetupTtl)
      .setJti(randomUUID())
      .sign(this.signingKey);
    return { token, expiresIn: this.mfaSetupTtl };
  }

  /** The user id of a valid MFA-setup token; throws TOKEN_EXPIRED or TOKEN_INVALID. */
  async verifyMfaSetupToken(token: string): Promise<string> {
    const { sub } = await this.verify(token, MFA_SETUP_AUDIENCE);
    if (typeof sub !== 'string') throw new IdentityError('TOKEN_INVALID', 'the token is not valid');
    return sub;
  }

  private async tokens(user: AuthUser, rotated: Rotated): Promise<IssuedTokens> {
    const issuedAt = Math.floor(this.now() / 1000);
    const accessToken = await new SignJWT({
      username: user.username,
      role: user.role,
      mspId: user.mspId,
      country: user.country,
      ledgerId: user.ledgerId,
      sid: rotated.familyId,
    })
      .setProtectedHeader({ alg: ALGORITHM, kid: this.keyId, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(ACCESS_AUDIENCE)
      .setSubject(user.userId)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + this.accessTtl)
      .setJti(randomUUID())
      .sign(this.signingKey);
    return { accessToken, refreshToken: rotated.token, expiresIn: this.accessTtl };
  }

  private async verify(token: string, audience: string): Promise<JWTPayload> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, {
        issuer: ISSUER,
        audience,
        algorithms: [ALGORITHM],
        currentDate: new Date(this.now()),
      });
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new IdentityError('TOKEN_EXPIRED', 'the token has expired');
      throw new IdentityError('TOKEN_INVALID', 'the token is not valid');
    }
  }

  /** Writes the refresh-token state (pruned), one write at a time. */
  private async persist(): Promise<void> {
    const run = this.persisting.then(async () => {
      this.sessions.prune(this.now());
      await writeFileAtomically(
        this.sessionsDir,
        SESSIONS_FILE,
        JSON.stringify(this.sessions.state()),
        0o600,
      );
    });
    this.persisting = run.catch(() => undefined);
    await run;
  }
}
