/**
 * The edge policies a deployment configures, end to end: an organisation's staff reach the API only from its
 * networks (CUSTODIA_ALLOWED_NETWORKS), and sign-in attempts are rate-limited per address.
 */
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

const AUTH_LIMIT = 12;
let stack: TestPlatform;

beforeAll(async () => {
  stack = await startTestPlatform({
    env: {
      // The Italian hospital allows only its own network; the test client calls from 127.0.0.1.
      CUSTODIA_ALLOWED_NETWORKS: JSON.stringify({ HospitalITMSP: ['10.99.0.0/16'] }),
      CUSTODIA_AUTH_RATE_LIMIT: String(AUTH_LIMIT),
    },
  });
});
afterAll(async () => stack?.destroy());

describe('edge policies', () => {
  it('refuses an organisation’s staff outside its networks, and no one else', async () => {
    const rossi = await stack.login('dr.rossi');
    const refused = await stack.call('GET', '/api/v1/patients/lookup?id=patient-anna', rossi);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'LOCATION_NOT_ALLOWED' });
    const weber = await stack.login('dr.weber');
    expect((await stack.call('GET', '/api/v1/patients/lookup?id=patient-anna', weber)).status).toBe(200);
  });

  it('answers 429 once an address exceeds the sign-in rate, with a problem and a retry hint', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < AUTH_LIMIT + 3 && limited === undefined; attempt += 1) {
      const response = await stack.call('POST', '/api/v1/auth/login', undefined, {
        username: 'nobody',
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
