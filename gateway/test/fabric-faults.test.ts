/**
 * One node down on the real three-hospital Fabric network (test:fabric only): the platform (gateway, lake, one
 * ledger client) on the local network, whose processes the test freezes (SIGSTOP, as a hung host), thaws and stops
 * through their pid files. What a user notices is asserted — how long each call took, what it answered — and the
 * figures are printed for the closing note:
 * - a frozen peer costs at most 5 s of failed or delayed calls, whether it is the peer the platform uses or only
 *   an endorser behind it;
 * - with the peer in use frozen, the auditors' replay and the lake's event stream (a revoked grant's record
 *   deleted) keep working;
 * - an ordering service frozen for 10 s costs no call more than the outage and its own retry;
 * - lost endorsement quorum (two of three hospitals' peers stopped) is 503 LEDGER_QUORUM_LOST with Retry-After,
 *   and nothing is recorded.
 */
import type { StoredRule } from '@custodia/chaincode';
import type { ReplayReport } from '../src/audit';
import { jsonOf, problemOf } from './fixtures/answers';
import { demoApi } from './fixtures/api';
import { startTestPlatform } from './fixtures/platform';
import type { TestPlatform } from './fixtures/platform';
import { freeze, ORDERERS, peerProcess, stop, thaw } from '../../network/test/fixtures/fabric-network';
import type { FabricProcess } from '../../network/test/fixtures/fabric-network';
import { describeOnFabric } from '../../network/test/fixtures/test-network';

const FROZEN_PEER_BUDGET_MS = 5_000;
const ORDERER_OUTAGE_MS = 10_000;
/** What a call may take beyond the outage: the client's retry pause (≤ 1 s) and one ordering and commit. */
const OWN_RETRY_MS = 3_000;

let stack: TestPlatform;
const { get, send, requestAccess } = demoApi(() => stack);
let anna: string;
const frozen = new Set<FabricProcess>();

const RULE = {
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician', countries: ['DE'] },
  categories: ['allergies'],
  labels: [],
  purposes: ['TREAT'],
} as const;

interface Call {
  /** When it began, ms after the load started. */
  readonly at: number;
  readonly ms: number;
  readonly status: number;
}

/** Anna's writes (a new rule) and reads (her rules), alternating, one every `everyMs` for `forMs`. */
async function load(forMs: number, everyMs: number, during: () => Promise<void>): Promise<Call[]> {
  const begin = Date.now();
  const calls: Promise<Call>[] = [];
  const disturbance = during();
  for (let n = 0; Date.now() - begin < forMs; n += 1) {
    const at = Date.now() - begin;
    const response =
      n % 2 === 0
        ? send('POST', `/patients/${anna}/rules`, 'anna', RULE)
        : get(`/patients/${anna}/rules`, 'anna');
    calls.push(
      response.then(async (answer) => {
        await answer.arrayBuffer();
        return { at, ms: Date.now() - begin - at, status: answer.status };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  await disturbance;
  return Promise.all(calls);
}

function report(name: string, calls: readonly Call[]): void {
  const ms = calls.map((call) => call.ms).sort((a, b) => a - b);
  const failed = calls.filter((call) => call.status >= 400).length;
  process.stdout.write(
    `test:fabric ${name}: ${calls.length} calls, ${failed} failed, p50 ${ms[Math.floor(ms.length / 2)]} ms, max ${ms.at(-1)} ms, ` +
      `slower than 1 s: ${calls.filter((call) => call.ms > 1_000).length}\n`,
  );
}

async function freezeFor(names: readonly FabricProcess[]): Promise<void> {
  for (const name of names) frozen.add(name);
  await freeze(names);
}

async function thawAll(): Promise<void> {
  await thaw([...frozen]);
  frozen.clear();
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeOnFabric('one node down on the three-hospital Fabric network', () => {
  beforeAll(async () => {
    stack = await startTestPlatform();
    anna = stack.patientId('anna');
    // Every user's identity loaded and the peer's connections open before anything is frozen.
    expect((await get(`/patients/${anna}/rules`, 'anna')).status).toBe(200);
  }, 300_000);

  afterEach(thawAll);

  afterAll(async () => {
    await thawAll();
    await stack?.destroy();
  });

  it('a frozen peer the platform uses costs at most 5 s of delayed calls, and fails none', async () => {
    const [inUse] = stack.platform.network.profile.peers;
    if (inUse === undefined) throw new Error('no peer');
    const calls = await load(10_000, 250, async () => {
      await sleep(1_000);
      await freezeFor([peerProcess(inUse.mspId)]);
    });
    report('frozen peer in use', calls);
    expect(calls.filter((call) => call.status >= 400)).toEqual([]);
    expect(Math.max(...calls.map((call) => call.ms))).toBeLessThan(FROZEN_PEER_BUDGET_MS);
  }, 60_000);

  it('a frozen peer that only endorses costs at most 5 s too: endorsements are sent around it', async () => {
    // Since the test above, the platform uses the profile's second peer: the third only endorses.
    const endorser = stack.platform.network.profile.peers[2];
    if (endorser === undefined) throw new Error('no second peer');
    const calls = await load(10_000, 250, async () => {
      await sleep(1_000);
      await freezeFor([peerProcess(endorser.mspId)]);
    });
    report('frozen endorsing peer', calls);
    expect(calls.filter((call) => call.status >= 400)).toEqual([]);
    expect(Math.max(...calls.map((call) => call.ms))).toBeLessThan(FROZEN_PEER_BUDGET_MS);
  }, 60_000);

  it('with the peer in use frozen, replay reports the real chain intact and the lake still deletes a revoked grant’s record', async () => {
    // Dr Weber's access under Anna's demo rule naming him, and the record assembled for him in the lake.
    const rules = await jsonOf<{ items: StoredRule[] }>(await get(`/patients/${anna}/rules`, 'anna'), 200);
    const forWeber = rules.items.find(
      (rule) =>
        rule.status === 'active' && rule.grantee.kind === 'practitioner' && rule.grantee.id === 'clin-weber',
    );
    if (forWeber === undefined) throw new Error('no demo rule for Dr Weber');
    const { grantId } = await requestAccess('dr.weber', anna, ['allergies']);
    if (grantId === undefined) throw new Error('no grant');
    expect((await get(`/grants/${grantId}/record`, 'dr.weber')).status).toBe(200);
    const lake = stack.platform.datalake();
    if (lake === undefined) throw new Error('the lake is not running');
    const home = lake.locations.forCountry('DE');
    expect(await lake.consumer.meta(home, grantId)).toBeDefined();

    // The peer the platform's clients (the gateway's, and the lake's event stream) moved to when the first was frozen.
    const inUse = stack.platform.network.profile.peers[1];
    if (inUse === undefined) throw new Error('no second peer');
    await freezeFor([peerProcess(inUse.mspId)]);

    const replayStart = Date.now();
    const replay = await jsonOf<ReplayReport>(await send('POST', '/audit/replay', 'auditor'), 200);
    process.stdout.write(
      `test:fabric replay with a frozen peer: ${replay.blocksChecked} blocks, ${replay.discrepancies.length} discrepancies, ${Date.now() - replayStart} ms\n`,
    );
    expect(replay).toMatchObject({ ok: true, discrepancies: [] });

    const revokeStart = Date.now();
    expect((await send('DELETE', `/patients/${anna}/rules/${forWeber.ruleId}`, 'anna')).status).toBe(200);
    const revokedAt = Date.now();
    while ((await lake.consumer.meta(home, grantId)) !== undefined && Date.now() - revokedAt < 20_000)
      await sleep(100);
    const deletedAfter = Date.now() - revokedAt;
    process.stdout.write(
      `test:fabric revoke with a frozen peer: ${revokedAt - revokeStart} ms; record deleted by the lake ${deletedAfter} ms later\n`,
    );
    expect(await lake.consumer.meta(home, grantId)).toBeUndefined();
    // The lake's stream on the frozen peer is found silent and deaf to a probe (≤ 6.5 s) and reopened elsewhere.
    expect(deletedAfter).toBeLessThan(10_000);
  }, 90_000);

  it('an ordering service frozen for 10 s costs no call more than the outage and its own retry', async () => {
    let thawedAt = 0;
    const begin = Date.now();
    const calls = await load(14_000, 500, async () => {
      await sleep(1_000);
      await freezeFor(ORDERERS);
      await sleep(ORDERER_OUTAGE_MS);
      await thawAll();
      thawedAt = Date.now() - begin;
    });
    report('orderers frozen for 10 s', calls);
    expect(calls.filter((call) => call.status >= 400)).toEqual([]);
    const late = calls.filter((call) => call.at + call.ms > Math.max(call.at, thawedAt) + OWN_RETRY_MS);
    expect(late).toEqual([]);
  }, 90_000);

  it('lost quorum — two of three hospitals’ peers stopped — answers 503 LEDGER_QUORUM_LOST, and records nothing', async () => {
    // Whichever peer the platform uses, one hospital's peer alone remains: the client reaches it, and its gateway
    // finds no majority of endorsers.
    const [, ...others] = stack.platform.network.profile.peers;
    const created = await jsonOf<StoredRule>(
      await send('POST', `/patients/${anna}/rules`, 'anna', RULE),
      201,
    );
    await stop(others.map((peer) => peerProcess(peer.mspId)));
    const started = Date.now();
    const revoke = await send('DELETE', `/patients/${anna}/rules/${created.ruleId}`, 'anna');
    const ms = Date.now() - started;
    process.stdout.write(`test:fabric lost quorum: ${revoke.status} in ${ms} ms\n`);
    await problemOf(revoke, 503, 'LEDGER_QUORUM_LOST');
    expect(Number(revoke.headers.get('retry-after'))).toBeGreaterThan(0);
    // Nothing was recorded: the rule is still active (read from the peer that still runs).
    expect(
      await jsonOf<StoredRule>(await get(`/patients/${anna}/rules/${created.ruleId}`, 'anna'), 200),
    ).toMatchObject({ status: 'active' });
  }, 90_000);
});
