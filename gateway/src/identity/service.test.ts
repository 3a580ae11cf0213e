/**
 * Login, MFA, lockout and token flows of the identity service over its real stores (users, tokens, wallet in a
 * temporary directory). Accounts are written to the user store directly: creating them through the CA is the
 * integration test's part (gateway/test/identity.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Role } from '@custodia/chaincode';
import { FileWallet } from '@custodia/ledger';
import { Enrolment } from './enrolment';
import { IdentityError } from './errors';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password';
import { SecretBox } from './secret-box';
import { IdentityService } from './service';
import { TokenService } from './token-service';
import { Totp, TOTP_PERIOD_SECONDS } from './totp';
import { UserStore } from './user-store';

const PASSWORD = 'a long enough passphrase';

interface Harness {
  service: IdentityService;
  users: UserStore;
  totp: Totp;
  clock: { now: number };
  logs: string[];
}

let dir: string;
let harness: Harness;
const passwords = new PasswordHasher({ memoryCost: 1024, timeCost: 2 });

async function setup(): Promise<Harness> {
  const clock = { now: Date.UTC(2026, 10, 23, 12, 0, 0) };
  const now = (): number => clock.now;
  const secrets = new SecretBox(randomBytes(32));
  const users = await UserStore.open(dir, secrets);
  const totp = new Totp({ issuer: 'Custodia', now });
  const wallet = new FileWallet(join(dir, 'wallet'), randomBytes(32));
  const logs: string[] = [];
  const record = (fields: Record<string, unknown>): void => void logs.push(JSON.stringify(fields));
  const service = new IdentityService({
    users,
    passwords,
    totp,
    throttle: new LoginThrottle({ now }),
    tokens: await TokenService.open(dir, { now }),
    secrets,
    enrolment: new Enrolment([], new Map(), wallet),
    wallet,
    logger: { info: record, warn: record },
    now,
  });
  return { service, users, totp, clock, logs };
}

async function addUser(username: string, role: Role, displayName = 'Erika Mustermann'): Promise<string> {
  const userId = randomUUID();
  await harness.users.create({
    userId,
    username,
    displayName,
    role,
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: `ledger-${username}`,
    mfaEnabled: false,
    disabled: false,
    passwordHash: await passwords.hash(PASSWORD),
    createdAt: new Date(harness.clock.now).toISOString(),
  });
  return userId;
}

async function failure(promise: Promise<unknown>): Promise<IdentityError> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof IdentityError)) throw new Error(`expected an IdentityError, got ${String(error)}`);
  return error;
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-identity-'));
  harness = await setup();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('password login', () => {
  it('signs a patient in; the access token names the user and works until the account is disabled', async () => {
    const userId = await addUser('anna', 'patient');
    const result = await harness.service.login({ username: 'ANNA', password: PASSWORD }, '10.0.0.1');
    expect(result.user).toMatchObject({ username: 'anna', role: 'patient', ledgerId: 'ledger-anna' });
    expect(result.user).not.toHaveProperty('passwordHash');
    const me = await harness.service.verifyAccessToken(result.accessToken);
    expect(me).toEqual({
      userId,
      username: 'anna',
      role: 'patient',
      mspId: 'HospitalDEMSP',
      country: 'DE',
      ledgerId: 'ledger-anna',
    });
    await harness.users.update(userId, (current) => ({ ...current, disabled: true }));
    expect((await failure(harness.service.verifyAccessToken(result.accessToken))).code).toBe('TOKEN_INVALID');
    expect((await failure(harness.service.login({ username: 'anna', password: PASSWORD }, 'ip'))).code).toBe(
      'INVALID_CREDENTIALS',
    );
  });

  it('answers the same generic failure for a wrong password and an unknown user', async () => {
    await addUser('anna', 'patient');
    const wrong = await failure(
      harness.service.login({ username: 'anna', password: 'wrong password!' }, 'ip'),
    );
    const unknown = await failure(harness.service.login({ username: 'nobody', password: PASSWORD }, 'ip'));
    for (const error of [wrong, unknown]) {
      expect(error).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        httpStatus: 401,
        message: 'invalid credentials',
      });
    }
  });

  it('slows a name from an address after 3 failures, even with the right password, then lets it in', async () => {
    const userId = await addUser('anna', 'patient');
    const codes: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++)
      codes.push(
        (await failure(harness.service.login({ username: 'anna', password: 'nope nope' }, 'attacker'))).code,
      );
    expect(codes).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'LOGIN_THROTTLED',
    ]);
    const throttled = await failure(
      harness.service.login({ username: 'anna', password: PASSWORD }, 'attacker'),
    );
    expect(throttled).toMatchObject({
      code: 'LOGIN_THROTTLED',
      httpStatus: 429,
      details: { retryAfterSeconds: 1 },
    });
    harness.clock.now += 1000;
    expect(
      (await harness.service.login({ username: 'anna', password: PASSWORD }, 'attacker')).user.userId,
    ).toBe(userId);
  });

  it('an attacker failing at one address never keeps the owner out at another', async () => {
    const userId = await addUser('anna', 'patient');
    for (let attempt = 0; attempt < 30; attempt++) {
      await failure(harness.service.login({ username: 'anna', password: 'guess guess' }, 'attacker'));
      harness.clock.now += 100;
    }
    expect(
      (await failure(harness.service.login({ username: 'anna', password: PASSWORD }, 'attacker'))).code,
    ).toBe('LOGIN_THROTTLED');
    expect((await harness.service.login({ username: 'anna', password: PASSWORD }, 'home')).user.userId).toBe(
      userId,
    );
  });

  it('throttles unknown names the same way, so a wait says nothing about which names exist', async () => {
    for (let attempt = 0; attempt < 3; attempt++)
      await failure(harness.service.login({ username: 'ghost', password: 'nope nope' }, 'ip'));
    expect((await failure(harness.service.login({ username: 'ghost', password: 'x' }, 'ip'))).code).toBe(
      'LOGIN_THROTTLED',
    );
  });

  it('ends every access token of a login at logout, not when they expire', async () => {
    await addUser('anna', 'patient');
    const session = await harness.service.login({ username: 'anna', password: PASSWORD }, 'ip');
    const other = await harness.service.login({ username: 'anna', password: PASSWORD }, 'ip');
    const refreshed = await harness.service.refresh(session.refreshToken);
    await harness.service.logout(refreshed.refreshToken);
    for (const token of [session.accessToken, refreshed.accessToken])
      expect((await failure(harness.service.verifyAccessToken(token))).code).toBe('TOKEN_INVALID');
    // Another login of the same user goes on.
    expect((await harness.service.verifyAccessToken(other.accessToken)).username).toBe('anna');
  });

  it('logs identifiers only: no username, display name or password', async () => {
    const userId = await addUser('erika.m', 'patient', 'Erika Mustermann');
    await harness.service.login({ username: 'erika.m', password: PASSWORD }, '10.0.0.7');
    await failure(harness.service.login({ username: 'erika.m', password: 'Geheimnis-123' }, '10.0.0.7'));
    const text = harness.logs.join('\n');
    expect(harness.logs.length).toBeGreaterThanOrEqual(2);
    expect(text).toContain(userId);
    for (const secret of ['Erika', 'Mustermann', 'erika.m', PASSWORD, 'Geheimnis'])
      expect(text).not.toContain(secret);
  });
});

describe('TOTP for auditors and admins', () => {
  it('first login requires setup; the setup token opens setup only; confirming signs in', async () => {
    const userId = await addUser('audrey', 'auditor');
    const required = await failure(harness.service.login({ username: 'audrey', password: PASSWORD }, 'ip'));
    expect(required.code).toBe('MFA_SETUP_REQUIRED');
    const setupToken = String(required.details?.setupToken);
    expect((await failure(harness.service.verifyAccessToken(setupToken))).code).toBe('TOKEN_INVALID');
    expect(await harness.service.verifyMfaSetupToken(setupToken)).toBe(userId);

    const setup = await harness.service.setupTotp(userId);
    expect(setup.otpauthUri).toContain(`secret=${setup.secret}`);
    // Sealed at rest: the user's file does not hold the secret.
    expect(await readFile(join(dir, 'users', `${userId}.json`), 'utf8')).not.toContain(setup.secret);
    const wrong = await failure(harness.service.confirmTotp(userId, '000000', 'ip'));
    expect(wrong.code).toBe('MFA_CODE_INVALID');
    const confirmed = await harness.service.confirmTotp(userId, harness.totp.generate(setup.secret), 'ip');
    expect(confirmed.user.mfaEnabled).toBe(true);
    expect((await harness.service.verifyAccessToken(confirmed.accessToken)).role).toBe('auditor');
    expect((await failure(harness.service.setupTotp(userId))).code).toBe('MFA_ALREADY_ENABLED');

    // From now on: a code at every login, each code once.
    expect(
      (await failure(harness.service.login({ username: 'audrey', password: PASSWORD }, 'ip'))).code,
    ).toBe('MFA_REQUIRED');
    harness.clock.now += TOTP_PERIOD_SECONDS * 1000;
    const code = harness.totp.generate(setup.secret);
    const signedIn = await harness.service.login(
      { username: 'audrey', password: PASSWORD, totp: code },
      'ip',
    );
    expect(signedIn.user.userId).toBe(userId);
    expect(
      (await failure(harness.service.login({ username: 'audrey', password: PASSWORD, totp: code }, 'ip')))
        .code,
    ).toBe('INVALID_CREDENTIALS');
    // A wrong password with a right code is the same generic failure.
    harness.clock.now += TOTP_PERIOD_SECONDS * 1000;
    const next = harness.totp.generate(setup.secret);
    expect(
      (await failure(harness.service.login({ username: 'audrey', password: 'wrong one!', totp: next }, 'ip')))
        .code,
    ).toBe('INVALID_CREDENTIALS');
  });

  it('one code signs in once, even when two logins race with it', async () => {
    const userId = await addUser('root', 'admin');
    const setup = await harness.service.setupTotp(userId);
    await harness.service.confirmTotp(userId, harness.totp.generate(setup.secret), 'ip');
    harness.clock.now += TOTP_PERIOD_SECONDS * 1000;
    const totp = harness.totp.generate(setup.secret);
    const outcomes = await Promise.allSettled([
      harness.service.login({ username: 'root', password: PASSWORD, totp }, 'ip-1'),
      harness.service.login({ username: 'root', password: PASSWORD, totp }, 'ip-2'),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('an admin reset of the second factor ends logins and requires a new setup', async () => {
    const userId = await addUser('audrey', 'auditor');
    const setup = await harness.service.setupTotp(userId);
    const session = await harness.service.confirmTotp(userId, harness.totp.generate(setup.secret), 'ip');
    expect((await harness.service.resetTotp(userId)).mfaEnabled).toBe(false);
    expect((await failure(harness.service.refresh(session.refreshToken))).code).toBe('TOKEN_INVALID');
    const required = await failure(harness.service.login({ username: 'audrey', password: PASSWORD }, 'ip'));
    expect(required.code).toBe('MFA_SETUP_REQUIRED');
    expect((await failure(harness.service.resetTotp('no-such-user'))).code).toBe('USER_NOT_FOUND');
  });

  it('a wrong password never reveals that MFA is needed', async () => {
    await addUser('root', 'admin');
    expect(
      (await failure(harness.service.login({ username: 'root', password: 'wrong one!' }, 'ip'))).code,
    ).toBe('INVALID_CREDENTIALS');
  });
});

describe('OpenID Connect when not configured', () => {
  it('answers OIDC_NOT_CONFIGURED', () => {
    expect(harness.service.oidcEnabled).toBe(false);
    expect(() => harness.service.oidcStart()).toThrow(
      expect.objectContaining({ code: 'OIDC_NOT_CONFIGURED', httpStatus: 404 }),
    );
  });
});

describe('refresh and logout', () => {
  it('rotates refresh tokens, detects reuse, and logout ends the login', async () => {
    const userId = await addUser('anna', 'patient');
    const first = await harness.service.login({ username: 'anna', password: PASSWORD }, 'ip');
    const second = await harness.service.refresh(first.refreshToken);
    expect(second.user.userId).toBe(userId);
    expect((await failure(harness.service.refresh(first.refreshToken))).code).toBe('TOKEN_INVALID');
    expect((await failure(harness.service.refresh(second.refreshToken))).code).toBe('TOKEN_INVALID');

    const third = await harness.service.login({ username: 'anna', password: PASSWORD }, 'ip');
    await harness.service.logout(third.refreshToken);
    expect((await failure(harness.service.refresh(third.refreshToken))).code).toBe('TOKEN_INVALID');
  });
});
