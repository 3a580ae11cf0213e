import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { TokenService } from './token-service';
import type { AuthUser } from './user';

const user: AuthUser = {
  userId: '6f1d3c1e-8d1a-4b7e-9a55-3c2f0e7b9d10',
  username: 'dr.weber',
  role: 'clinician',
  mspId: 'HospitalDEMSP',
  country: 'DE',
  ledgerId: 'dr-weber',
};

let dir: string;
const clock = { now: Date.UTC(2026, 10, 23, 12, 0, 0) };
const open = (): Promise<TokenService> => TokenService.open(dir, { now: () => clock.now });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-tokens-'));
  clock.now = Date.UTC(2026, 10, 23, 12, 0, 0);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('TokenService', () => {
  it('issues ES256 access tokens carrying the AuthUser, valid for 10 minutes', async () => {
    const tokens = await open();
    const issued = await tokens.issue(user);
    expect(issued.expiresIn).toBe(600);
    expect(decodeProtectedHeader(issued.accessToken).alg).toBe('ES256');
    expect(decodeJwt(issued.accessToken)).toMatchObject({
      sub: user.userId,
      role: 'clinician',
      ledgerId: 'dr-weber',
    });
    expect(await tokens.verifyAccessToken(issued.accessToken)).toEqual(user);
    clock.now += 599_000;
    expect(await tokens.verifyAccessToken(issued.accessToken)).toEqual(user);
    clock.now += 1_000;
    await expect(tokens.verifyAccessToken(issued.accessToken)).rejects.toMatchObject({
      code: 'TOKEN_EXPIRED',
    });
  });

  it('refuses altered tokens, tokens of another key, and setup tokens as access tokens', async () => {
    const tokens = await open();
    const { accessToken } = await tokens.issue(user);
    const [header, payload, signature] = accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    await expect(tokens.verifyAccessToken(`${header}.${forged}.${signature}`)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    await expect(tokens.verifyAccessToken('garbage')).rejects.toMatchObject({ code: 'TOKEN_INVALID' });

    const elsewhere = mkdtempSync(join(tmpdir(), 'custodia-tokens-'));
    try {
      const foreign = await (await TokenService.open(elsewhere)).issue(user);
      await expect(tokens.verifyAccessToken(foreign.accessToken)).rejects.toMatchObject({
        code: 'TOKEN_INVALID',
      });
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }

    const setup = await tokens.issueMfaSetupToken(user.userId);
    await expect(tokens.verifyAccessToken(setup.token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
    expect(await tokens.verifyMfaSetupToken(setup.token)).toBe(user.userId);
    await expect(tokens.verifyMfaSetupToken(accessToken)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('keeps its signing key (0600) and refresh sessions across restarts', async () => {
    const before = await open();
    const issued = await before.issue(user);
    const rotated = await before.refresh(issued.refreshToken, () => user);
    expect((await stat(join(dir, 'keys', 'token-signing.pem'))).mode & 0o777).toBe(0o600);
    const sessionsFile = join(dir, 'sessions', 'refresh-tokens.json');
    expect((await stat(sessionsFile)).mode & 0o777).toBe(0o600);
    expect(await readFile(sessionsFile, 'utf8')).not.toContain(rotated.refreshToken);

    const after = await open();
    expect(await after.verifyAccessToken(issued.accessToken)).toEqual(user);
    expect((await after.jwks()).keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    // The rotated-away token presented after the restart: reuse, the family is revoked.
    await expect(after.refresh(issued.refreshToken, () => user)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    await expect(after.refresh(rotated.refreshToken, () => user)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });

  it('refuses a refresh for a user who is gone or disabled, and ends that login', async () => {
    const tokens = await open();
    const issued = await tokens.issue(user);
    await expect(tokens.refresh(issued.refreshToken, () => undefined)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
    const next = await tokens.issue(user);
    await tokens.revokeUser(user.userId);
    await expect(tokens.refresh(next.refreshToken, () => user)).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    });
  });
});
