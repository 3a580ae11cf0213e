/**
 * OpenID Connect sign-in against a real OpenID provider (oidc-provider, in its own process on an ephemeral port):
 * code flow with PKCE, state and nonce through openid-client; accounts found by username claim and linked to the
 * provider's subject; a second factor required from the provider for auditors and admins.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Role } from '@custodia/chaincode';
import { FileWallet } from '@custodia/ledger';
import { IdentityError, openIdentityService, PasswordHasher, SecretBox, UserStore } from '../src/identity';
import type { IdentityService, IdentityServiceOptions } from '../src/identity';

const REDIRECT_URI = 'http://127.0.0.1:8080/api/v1/auth/oidc/callback';
const CLIENT = { id: 'custodia-gateway', secret: randomBytes(24).toString('base64url') };

/** Accounts at the provider: its subject → the username claim it releases. */
const ACCOUNTS: readonly [string, string][] = [
  ['kc-anna', 'anna'],
  ['kc-mallory', 'anna'],
  ['kc-audrey', 'audrey'],
  ['kc-stranger', 'stranger'],
];

interface Login {
  readonly accountId: string;
  readonly amr: string[];
}

let providerProcess: ChildProcess;

/** The user store as the identity service opens it (its key file in the data dir). */
async function openStore(): Promise<UserStore> {
  return UserStore.open(dir, await SecretBox.open(dir, {}));
}
let dir: string;
let options: IdentityServiceOptions;
let identity: IdentityService;

type ProviderMessage = { type: 'ready'; issuer: string } | { type: 'ack'; id: number };

let messageId = 0;
/** Sends a command to the provider process and waits for its acknowledgement. */
function tellProvider(command: Record<string, unknown>): Promise<void> {
  const id = ++messageId;
  return new Promise((resolve) => {
    const onMessage = (message: ProviderMessage): void => {
      if (message.type !== 'ack' || message.id !== id) return;
      providerProcess.off('message', onMessage);
      resolve();
    };
    providerProcess.on('message', onMessage);
    providerProcess.send({ ...command, id });
  });
}

/** Who signs in at the provider next, and how (RFC 8176 amr). */
const setNextLogin = (login: Login): Promise<void> => tellProvider({ type: 'login', login });
const setUsernameClaim = (sub: string, username: string): Promise<void> =>
  tellProvider({ type: 'account', sub, username });

function startProvider(): Promise<string> {
  providerProcess = fork(join(__dirname, 'fixtures', 'oidc-provider.mjs'), [], {
    env: {
      ...process.env,
      OIDC_CLIENT_ID: CLIENT.id,
      OIDC_CLIENT_SECRET: CLIENT.secret,
      OIDC_REDIRECT_URI: REDIRECT_URI,
      OIDC_ACCOUNTS: JSON.stringify(ACCOUNTS),
    },
    // Its start-up notices (runtime, in-memory adapter) are kept and shown only if it fails.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  providerProcess.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    providerProcess.once('exit', (code) =>
      reject(new Error(`the OpenID provider exited (${String(code)}): ${stderr}`)),
    );
    providerProcess.on('message', (message: ProviderMessage) => {
      if (message.type === 'ready') resolve(message.issuer);
    });
  });
}

/** The browser at the provider: follows redirects with its cookies until it is sent back to the gateway. */
async function signInAtProvider(authorizationUrl: string): Promise<string> {
  const cookies = new Map<string, string>();
  let location = authorizationUrl;
  for (let hop = 0; hop < 12; hop++) {
    if (location.startsWith(REDIRECT_URI)) return location;
    const response = await fetch(location, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const header of response.headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      if (value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    await response.arrayBuffer();
    const next = response.headers.get('location');
    if (next === null) throw new Error(`the provider answered ${response.status} without a redirect`);
    location = new URL(next, location).toString();
  }
  throw new Error('too many redirects at the provider');
}

async function oidcSignIn(login: Login): Promise<ReturnType<IdentityService['oidcCallback']>> {
  await setNextLogin(login);
  const { authorizationUrl, state } = identity.oidcStart();
  return identity.oidcCallback(await signInAtProvider(authorizationUrl), state, '127.0.0.1');
}

async function code(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof IdentityError)) throw new Error(`expected an IdentityError, got ${String(error)}`);
  return error.code;
}

async function addUser(store: UserStore, username: string, role: Role): Promise<void> {
  await store.create({
    userId: randomUUID(),
    username,
    displayName: 'Display Name',
    role,
    mspId: 'HospitalDEMSP',
    country: 'DE',
    ledgerId: `ledger-${username}`,
    mfaEnabled: false,
    disabled: false,
    passwordHash: await new PasswordHasher({ memoryCost: 1024 }).hash(randomBytes(16).toString('hex')),
    createdAt: new Date().toISOString(),
  });
}

beforeAll(async () => {
  const issuer = await startProvider();
  dir = mkdtempSync(join(tmpdir(), 'custodia-oidc-'));
  const seed = await openStore();
  await addUser(seed, 'anna', 'patient');
  await addUser(seed, 'audrey', 'auditor');
  options = {
    dataDir: dir,
    profile: { channelName: 'custodia', chaincodeName: 'custodia', peers: [], organisations: [] },
    registrars: new Map(),
    wallet: new FileWallet(join(dir, 'wallet'), randomBytes(32)),
    oidc: {
      issuer,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      redirectUri: REDIRECT_URI,
      usernameClaim: 'preferred_username',
      scope: 'openid profile',
    },
  };
  identity = await openIdentityService(options);
});

afterAll(async () => {
  providerProcess.removeAllListeners('exit');
  providerProcess.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('OpenID Connect sign-in', () => {
  it('signs a local user in by the username claim and links the provider subject', async () => {
    const result = await oidcSignIn({ accountId: 'kc-anna', amr: ['pwd'] });
    expect(result.user).toMatchObject({ username: 'anna', role: 'patient' });
    expect(await identity.verifyAccessToken(result.accessToken)).toMatchObject({ ledgerId: 'ledger-anna' });
    expect((await openStore()).byUsername('anna')?.oidcSubject).toMatch(/ kc-anna$/);

    // Linked: a later sign-in is by subject, even if the provider's username claim changes.
    await setUsernameClaim('kc-anna', 'renamed');
    try {
      expect((await oidcSignIn({ accountId: 'kc-anna', amr: ['pwd'] })).user.username).toBe('anna');
    } finally {
      await setUsernameClaim('kc-anna', 'anna');
    }
  });

  it('refuses another provider account claiming a linked username, and unknown usernames', async () => {
    expect(await code(oidcSignIn({ accountId: 'kc-mallory', amr: ['pwd'] }))).toBe('INVALID_CREDENTIALS');
    expect(await code(oidcSignIn({ accountId: 'kc-stranger', amr: ['pwd'] }))).toBe('INVALID_CREDENTIALS');
  });

  it('requires a second factor at the provider for auditors', async () => {
    expect(await code(oidcSignIn({ accountId: 'kc-audrey', amr: ['pwd'] }))).toBe('MFA_REQUIRED');
    const result = await oidcSignIn({ accountId: 'kc-audrey', amr: ['pwd', 'otp'] });
    expect(result.user).toMatchObject({ username: 'audrey', role: 'auditor' });
  });

  it('refuses a callback with another browser’s state, and a replayed callback', async () => {
    await setNextLogin({ accountId: 'kc-anna', amr: ['pwd'] });
    const first = identity.oidcStart();
    const other = identity.oidcStart();
    const callback = await signInAtProvider(first.authorizationUrl);
    expect(await code(identity.oidcCallback(callback, other.state, 'ip'))).toBe('INVALID_CREDENTIALS');

    const fresh = identity.oidcStart();
    const freshCallback = await signInAtProvider(fresh.authorizationUrl);
    await identity.oidcCallback(freshCallback, fresh.state, 'ip');
    expect(await code(identity.oidcCallback(freshCallback, fresh.state, 'ip'))).toBe('INVALID_CREDENTIALS');
  });

  it('refuses sign-in for a disabled account', async () => {
    // Disabled in the store, then a service opened over it (disableUser's CA step is the CA test's part).
    const store = await openStore();
    const anna = store.byUsername('anna');
    await store.update(anna?.userId ?? '', (current) => ({ ...current, disabled: true }));
    identity = await openIdentityService(options);
    expect(await code(oidcSignIn({ accountId: 'kc-anna', amr: ['pwd'] }))).toBe('INVALID_CREDENTIALS');
  });
});
