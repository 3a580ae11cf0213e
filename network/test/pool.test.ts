/**
 * One ledger client for many users, against the network (embedded, or Fabric under test:fabric): every identity's calls travel over the single
 * TLS connection to the peer, and each is still signed, decided and recorded as its own caller — no user can act
 * or read as another through the shared connection. Chain reads and chaincode events go through the same client.
 */
import { randomUUID } from 'node:crypto';
import { createServer, connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import { EVENTS, TRANSACTIONS } from '@custodia/chaincode';
import type { RuleSpec } from '@custodia/chaincode';
import { ChaincodeCallError, LedgerClient } from '@custodia/ledger';
import type { Identity } from '@custodia/ledger';
import { ORG_DE, ORG_FR, pseudonym, startTestNetwork } from './fixtures/test-network';
import type { TestNetwork } from './fixtures/test-network';

const RULE: RuleSpec = {
  effect: 'permit',
  grantee: { kind: 'role', role: 'clinician' },
  categories: ['allergies'],
  labels: [],
  purposes: ['TREAT'],
};

let net: TestNetwork;
let patients: { id: string; identity: Identity }[];
let relay: { endpoint: string; connections(): number; close(): Promise<void> };

/** A TCP relay to the peer that counts the connections made through it (TLS passes through untouched). */
async function countingRelay(endpoint: string): Promise<typeof relay> {
  const [host, port] = endpoint.split(':');
  let accepted = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    accepted += 1;
    const upstream = tcpConnect(Number(port), host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    endpoint: `127.0.0.1:${address.port}`,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

beforeAll(async () => {
  net = await startTestNetwork();
  patients = [];
  for (let i = 0; i < 6; i++) {
    const id = pseudonym(`pool-patient-${i}`);
    patients.push({ id, identity: await net.enrolPatient(i % 2 === 0 ? ORG_DE : ORG_FR, id) });
  }
  const [peer] = net.profile.peers;
  if (!peer) throw new Error('no peer');
  relay = await countingRelay(peer.endpoint);
}, 120_000);

afterAll(async () => {
  await relay.close();
  await net.destroy();
});

function clientThroughRelay(): LedgerClient {
  const profile = net.profile;
  return new LedgerClient({
    config: net.ledgerConfig,
    profile: { ...profile, peers: profile.peers.map((peer) => ({ ...peer, endpoint: relay.endpoint })) },
  });
}

it('signs every user’s calls as that user over one shared connection, and lets none read another’s rules', async () => {
  const client = clientThroughRelay();
  try {
    const rules = await Promise.all(
      patients.map((patient) =>
        client.as(patient.identity).rules.create({ requestId: randomUUID(), rule: RULE }),
      ),
    );
    expect(rules.map((rule) => rule.patientId)).toEqual(patients.map((patient) => patient.id));
    expect(relay.connections()).toBe(1);
    expect(await client.stats()).toEqual({ channels: 1, identities: patients.length });

    const [alice, bob] = patients;
    if (!alice || !bob) throw new Error('no patients');
    const bobsRule = rules[1]?.ruleId ?? '';
    const refused: unknown = await client
      .as(alice.identity)
      .rules.get(bobsRule)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ChaincodeCallError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN' });
    // Alice's own listing holds her rule only.
    const mine = await client.as(alice.identity).rules.listMine({ pageSize: 50 });
    expect(mine.items.map((rule) => rule.patientId)).toEqual([alice.id]);
  } finally {
    client.close();
  }
});

it('reads blocks through qscc and follows decoded chaincode events with the same client', async () => {
  const client = clientThroughRelay();
  const [alice] = patients;
  if (!alice) throw new Error('no patients');
  try {
    const session = client.as(alice.identity);
    const before = await session.chain.height();
    const committed = await session.submit(TRANSACTIONS.rules.createRule, {
      requestId: randomUUID(),
      rule: RULE,
    });
    expect(committed.blockNumber).toBeGreaterThanOrEqual(BigInt(before));
    const block = await session.chain.blockOfTransaction(committed.transactionId);
    expect(block?.getHeader()?.getNumber()).toBe(Number(committed.blockNumber));
    expect(await session.chain.blockOfTransaction('0'.repeat(64))).toBeUndefined();

    const events = await session.events.chaincode({
      blockNumber: committed.blockNumber - 1n,
      transactionId: '',
    });
    try {
      for await (const received of events) {
        if (received.transactionId !== committed.transactionId) continue;
        expect(received.event).toEqual({
          name: EVENTS.ruleChanged,
          payload: expect.objectContaining({ ruleId: committed.value.ruleId, patientId: alice.id }),
        });
        break;
      }
    } finally {
      events.close();
    }
  } finally {
    client.close();
  }
});
