/**
 * The platform when its ledger peer freezes (reached through a relay that stops forwarding, as a SIGSTOPped peer
 * looks to clients): /readyz says so within its deadline, a write answers 503 LEDGER_UNAVAILABLE with Retry-After
 * within the 5 s a frozen peer may cost — not a hang, not a 403 — and everything answers again once it is back.
 * And the question a client asks after an unknown outcome: did my transaction commit? — answered for the caller's
 * own transactions only.
 */
import { startRelay } from '../../network/test/fixtures/relay';
import type { Relay } from '../../network/test/fixtures/relay';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';

jest.setTimeout(180_000);

const RULE = {
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician' },
  categories: ['allergies'],
  labels: [],
  purposes: ['TREAT'],
};

let stack: TestPlatform;
let relay: Relay | undefined;

beforeAll(async () => {
  stack = await startTestPlatform({
    peerEndpoints: async (endpoint) => {
      relay = await startRelay(endpoint);
      return [relay.endpoint];
    },
  });
});

afterAll(async () => {
  await stack?.destroy();
  await relay?.close();
});

describe('GET /transactions/:transactionId', () => {
  it('tells a caller their own transaction committed, and nobody else anything', async () => {
    const anna = await stack.login('anna');
    const created = await stack.call('POST', `/api/v1/patients/${stack.patientId('anna')}/rules`, anna, RULE);
    expect(created.status).toBe(201);
    const { txId } = (await created.json()) as { txId: string };
    const own = await stack.call('GET', `/api/v1/transactions/${txId}`, anna);
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ transactionId: txId, valid: true, validationCode: 'VALID' });
    // Another patient, a clinician: the same answer as for an id that does not exist.
    for (const other of [await stack.login('marco'), await stack.login('dr.weber')]) {
      const answer = await stack.call('GET', `/api/v1/transactions/${txId}`, other);
      expect(answer.status).toBe(404);
    }
    expect((await stack.call('GET', `/api/v1/transactions/${'0'.repeat(64)}`, anna)).status).toBe(404);
    expect((await stack.call('GET', '/api/v1/transactions/..%2F..%2Fetc', anna)).status).toBe(400);
    expect((await stack.call('GET', `/api/v1/transactions/${txId}`)).status).toBe(401);
  });
});

describe('a frozen ledger peer', () => {
  it('makes the instance not ready and writes answer 503 with Retry-After; thawed, both recover', async () => {
    const anna = await stack.login('anna');
    expect((await stack.call('GET', '/readyz')).status).toBe(200);
    relay?.freeze();
    try {
      let started = Date.now();
      const ready = await stack.call('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ components: { ledger: false, datalake: true } });
      expect(Date.now() - started).toBeLessThan(3_000);

      started = Date.now();
      const write = await stack.call('POST', `/api/v1/patients/${stack.patientId('anna')}/rules`, anna, RULE);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(write.status).toBe(503);
      expect(write.headers.get('retry-after')).toBe('5');
      expect(await write.json()).toMatchObject({ code: 'LEDGER_UNAVAILABLE' });
    } finally {
      relay?.thaw();
    }
    let ready = 0;
    for (let attempt = 0; attempt < 50 && ready !== 200; attempt += 1) {
      ready = (await stack.call('GET', '/readyz')).status;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(ready).toBe(200);
    expect(
      (await stack.call('POST', `/api/v1/patients/${stack.patientId('anna')}/rules`, anna, RULE)).status,
    ).toBe(201);
  });
});
