/**
 * The client's fail-over policy against the embedded network, its peer reached through two relays that each look
 * like a peer of the profile: freezing the relay in use is what clients see of a SIGSTOPped peer. Writes keep
 * landing — each exactly once — within the 5 s a frozen peer may cost, and chain reads and block events (what the
 * auditors' replay and the lake's listener read) move to the other peer.
 */
import { randomUUID } from 'node:crypto';
import { TRANSACTIONS } from '@custodia/chaincode';
import type { RuleCreation, RuleSpec } from '@custodia/chaincode';
import {
  LedgerClient,
  LedgerClientError,
  LedgerClientErrorCode,
  parseEnvelopeHeader,
  readLedgerClientConfig,
} from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import { ORG_DE, ORG_FR, pseudonym, startEmbeddedTestNetwork } from './fixtures/embedded-network';
import type { EmbeddedTestNetwork } from './fixtures/embedded-network';
import { startRelay } from './fixtures/relay';
import type { Relay } from './fixtures/relay';

const RULE: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician' },
  categories: ['allergies'],
  labels: [],
  purposes: ['TREAT'],
};
const FROZEN_PEER_BUDGET_MS = 5_000;

/** A new rule each time (its own request id): the same request id would be the same rule. */
function newRule(): RuleCreation {
  return { requestId: randomUUID(), rule: RULE };
}

let net: EmbeddedTestNetwork;
let relays: Relay[];
const clients: LedgerClient[] = [];

beforeAll(async () => {
  net = await startEmbeddedTestNetwork();
  const [peer] = net.network.profile.peers;
  if (!peer) throw new Error('no peer');
  relays = [await startRelay(peer.endpoint), await startRelay(peer.endpoint)];
}, 120_000);

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const relay of relays) relay.thaw();
});

afterAll(async () => {
  for (const relay of relays) await relay.close();
  await net.destroy();
});

/** A client whose profile lists the two relays as two peers, the first in use; the policy's defaults. */
function clientThroughRelays(): LedgerClient {
  const profile = net.network.profile;
  const [peer] = profile.peers;
  if (!peer) throw new Error('no peer');
  const client = new LedgerClient({
    config: readLedgerClientConfig({ CUSTODIA_NETWORK_DIR: net.dataDir }),
    profile: { ...profile, peers: relays.map((relay) => ({ ...peer, endpoint: relay.endpoint })) },
  });
  clients.push(client);
  return client;
}

async function patient(id: string): Promise<Identity> {
  return net.enrolPatient(ORG_DE, pseudonym(id));
}

it('loses no write and applies none twice while the peer in use freezes; no call waits 5 s', async () => {
  const anna = await patient('failover-anna');
  const session = clientThroughRelays().as(anna);
  const before = await session.chain.height();
  const writes: Promise<{ transactionId: string; ms: number }>[] = [];
  const begin = Date.now();
  setTimeout(() => relays[0]?.freeze(), 1_000);
  while (Date.now() - begin < 7_000) {
    const start = Date.now();
    writes.push(
      session.submit(TRANSACTIONS.rules.createRule, newRule()).then((committed) => ({
        transactionId: committed.transactionId,
        ms: Date.now() - start,
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const results = await Promise.all(writes);
  expect(Math.max(...results.map((result) => result.ms))).toBeLessThan(FROZEN_PEER_BUDGET_MS);
  // Every write is on the chain once, and no transaction id appears twice.
  const mine = await session.rules.listMine({ pageSize: 100 });
  expect(mine.items).toHaveLength(results.length);
  const height = await session.chain.height();
  const ids: string[] = [];
  for (let number = before; number < height; number += 1) {
    const block = await session.chain.block(number);
    for (const envelope of block.getData()?.getDataList_asU8() ?? [])
      ids.push(parseEnvelopeHeader(envelope).txId);
  }
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids).toEqual(expect.arrayContaining(results.map((result) => result.transactionId)));
}, 60_000);

it('reads the chain and follows block events on the other peer while the peer in use is frozen', async () => {
  const bob = await patient('failover-bob');
  const client = clientThroughRelays();
  const session = client.as(bob);
  await session.rules.create(newRule());
  const height = await session.chain.height();
  const events = await client.raw(bob).blockEvents(BigInt(height - 1));
  const iterator = events[Symbol.asyncIterator]();
  expect((await iterator.next()).value?.getHeader()?.getNumber()).toBe(height - 1);
  relays[0]?.freeze();
  const frozenAt = Date.now();
  // What the auditors' replay reads: every block, from the peer that answers.
  for (let number = 0; number < height; number += 1)
    expect((await session.chain.block(number)).getHeader()?.getNumber()).toBe(number);
  // The stream on the frozen peer ends with LEDGER_UNAVAILABLE; reopened, it follows the other peer.
  const ended = await iterator.next().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(ended).toBeInstanceOf(LedgerClientError);
  expect(ended).toMatchObject({ code: LedgerClientErrorCode.Unavailable });
  expect(Date.now() - frozenAt).toBeLessThan(10_000);
  const resumed = await client.raw(bob).blockEvents(BigInt(height));
  try {
    const committed = await session.submit(TRANSACTIONS.rules.createRule, newRule());
    for await (const block of resumed) {
      const ids = (block.getData()?.getDataList_asU8() ?? []).map(
        (envelope) => parseEnvelopeHeader(envelope).txId,
      );
      if (ids.includes(committed.transactionId)) break;
    }
  } finally {
    resumed.close();
  }
}, 60_000);

it('retries a patient’s revoke that met a read conflict with a concurrent request: both answer, no grant outlives the rule', async () => {
  const dora = await patient('conflict-dora');
  const drOwen = await net.enrol(ORG_FR, 'conflict-dr-owen', 'clinician', 'FR');
  const client = clientThroughRelays();
  const patientSession = client.as(dora);
  const clinicianSession = client.as(drOwen);
  for (let round = 0; round < 3; round += 1) {
    const { ruleId } = await patientSession.rules.create(newRule());
    // Endorsed on the same state, ordered into one block: one of the two reads what the other writes.
    const [revoked, requested] = await Promise.all([
      patientSession.rules.revoke(ruleId),
      clinicianSession.access.request({
        patientId: pseudonym('conflict-dora'),
        categories: ['allergies'],
        purpose: 'TREAT',
        requestId: randomUUID(),
      }),
    ]);
    expect(revoked).toMatchObject({ ruleId, status: 'revoked' });
    if (requested.grantId !== undefined) {
      const grant = await clinicianSession.access.getGrant(requested.grantId);
      expect(grant.status).not.toBe('active');
    }
  }
}, 60_000);
