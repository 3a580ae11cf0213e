/**
 * The client's fail-over policy against scripted Fabric gateway peers (real gRPC servers on loopback, the real
 * fabric-gateway client): frozen, down, slow peers, an ordering service that takes nothing, lost endorsement
 * quorum, unreachable endorsers, read conflicts. Each test asserts what a caller would notice — how long a call
 * took, what it answered — and what the network was sent: a transaction is never endorsed or submitted as two.
 */
import { readdirSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { readLedgerClientConfig } from '../src/client/config';
import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from '../src/client/errors';
import type { ConnectionProfile } from '../src/client/profile';
import { LedgerClient } from '../src/facade/client';
import type { Identity } from '../src/msp/identity';
import { channelOptions } from '../src/pool/policy';
import { testIdentity } from './fixtures/identity';
import { ANSWER, startScriptedPeer } from './fixtures/scripted-peer';
import type { ScriptedFailure, ScriptedPeer } from './fixtures/scripted-peer';

/** The defaults: probe after 1 s of silence, 1.5 s probe deadline. A frozen peer must cost less than 5 s. */
const DEFAULTS = readLedgerClientConfig({});
const DETECTION_MS = DEFAULTS.failover.probeAfter + DEFAULTS.failover.probeTimeout;
const FROZEN_PEER_BUDGET_MS = 5_000;

const ORDERERS_DOWN: ScriptedFailure = {
  code: grpc.status.UNAVAILABLE,
  message: 'no orderers could successfully process transaction',
  details: [
    {
      address: 'orderer1.custodia.local:7050',
      mspId: 'OrdererMSP',
      message: 'rpc error: code = Unavailable desc = connection error: connect: connection refused',
    },
  ],
};

let identity: Identity;
const started: ScriptedPeer[] = [];
const clients: LedgerClient[] = [];

beforeAll(async () => {
  identity = await testIdentity('Org1MSP', 'failover-user');
});

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const scripted of started.splice(0)) scripted.down();
});

async function peers(count: number): Promise<ScriptedPeer[]> {
  const list = await Promise.all(Array.from({ length: count }, () => startScriptedPeer()));
  started.push(...list);
  return list;
}

function profileOf(list: readonly ScriptedPeer[]): ConnectionProfile {
  return {
    channelName: 'custodia',
    chaincodeName: 'custodia',
    peers: list.map((scripted) => ({
      endpoint: scripted.endpoint,
      mspId: 'Org1MSP',
      tlsCaCertificate: identity.certificate,
    })),
    organisations: [],
  };
}

/** A client on `list` with the policy's defaults (or `env`), its channels plaintext to the test servers. */
function clientOf(list: readonly ScriptedPeer[], env: NodeJS.ProcessEnv = {}): LedgerClient {
  const config = { ...readLedgerClientConfig(env), network: 'fabric' as const };
  const client = new LedgerClient({
    config,
    profile: profileOf(list),
    openChannel: (endpoint) =>
      new grpc.Client(
        endpoint.endpoint,
        grpc.credentials.createInsecure(),
        channelOptions(endpoint, config.failover),
      ),
  });
  clients.push(client);
  return client;
}

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = Date.now();
  const value = await run();
  return { value, ms: Date.now() - start };
}

async function failure(run: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const start = Date.now();
  try {
    await run();
  } catch (error) {
    return { error, ms: Date.now() - start };
  }
  throw new Error('the call succeeded');
}

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Transaction ids other than probes' (probes are evaluates; submits and endorsements are the transaction's). */
function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

describe('a frozen peer (it accepts calls and answers nothing, probes included)', () => {
  it('costs an evaluate on it one detection, and later calls go straight to the next peer', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    await raw.evaluate('read');
    a.mode = 'hang';
    const { value, ms } = await timed(() => raw.evaluate('read'));
    expect(value).toEqual(ANSWER);
    expect(ms).toBeGreaterThanOrEqual(DEFAULTS.failover.probeAfter);
    expect(ms).toBeLessThan(DETECTION_MS + 500);
    const seenByA = a.received.evaluate.length;
    for (let i = 0; i < 5; i += 1) expect(await raw.evaluate('read')).toEqual(ANSWER);
    // Its circuit is open: nothing more is sent to it.
    expect(a.received.evaluate).toHaveLength(seenByA);
  });

  it('delays calls for less than 5 s in all, under a steady stream of callers, and fails none', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    const calls: Promise<{ start: number; ms: number }>[] = [];
    const begin = Date.now();
    const freezeAt = begin + 1_000;
    setTimeout(() => (a.mode = 'hang'), 1_000);
    while (Date.now() - begin < 6_000) {
      const start = Date.now();
      calls.push(raw.evaluate('read').then(() => ({ start, ms: Date.now() - start })));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const outcomes = await Promise.all(calls);
    const delayed = outcomes.filter((call) => call.ms > 500);
    expect(Math.max(...outcomes.map((call) => call.ms))).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    // Calls delayed by the freeze all started inside one window shorter than the budget.
    const lastDelayedEnd = Math.max(...delayed.map((call) => call.start + call.ms));
    expect(lastDelayedEnd - freezeAt).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    expect(outcomes.filter((call) => call.start > lastDelayedEnd).length).toBeGreaterThan(10);
  });

  it('moves a submit caught by the freeze to the next peer: the same signed transaction, never endorsed again', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    a.fail.endorse = () => {
      a.mode = 'hang'; // freezes right after answering the endorsement
      return undefined;
    };
    const { value, ms } = await timed(() => raw.submit('createRule', { arguments: ['{}'] }));
    expect(ms).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    expect(a.received.endorse).toEqual([value.transactionId]);
    expect(b.received.endorse).toEqual([]);
    expect(distinct([...a.received.submit, ...b.received.submit])).toEqual([value.transactionId]);
    expect(b.received.commitStatus).toEqual([value.transactionId]);
    expect(value.payload).toEqual(ANSWER);
  });

  it('re-arms a commit-status wait on the next peer when the peer freezes after taking the transaction', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    a.fail.submit = () => {
      a.mode = 'hang';
      return undefined;
    };
    const { value, ms } = await timed(() => raw.submit('revokeRule', { arguments: ['rule-1'] }));
    expect(ms).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    expect(a.received.submit).toEqual([value.transactionId]);
    // Asked again elsewhere, not submitted again.
    expect(b.received.submit).toEqual([]);
    expect(b.received.commitStatus).toEqual([value.transactionId]);
  });

  it('ends an event stream on it promptly, and the stream reopened goes to the next peer', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    const first = await raw.chaincodeEvents();
    const reading = (async () => {
      const seen: string[] = [];
      try {
        for await (const event of first) seen.push(event.transactionId);
      } catch (error) {
        return { seen, error, at: Date.now() };
      }
      return { seen, error: undefined, at: Date.now() };
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    a.emit(3, ['tx-3']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const frozenAt = Date.now();
    a.mode = 'hang';
    const ended = await reading;
    expect(ended.seen).toEqual(['tx-3']);
    expect(ended.error).toBeInstanceOf(LedgerClientError);
    expect(ended.error).toMatchObject({ code: LedgerClientErrorCode.Unavailable });
    // Only event streams were open: the peer is probed after the streams' longer silence.
    expect(ended.at - frozenAt).toBeLessThan(
      5 * DEFAULTS.failover.probeAfter + DEFAULTS.failover.probeTimeout + 1_000,
    );
    const second = await raw.chaincodeEvents({ blockNumber: 3n, transactionId: 'tx-3' });
    try {
      const next = second[Symbol.asyncIterator]().next();
      await until(() => b.received.chaincodeEvents.length === 1);
      b.emit(4, ['tx-4']);
      expect((await next).value).toMatchObject({ transactionId: 'tx-4' });
      expect(a.received.chaincodeEvents).toHaveLength(1);
    } finally {
      second.close();
    }
  }, 20_000);

  it('answers LEDGER_OUTCOME_UNKNOWN with the transaction id when no peer can say whether it committed', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    b.down();
    a.fail.submit = () => {
      a.mode = 'hang';
      return undefined;
    };
    const { error, ms } = await failure(() => raw.submit('requestAccess', { arguments: ['p-1'] }));
    expect(ms).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    expect(error).toBeInstanceOf(LedgerClientError);
    expect(error).toMatchObject({
      code: LedgerClientErrorCode.OutcomeUnknown,
      details: { transactionId: a.received.submit[0] },
    });
  });
});

describe('an endorser that hangs behind a gateway peer that answers (a profile stating MAJORITY endorsement)', () => {
  /** Three organisations, a peer each; the first peer's gateway waits forever on any plan that may include B. */
  async function threeOrganisations(): Promise<{ a: ScriptedPeer; b: ScriptedPeer; client: LedgerClient }> {
    const [a, b, c] = await peers(3);
    if (!a || !b || !c) throw new Error('no peers');
    const profile: ConnectionProfile = {
      ...profileOf([a, b, c]),
      peers: [a, b, c].map((scripted, index) => ({
        endpoint: scripted.endpoint,
        mspId: ['OrgA', 'OrgB', 'OrgC'][index] ?? '',
        tlsCaCertificate: identity.certificate,
      })),
      organisations: ['OrgA', 'OrgB', 'OrgC'].map((mspId) => ({ mspId, country: 'DE' })),
      endorsementPolicy: 'majority',
    };
    a.holdEndorsement = (endorsers) => endorsers.length === 0 || endorsers.includes('OrgB');
    b.mode = 'hang';
    const config = { ...DEFAULTS, network: 'fabric' as const };
    const client = new LedgerClient({
      config,
      profile,
      openChannel: (endpoint) =>
        new grpc.Client(
          endpoint.endpoint,
          grpc.credentials.createInsecure(),
          channelOptions(endpoint, config.failover),
        ),
    });
    clients.push(client);
    return { a, b, client };
  }

  it('is found by probing the other peers when an endorsement is slow, and the same proposal is endorsed without it', async () => {
    const { a, client } = await threeOrganisations();
    const { value, ms } = await timed(() => client.raw(identity).submit('createRule'));
    expect(value.payload).toEqual(ANSWER);
    expect(ms).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    // One transaction: first sent for the peer to choose, then — the same id — naming the organisations that answer.
    expect(distinct(a.received.endorse)).toHaveLength(1);
    expect(a.endorsers).toEqual([[], ['OrgA', 'OrgC']]);
    expect(a.received.submit).toHaveLength(1);
  });

  it('answers a lost quorum as such when an organisation named turns out unreachable too', async () => {
    const { a, client } = await threeOrganisations();
    await client.raw(identity).submit('createRule'); // B is found hung; C is named from now on
    started[2]?.down();
    a.holdEndorsement = () => false;
    // As a Fabric gateway peer answers: a named organisation without endorsers, then discovery finding no layout.
    a.fail.endorse = () =>
      a.endorsers.at(-1)?.length
        ? { code: grpc.status.UNAVAILABLE, message: 'failed to find any endorsing peers for org(s): OrgC' }
        : {
            code: grpc.status.FAILED_PRECONDITION,
            message: 'no combination of peers can be derived which satisfy the endorsement policy',
          };
    const { error, ms } = await failure(() => client.raw(identity).submit('revokeRule'));
    expect(error).toBeInstanceOf(LedgerClientError);
    expect((error as LedgerClientError).code).toBe(LedgerClientErrorCode.QuorumLost);
    expect(ms).toBeLessThan(FROZEN_PEER_BUDGET_MS);
    expect(a.endorsers.slice(-2)).toEqual([['OrgA', 'OrgC'], []]);
  });

  it('keeps later endorsements away from it at once', async () => {
    const { a, client } = await threeOrganisations();
    await client.raw(identity).submit('createRule');
    const { ms } = await timed(() => client.raw(identity).submit('createRule'));
    expect(ms).toBeLessThan(500);
    expect(a.endorsers.at(-1)).toEqual(['OrgA', 'OrgC']);
  });
});

describe('a peer that answers', () => {
  it('slowly is kept: a call that outlasts the probe delay is waited for, not moved', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    a.delay.evaluate = 2_500;
    const { value, ms } = await timed(() => raw.evaluate('read'));
    expect(value).toEqual(ANSWER);
    expect(ms).toBeGreaterThanOrEqual(2_500);
    expect(b.received.evaluate).toEqual([]);
    // It was probed while silent, and answered the probe.
    expect(a.received.evaluate.length).toBeGreaterThan(1);
  });

  it('no more (refusing connections) is left at once', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    await raw.evaluate('read');
    a.down();
    const { ms } = await timed(() => raw.submit('createRule'));
    expect(ms).toBeLessThan(1_000);
    expect(b.received.endorse).toHaveLength(1);
  });
});

describe('an ordering service that takes nothing', () => {
  it('costs each submit its own retry during a 10 s outage: same transaction, no peer torn down', async () => {
    const [a, b] = await peers(2);
    const client = clientOf([a, b]);
    const raw = client.raw(identity);
    await raw.evaluate('read');
    const until = Date.now() + 10_000;
    a.fail.submit = () => (Date.now() < until ? ORDERERS_DOWN : undefined);
    const submits = Array.from({ length: 5 }, (_, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 2_000)).then(() =>
        raw.submit('createRule', { arguments: [`{"n":${i}}`] }),
      ),
    );
    const results = await Promise.all(submits);
    const done = Date.now();
    // Each went through within a second of the orderers' return (backoff capped at 1 s).
    expect(done - until).toBeLessThan(1_500);
    for (const result of results) {
      expect(a.received.endorse.filter((id) => id === result.transactionId)).toHaveLength(1);
      expect(a.received.submit.filter((id) => id === result.transactionId).length).toBeGreaterThan(1);
    }
    expect(distinct(a.received.submit)).toHaveLength(5);
    expect(distinct(a.received.endorse)).toHaveLength(5);
    // The peer answered throughout: it stayed in use, nothing went to the other one.
    expect(b.received).toEqual({
      evaluate: [],
      endorse: [],
      submit: [],
      commitStatus: [],
      chaincodeEvents: [],
    });
    expect((await client.stats()).channels).toBe(1);
  }, 20_000);

  it('answers LEDGER_ORDERER_UNAVAILABLE with the transaction id once its retry runs out, endorsed once', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b], { CUSTODIA_LEDGER_ORDERER_RETRY_MS: '1500' }).raw(identity);
    a.fail.submit = () => ORDERERS_DOWN;
    const { error, ms } = await failure(() => raw.submit('createRule'));
    expect(ms).toBeLessThan(2_500);
    expect(error).toMatchObject({ code: LedgerClientErrorCode.OrdererUnavailable });
    expect((error as LedgerClientError).details.transactionId).toBe(a.received.endorse[0]);
    expect(a.received.endorse).toHaveLength(1);
    expect(distinct(a.received.submit)).toEqual(a.received.endorse);
    expect(b.received.submit).toEqual([]);
  });
});

describe('endorsement failures are told apart', () => {
  it('lost quorum (endorsers the gateway could not reach) is LEDGER_QUORUM_LOST, at once, nothing submitted', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    a.fail.endorse = () => ({
      code: grpc.status.ABORTED,
      message: 'failed to collect enough transaction endorsements, see attached details for more info',
      details: [
        {
          address: 'peer0.hospital-fr.custodia.local:7051',
          mspId: 'HospitalFRMSP',
          message: 'rpc error: code = Unavailable desc = connection error: connect: connection refused',
        },
        {
          address: 'peer0.hospital-it.custodia.local:7051',
          mspId: 'HospitalITMSP',
          message: 'rpc error: code = DeadlineExceeded desc = context deadline exceeded',
        },
      ],
    });
    const { error, ms } = await failure(() => raw.submit('revokeRule', { arguments: ['rule-1'] }));
    expect(error).toMatchObject({ code: LedgerClientErrorCode.QuorumLost });
    expect(ms).toBeLessThan(1_000);
    expect(a.received.submit).toEqual([]);
    expect(b.received.endorse).toEqual([]);
  });

  it('discovery finding no layout that satisfies the policy is LEDGER_QUORUM_LOST too', async () => {
    const [a] = await peers(1);
    a.fail.endorse = () => ({
      code: grpc.status.FAILED_PRECONDITION,
      message: 'no combination of peers can be derived which satisfy the endorsement policy',
    });
    const { error } = await failure(() => clientOf([a]).raw(identity).submit('createRule'));
    expect(error).toMatchObject({ code: LedgerClientErrorCode.QuorumLost });
  });

  it('endorsers unavailable behind every gateway peer is LEDGER_ENDORSERS_UNAVAILABLE: the same proposal tried on each', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    const unreachable = (): ScriptedFailure => ({
      code: grpc.status.UNAVAILABLE,
      message: 'failed to find any endorsing peers for org(s): HospitalFRMSP',
    });
    a.fail.endorse = unreachable;
    b.fail.endorse = unreachable;
    const { error } = await failure(() => raw.submit('createRule'));
    expect(error).toMatchObject({ code: LedgerClientErrorCode.EndorsersUnavailable });
    expect(a.received.endorse).toHaveLength(1);
    expect(b.received.endorse).toEqual(a.received.endorse);
    expect([...a.received.submit, ...b.received.submit]).toEqual([]);
  });

  it('a chaincode refusal is not mistaken for an outage, and is not tried on another peer', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    a.fail.endorse = () => ({
      code: grpc.status.ABORTED,
      message: 'failed to endorse transaction, see attached details for more info',
      details: [
        {
          address: 'peer0.hospital-de.custodia.local:7051',
          mspId: 'HospitalDEMSP',
          message:
            'chaincode response 500, {"code":"FORBIDDEN","message":"revokeRule is for the rule owner"}',
        },
      ],
    });
    const { error } = await failure(() => raw.submit('revokeRule', { arguments: ['someone-elses'] }));
    expect(error).toBeInstanceOf(ChaincodeCallError);
    expect(error).toMatchObject({ code: 'FORBIDDEN' });
    expect(b.received.endorse).toEqual([]);
  });

  it('a peer refusing the caller (access denied) stays a refusal, not a 503-class outage', async () => {
    const [a, b] = await peers(2);
    const raw = clientOf([a, b]).raw(identity);
    a.fail.endorse = () => ({
      code: grpc.status.ABORTED,
      message: 'failed to endorse transaction, see attached details for more info',
      details: [
        {
          address: 'peer0.hospital-de.custodia.local:7051',
          mspId: 'HospitalDEMSP',
          message: 'error validating proposal: access denied: channel [custodia] creator org [Org1MSP]',
        },
      ],
    });
    const { error } = await failure(() => raw.submit('createRule'));
    expect(error).toMatchObject({ code: LedgerClientErrorCode.Rejected });
    expect(b.received.endorse).toEqual([]);
  });
});

describe('read conflicts on a caller’s own transaction', () => {
  function conflictingFirst(scripted: ScriptedPeer, conflicts: number): void {
    const conflicted = new Set<string>();
    scripted.commitCode = (transactionId) => {
      if (conflicted.has(transactionId)) return peer.TxValidationCode.MVCC_READ_CONFLICT;
      if (conflicted.size < conflicts) {
        conflicted.add(transactionId);
        return peer.TxValidationCode.MVCC_READ_CONFLICT;
      }
      return peer.TxValidationCode.VALID;
    };
  }

  it('are simulated again as new proposals until one commits, each submitted once', async () => {
    const [a] = await peers(1);
    conflictingFirst(a, 2);
    const result = await clientOf([a])
      .raw(identity)
      .submit('revokeRule', { arguments: ['rule-1'] });
    expect(distinct(a.received.endorse)).toHaveLength(3);
    expect(a.received.submit).toEqual(a.received.endorse);
    expect(a.received.endorse.at(-1)).toBe(result.transactionId);
  });

  it('are answered as the conflict once the bounded retries are spent', async () => {
    const [a] = await peers(1);
    conflictingFirst(a, 100);
    const raw = clientOf([a], { CUSTODIA_LEDGER_CONFLICT_RETRIES: '2' }).raw(identity);
    const { error } = await failure(() => raw.submit('revokeRule', { arguments: ['rule-1'] }));
    expect(error).toMatchObject({
      code: LedgerClientErrorCode.TransactionInvalid,
      details: { validationCode: 'MVCC_READ_CONFLICT' },
    });
    expect(distinct(a.received.endorse)).toHaveLength(3);
  });
});

describe('per-user ledger state', () => {
  it('stays bounded: 100 one-time users leave no descriptor and no identity behind', async () => {
    const [a] = await peers(1);
    const client = clientOf([a], { CUSTODIA_LEDGER_MAX_IDENTITIES: '50', CUSTODIA_LEDGER_IDLE_MS: '500' });
    await client.raw(identity).evaluate('read');
    const descriptors = (): number => readdirSync('/proc/self/fd').length;
    const before = descriptors();
    const users = await Promise.all(
      Array.from({ length: 100 }, (_, i) => testIdentity('Org1MSP', `once-${i}`)),
    );
    for (const user of users) expect(await client.raw(user).evaluate('read')).toEqual(ANSWER);
    expect((await client.stats()).identities).toBeLessThanOrEqual(50);
    expect((await client.stats()).channels).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await client.stats()).identities).toBe(0);
    // One connection served them all: the process holds what it held before (a little slack for timers).
    expect(descriptors()).toBeLessThanOrEqual(before + 2);
  });
});

describe('readiness', () => {
  it('is a real read: true while a peer answers, false within its deadline when the only peer is frozen', async () => {
    const [a] = await peers(1);
    const client = clientOf([a]);
    expect(await client.answers(identity, 1_000)).toBe(true);
    a.mode = 'hang';
    const { value, ms } = await timed(() => client.answers(identity, 1_000));
    expect(value).toBe(false);
    expect(ms).toBeLessThan(1_500);
  });
});

describe('the channel policy', () => {
  it('pings no more often than a Fabric peer permits (peer.keepalive.minInterval, 60 s), also between calls', () => {
    const options = channelOptions(
      { endpoint: 'peer0:7051', mspId: 'Org1MSP', tlsCaCertificate: '' },
      DEFAULTS.failover,
    );
    expect(options['grpc.keepalive_time_ms']).toBeGreaterThanOrEqual(60_000);
    expect(options['grpc.keepalive_permit_without_calls']).toBe(1);
    expect(options['grpc.client_idle_timeout_ms']).toBe(DEFAULTS.failover.channelIdle);
    expect(() => readLedgerClientConfig({ CUSTODIA_LEDGER_KEEPALIVE_MS: '10000' })).toThrow(
      expect.objectContaining({ code: LedgerClientErrorCode.InvalidConfig }),
    );
  });

  it('keeps endorse and submit deadlines longer than a Fabric gateway peer’s own 30 s timeouts', () => {
    expect(DEFAULTS.timeouts.endorse).toBeGreaterThan(30_000);
    expect(DEFAULTS.timeouts.submit).toBeGreaterThan(30_000);
  });
});
