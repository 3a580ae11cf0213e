import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peer } from '@hyperledger/fabric-protos';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { ChaincodeEngine, createSignedProposal } from '../src/engine';
import { Ledger, createGenesisBlock } from '../src/ledger';
import type { Identity } from '@custodia/ledger';
import { issueIdentity, signedTransaction } from './fixtures/ledger-transactions';
import type { TestTransaction } from './fixtures/ledger-transactions';

/** Consent-shaped test contract: composite keys per patient, a counter, history. Test-only. */
class ConsentContract extends Contract {
  constructor() {
    super('consent');
  }

  @Transaction()
  async grant(ctx: Context, patient: string, grantee: string): Promise<void> {
    await ctx.stub.putState(ctx.stub.createCompositeKey('grant', [patient, grantee]), Buffer.from(grantee));
  }

  /** Reads every grant of the patient (a range read) and records how many there were. */
  @Transaction()
  async summarise(ctx: Context, patient: string): Promise<void> {
    let count = 0;
    for await (const entry of ctx.stub.getStateByPartialCompositeKey('grant', [patient]))
      if (entry) count += 1;
    await ctx.stub.putState(ctx.stub.createCompositeKey('summary', [patient]), Buffer.from(String(count)));
  }

  @Transaction()
  @Returns('string')
  async increment(ctx: Context, key: string): Promise<string> {
    const current = await ctx.stub.getState(key);
    const next = String(Number(current.length > 0 ? Buffer.from(current).toString() : '0') + 1);
    await ctx.stub.putState(key, Buffer.from(next));
    return next;
  }

  @Transaction(false)
  @Returns('string')
  async history(ctx: Context, key: string): Promise<string> {
    const values: string[] = [];
    for await (const modification of ctx.stub.getHistoryForKey(key)) {
      values.push(Buffer.from(modification.value).toString());
    }
    return values.join(',');
  }
}

const CHANNEL = 'custodia';
const CHAINCODE = 'custodia';
const { VALID, MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT } = peer.TxValidationCode;

let client: Identity;
let endorser: Identity;
let dir: string;
let ledger: Ledger;
const engine = new ChaincodeEngine({
  contracts: [ConsentContract],
  chaincodeName: CHAINCODE,
  channelName: CHANNEL,
});

beforeAll(async () => {
  [client, endorser] = await Promise.all([
    issueIdentity('HospitalDEMSP', 'client'),
    issueIdentity('HospitalDEMSP', 'peer'),
  ]);
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-ledger-engine-'));
  ledger = await Ledger.open({
    dir,
    channelId: CHANNEL,
    genesisBlock: () =>
      createGenesisBlock({
        channelId: CHANNEL,
        organisations: [],
        batch: { maxMessageCount: 10, timeoutMs: 5 },
        timestamp: new Date('2025-01-01T00:00:00Z'),
        nonce: Buffer.alloc(24, 4),
      }),
    batch: { maxMessageCount: 10, timeoutMs: 5 },
  });
});
afterEach(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Simulates against committed state and returns the client-signed envelope, as Endorse + sign do. */
async function endorse(transactionName: string, args: string[]): Promise<TestTransaction> {
  const { signedProposal } = createSignedProposal(client, {
    channelName: CHANNEL,
    chaincodeName: CHAINCODE,
    transactionName,
    arguments: args,
  });
  const simulated = await engine.execute(signedProposal, ledger.state);
  expect(simulated.status).toBe(200);
  return signedTransaction(client, endorser, simulated);
}

async function submit(transaction: TestTransaction): Promise<number> {
  await ledger.committer.submit(transaction.envelope);
  return (await ledger.committer.commitStatus(transaction.txId)).validationCode;
}

async function evaluate(transactionName: string, args: string[]): Promise<string> {
  const { signedProposal } = createSignedProposal(client, {
    channelName: CHANNEL,
    chaincodeName: CHAINCODE,
    transactionName,
    arguments: args,
  });
  return Buffer.from((await engine.execute(signedProposal, ledger.state)).payload).toString();
}

describe('the chaincode engine over the LevelDB ledger', () => {
  it('commits what the real shim stub wrote, and later simulations and history see it', async () => {
    expect(await submit(await endorse('consent:increment', ['visits']))).toBe(VALID);
    expect(await submit(await endorse('consent:increment', ['visits']))).toBe(VALID);
    expect(await submit(await endorse('consent:increment', ['visits']))).toBe(VALID);
    expect(await evaluate('consent:history', ['visits'])).toBe('3,2,1');
  });

  it('commits the second of two updates simulated on the same state as MVCC_READ_CONFLICT', async () => {
    const [first, second] = await Promise.all([
      endorse('consent:increment', ['counter']),
      endorse('consent:increment', ['counter']),
    ]);
    expect(await Promise.all([submit(first), submit(second)])).toEqual([VALID, MVCC_READ_CONFLICT]);
    expect(await evaluate('consent:history', ['counter'])).toBe('1');
  });

  it('commits a range read overtaken by an insert into that range as PHANTOM_READ_CONFLICT', async () => {
    expect(await submit(await endorse('consent:grant', ['p1', 'dr-a']))).toBe(VALID);
    const summary = await endorse('consent:summarise', ['p1']);
    const otherPatient = await endorse('consent:summarise', ['p2']);
    expect(await submit(await endorse('consent:grant', ['p1', 'dr-b']))).toBe(VALID);
    expect(await submit(summary)).toBe(PHANTOM_READ_CONFLICT);
    expect(await submit(otherPatient)).toBe(VALID);
    expect(await submit(await endorse('consent:summarise', ['p1']))).toBe(VALID);
  });
});
