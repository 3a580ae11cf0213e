/**
 * Refresh-token rotation, pure (state in, state out; persisted by the token service). A refresh token is
 * opaque (256 random bits) and only its SHA-256 is kept. Each use rotates it: the old token is marked used and a
 * new one of the same family (one login) is issued. Presenting a used token again means it leaked — the whole
 * family is revoked, so neither the thief nor the user can go on with it (OAuth 2.0 Security BCP, section 4.14).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { IdentityError } from './errors';

export interface RefreshSessionOptions {
  /** Lifetime of one refresh token; default 12 hours. */
  readonly tokenTtlMs?: number;
  /** Lifetime of a family (a login) however often it is refreshed; default 7 days. */
  readonly familyTtlMs?: number;
}

interface TokenRecord {
  readonly familyId: string;
  readonly expiresAt: number;
  usedAt?: number;
}

interface FamilyRecord {
  readonly userId: string;
  readonly expiresAt: number;
  revokedAt?: number;
}

/** What is persisted: hashes of tokens, never tokens. */
export interface RefreshSessionState {
  readonly tokens: Record<string, TokenRecord>;
  readonly families: Record<string, FamilyRecord>;
}

export interface Rotated {
  readonly userId: string;
  readonly familyId: string;
  readonly token: string;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function invalid(): IdentityError {
  return new IdentityError('TOKEN_INVALID', 'the refresh token is not valid');
}

export class RefreshSessions {
  private readonly tokenTtlMs: number;
  private readonly familyTtlMs: number;
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly families = new Map<string, FamilyRecord>();

  constructor(options: RefreshSessionOptions = {}, state?: RefreshSessionState) {
    this.tokenTtlMs = options.tokenTtlMs ?? 12 * 3_600_000;
    this.familyTtlMs = options.familyTtlMs ?? 7 * 24 * 3_600_000;
    for (const [hash, record] of Object.entries(state?.tokens ?? {})) this.tokens.set(hash, { ...record });
    for (const [id, record] of Object.entries(state?.families ?? {})) this.families.set(id, { ...record });
  }

  /** A new family (a login) and its first token. */
  start(userId: string, now: number): Rotated {
    const familyId = randomUUID();
    this.families.set(familyId, { userId, expiresAt: now + this.familyTtlMs });
    return { userId, familyId, token: this.issue(familyId, now) };
  }

  /** Exchanges `token` for the next of its family; throws TOKEN_INVALID (revoking on reuse) or TOKEN_EXPIRED. */
  rotate(token: string, now: number): Rotated {
    const record = this.tokens.get(digest(token));
    const family = record && this.families.get(record.familyId);
    if (!record || !family || family.revokedAt !== undefined) throw invalid();
    if (record.usedAt !== undefined) {
      family.revokedAt = now;
      throw invalid();
    }
    if (record.expiresAt <= now || family.expiresAt <= now)
      throw new IdentityError('TOKEN_EXPIRED', 'the refresh token has expired');
    record.usedAt = now;
    return { userId: family.userId, familyId: record.familyId, token: this.issue(record.familyId, now) };
  }

  /** Whether a login (family) is still on: not revoked (logout, reuse, account disabled) and not past its life. */
  isLive(familyId: string, now: number): boolean {
    const family = this.families.get(familyId);
    return family !== undefined && family.revokedAt === undefined && family.expiresAt > now;
  }

  /** Logout: revokes the family of `token`; unknown tokens are ignored (logout is idempotent). */
  revoke(token: string, now: number): void {
    const record = this.tokens.get(digest(token));
    const family = record && this.families.get(record.familyId);
    if (family && family.revokedAt === undefined) family.revokedAt = now;
  }

  /** Revokes every family of `userId` (account disabled). */
  revokeUser(userId: string, now: number): void {
    for (const family of this.families.values())
      if (family.userId === userId && family.revokedAt === undefined) family.revokedAt = now;
  }

  /**
   * Forgets every family and token of `userId` (the account is erased): a token of theirs presented later is
   * unknown, hence invalid, like any made-up one.
   */
  forgetUser(userId: string): void {
    for (const [id, family] of this.families) if (family.userId === userId) this.families.delete(id);
    for (const [hash, record] of this.tokens)
      if (!this.families.has(record.familyId)) this.tokens.delete(hash);
  }

  /**
   * Forgets what can no longer matter: families past their lifetime and their tokens. Revoked families are kept
   * until then, so a stolen token presented later is still recognised as revoked.
   */
  prune(now: number): void {
    for (const [id, family] of this.families) if (family.expiresAt <= now) this.families.delete(id);
    for (const [hash, record] of this.tokens)
      if (!this.families.has(record.familyId)) this.tokens.delete(hash);
  }

  state(): RefreshSessionState {
    return { tokens: Object.fromEntries(this.tokens), families: Object.fromEntries(this.families) };
  }

  private issue(familyId: string, now: number): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(digest(token), { familyId, expiresAt: now + this.tokenTtlMs });
    return token;
  }
}
