/**
 * The edge and session policies, end to end: an organisation's staff reach the API only from its networks
 * (CUSTODIA_ALLOWED_NETWORKS); sign-in attempts are rate-limited per address, and failed ones slow down the address
 * they come from without locking the account's owner out; logout ends the access token at once; no answer of the
 * API may be cached; an organisation's administrator manages their own organisation's users only.
 */
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

const AUTH_LIMIT = 12;
let stack: TestPlatform;
/** The demo patients' pseudonyms. */
let ANNA: string;
let MARCO: string;

beforeAll(async () => {
  stack = await startTestPlatform({
    env: {
      // The Italian hospital allows only its own network; the test client calls from 127.0.0.1.
      CUSTODIA_ALLOWED_NETWORKS: JSON.stringify({ HospitalITMSP: ['10.99.0.0/16'] }),
      CUSTODIA_AUTH_RATE_LIMIT: String(AUTH_LIMIT),
      // Client addresses come from X-Forwarded-For, so that one test client can be several people.
      CUSTODIA_TRUST_PROXY: '1',
    },
  });
  ANNA = stack.patientId('anna');
  MARCO = stack.patientId('marco');
});
afterAll(async () => stack?.destroy());

/** Signs a demo user in from `address`; the answer as it came. */
function signIn(username: string, password: string, address: string, totp?: string): Promise<Response> {
  return stack.call(
    'POST',
    '/api/v1/auth/login',
    undefined,
    { username, password, ...(totp === undefined ? {} : { totp }) },
    { 'x-forwarded-for': address },
  );
}

function demoPassword(username: string): string {
  const login = stack.demo.find((entry) => entry.username === username);
  if (login === undefined) throw new Error(`no demo user ${username}`);
  return login.password;
}

async function tokensOf(response: Response): Promise<{ accessToken: string; refreshToken: string }> {
  expect(response.status).toBe(200);
  return (await response.json()) as { accessToken: string; refreshToken: string };
}

describe('edge policies', () => {
  it('refuses an organisation’s staff outside its networks, and no one else', async () => {
    const rossi = await stack.login('dr.rossi');
    const refused = await stack.call('GET', `/api/v1/patients/lookup?id=${ANNA}`, rossi);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'LOCATION_NOT_ALLOWED' });
    const weber = await stack.login('dr.weber');
    expect((await stack.call('GET', `/api/v1/patients/lookup?id=${ANNA}`, weber)).status).toBe(200);
  });

  it('slows an attacker guessing a password at their address, never the account’s owner at hers', async () => {
    const attacker = '203.0.113.66';
    const codes: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await signIn('anna', `guess-${attempt}-wrong`, attacker);
      codes.push(((await response.json()) as { code: string }).code);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(codes).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'LOGIN_THROTTLED',
      'LOGIN_THROTTLED',
    ]);
    // Even the right password waits at the attacker's address; Anna, at home, signs in at once.
    expect((await signIn('anna', demoPassword('anna'), attacker)).status).toBe(429);
    await tokensOf(await signIn('anna', demoPassword('anna'), '198.51.100.7'));
  });

  it('ends the access token at logout, not when it expires', async () => {
    const address = '198.51.100.8';
    const { accessToken, refreshToken } = await tokensOf(await signIn('anna', demoPassword('anna'), address));
    const rules = `/api/v1/patients/${ANNA}/rules`;
    const headers = { 'x-forwarded-for': address };
    expect((await stack.call('GET', rules, accessToken, undefined, headers)).status).toBe(200);
    const logout = await stack.call('POST', '/api/v1/auth/logout', undefined, { refreshToken }, headers);
    expect(logout.status).toBe(204);
    const after = await stack.call('GET', rules, accessToken, undefined, headers);
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('refreshes for a client that still sends its old access token (an expired one must not block the refresh)', async () => {
    const address = '198.51.100.9';
    const headers = { 'x-forwarded-for': address };
    const { accessToken, refreshToken } = await tokensOf(await signIn('anna', demoPassword('anna'), address));
    // What the CLI sends after ten minutes: the stale bearer beside the refresh token. A token that does not verify
    // stands in for the expired one (both were refused with 401 before).
    const stale = `${accessToken.slice(0, -4)}AAAA`;
    const refreshed = await stack.call('POST', '/api/v1/auth/refresh', stale, { refreshToken }, headers);
    expect(refreshed.status).toBe(200);
    const fresh = (await refreshed.json()) as { accessToken: string };
    expect(
      (await stack.call('GET', `/api/v1/patients/${ANNA}/rules`, fresh.accessToken, undefined, headers))
        .status,
    ).toBe(200);
    // A signed-in route still refuses the stale bearer.
    const refused = await stack.call('GET', `/api/v1/patients/${ANNA}/rules`, stale, undefined, headers);
    expect(refused.status).toBe(401);
  });

  it('marks every API and FHIR answer not to be stored, patient data and refusals alike', async () => {
    const address = '198.51.100.9';
    const headers = { 'x-forwarded-for': address };
    const anna = (await tokensOf(await signIn('anna', demoPassword('anna'), address))).accessToken;
    const answers = [
      await stack.call('GET', `/api/v1/patients/${ANNA}/rules`, anna, undefined, headers),
      await stack.call('GET', `/api/v1/patients/${ANNA}/access-log`, anna, undefined, headers),
      await stack.call('GET', `/api/v1/patients/${MARCO}/rules`, anna, undefined, headers),
      await stack.call('GET', `/fhir/Patient/${ANNA}/$summary`, anna, undefined, headers),
      await signIn('anna', demoPassword('anna'), address),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 403, 403, 200]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('lets an administrator manage their own organisation’s users only, in its country', async () => {
    const address = '198.51.100.10';
    const headers = { 'x-forwarded-for': address };
    const admin = await stack.login('admin');
    const newUser = (fields: Record<string, string>) =>
      stack.call(
        'POST',
        '/api/v1/admin/users',
        admin,
        {
          password: 'a-long-enough-password',
          displayName: 'New Clinician',
          role: 'clinician',
          ...fields,
          username: `clin.${fields.username ?? ''}`,
        },
        headers,
      );
    const elsewhere = await newUser({ username: 'elsewhere', mspId: 'HospitalFRMSP', country: 'FR' });
    expect(elsewhere.status).toBe(403);
    expect(await elsewhere.json()).toMatchObject({ code: 'OTHER_ORGANISATION' });
    const abroad = await newUser({ username: 'abroad', mspId: 'HospitalDEMSP', country: 'FR' });
    expect(abroad.status).toBe(400);
    expect(await abroad.json()).toMatchObject({ code: 'VALIDATION_FAILED', field: 'country' });
    const created = await newUser({ username: 'home' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ mspId: 'HospitalDEMSP', country: 'DE' });

    const listed = (await (
      await stack.call('GET', '/api/v1/admin/users', admin, undefined, headers)
    ).json()) as {
      items: { userId: string; username: string; mspId: string }[];
    };
    expect(new Set(listed.items.map((user) => user.mspId))).toEqual(new Set(['HospitalDEMSP']));
    const french = stack.platform.identity.listUsers().find((user) => user.username === 'dr.dubois');
    const disable = await stack.call(
      'POST',
      `/api/v1/admin/users/${french?.userId ?? ''}/disable`,
      admin,
      undefined,
      headers,
    );
    expect(disable.status).toBe(403);
    expect(stack.platform.identity.listUsers().find((user) => user.username === 'dr.dubois')?.disabled).toBe(
      false,
    );
  });

  it('answers 429 once an address exceeds the sign-in rate, with a problem and a retry hint', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < AUTH_LIMIT + 3 && limited === undefined; attempt += 1) {
      // A new name each time: the throttle of failed sign-ins (per name and address) is not what this tests.
      const response = await stack.call('POST', '/api/v1/auth/login', undefined, {
        username: `nobody-${attempt}`,
        password: 'wrong-password',
      });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 1)).toEqual([401]);
    expect(limited).toBeDefined();
    expect(limited?.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await limited?.json()).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS' });
    expect(limited?.headers.get('ratelimit') ?? limited?.headers.get('retry-after')).toBeTruthy();
  });
});
