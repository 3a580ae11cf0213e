import 'reflect-metadata';
import { Context, Contract, Returns, Transaction } from 'fabric-contract-api';
import { CertificateAuthority } from '../msp';
import type { Identity } from '@custodia/ledger';
import { ChaincodeEngine, EngineErrorCode, createSignedProposal, createTestLedger } from './index';
import { MemoryState } from '@custodia/ledger';
import type { TestLedger } from './index';

/** A key-value store contract exercising every stub call the engine answers. Test-only. */
class KvContract extends Contract {
  constructor() {
    super('kv');
  }

  @Transaction()
  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
    ctx.stub.setEvent('put', Buffer.from(JSON.stringify({ key })));
  }

  @Transaction()
  async putMany(ctx: Context, prefix: string, count: string): Promise<void> {
    for (let i = 0; i < Number(count); i++) {
      await ctx.stub.putState(`${prefix}${String(i).padStart(3, '0')}`, Buffer.from(`v${i}`));
    }
  }

  @Transaction(false)
  @Returns('string')
  async get(ctx: Context, key: string): Promise<string> {
    return (await ctx.stub.getState(key)).toString();
  }

  @Transaction()
  async remove(ctx: Context, key: string): Promise<void> {
    await ctx.stub.deleteState(key);
  }

  /** Writes, then reads the same key back: Fabric returns the committed value, not this write. */
  @Transaction()
  @Returns('string')
  async putThenGet(ctx: Context, key: string, value: string): Promise<string> {
    await ctx.stub.putState(key, Buffer.from(value));
    return (await ctx.stub.getState(key)).toString();
  }

  /** A transaction with a known read-write set. */
  @Transaction()
  async mixed(ctx: Context): Promise<void> {
    await ctx.stub.getState('a');
    await ctx.stub.getState('missing');
    await ctx.stub.putState('z', Buffer.from('first'));
    await ctx.stub.putState('z', Buffer.from('last'));
    await ctx.stub.deleteState('a');
    await ctx.stub.putState('b', Buffer.from('B'));
    for await (const entry of ctx.stub.getStateByRange('a', 'c')) void entry;
  }

  @Transaction(false)
  async range(ctx: Context, startKey: string, endKey: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const entry of ctx.stub.getStateByRange(startKey, endKey)) keys.push(entry.key);
    return keys;
  }

  /** Reads only the first result of a range, then stops. */
  @Transaction(false)
  @Returns('string')
  async first(ctx: Context, startKey: string, endKey: string): Promise<string> {
    for await (const entry of ctx.stub.getStateByRange(startKey, endKey)) return entry.key;
    return '';
  }

  @Transaction(false)
  async page(
    ctx: Context,
    startKey: string,
    endKey: string,
    pageSize: string,
    bookmark: string,
  ): Promise<object> {
    const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(
      startKey,
      endKey,
      Number(pageSize),
      bookmark,
    );
    const keys: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      keys.push(next.value.key);
    await iterator.close();
    return { keys, bookmark: metadata.bookmark, fetched: metadata.fetchedRecordsCount };
  }

  @Transaction()
  async putComposite(ctx: Context, type: string, attributes: string, value: string): Promise<void> {
    const key = ctx.stub.createCompositeKey(type, JSON.parse(attributes) as string[]);
    await ctx.stub.putState(key, Buffer.from(value));
  }

  @Transaction(false)
  async byPartialKey(ctx: Context, type: string, attributes: string): Promise<string[][]> {
    const found: string[][] = [];
    const iterator = ctx.stub.getStateByPartialCompositeKey(type, JSON.parse(attributes) as string[]);
    for await (const entry of iterator) found.push(ctx.stub.splitCompositeKey(entry.key).attributes);
    return found;
  }

  @Transaction(false)
  async pageByPartialKey(
    ctx: Context,
    type: string,
    attributes: string,
    pageSize: string,
    bookmark: string,
  ): Promise<object> {
    const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
      type,
      JSON.parse(attributes) as string[],
      Number(pageSize),
      bookmark,
    );
    const values: string[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      values.push(Buffer.from(next.value.value).toString());
    }
    return { values, bookmark: metadata.bookmark };
  }

  @Transaction(false)
  async history(ctx: Context, key: string): Promise<object[]> {
    const entries: object[] = [];
    for await (const entry of ctx.stub.getHistoryForKey(key)) {
      entries.push({
        txId: entry.txId,
        value: Buffer.from(entry.value).toString(),
        isDelete: entry.isDelete,
        seconds: Number(entry.timestamp.seconds),
      });
    }
    return entries;
  }

  @Transaction()
  async fail(ctx: Context, key: string, message: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from('never committed'));
    ctx.stub.setEvent('never-seen', Buffer.from(key));
    throw new Error(message);
  }

  @Transaction()
  async twoEvents(ctx: Context): Promise<void> {
    ctx.stub.setEvent('first', Buffer.from('1'));
    ctx.stub.setEvent('second', Buffer.from('2'));
  }

  @Transaction(false)
  async whoAmI(ctx: Context): Promise<object> {
    return {
      mspId: ctx.clientIdentity.getMSPID(),
      id: ctx.clientIdentity.getID(),
      role: ctx.clientIdentity.getAttributeValue('kv.role'),
      enrollmentId: ctx.clientIdentity.getAttributeValue('hf.EnrollmentID'),
    };
  }

  @Transaction(false)
  async clock(ctx: Context): Promise<object> {
    const { seconds, nanos } = ctx.stub.getTxTimestamp();
    return { seconds: Number(seconds), nanos, iso: ctx.stub.getDateTimestamp().toISOString() };
  }

  @Transaction(false)
  @Returns('string')
  async transient(ctx: Context, name: string): Promise<string> {
    return Buffer.from(ctx.stub.getTransient().get(name) ?? new Uint8Array(0)).toString();
  }

  @Transaction(false)
  async rich(ctx: Context): Promise<void> {
    for await (const entry of ctx.stub.getQueryResult('{"selector":{}}')) void entry;
  }

  @Transaction()
  async writeThenPage(ctx: Context): Promise<void> {
    await ctx.stub.putState('w', Buffer.from('1'));
    await ctx.stub.getStateByRangeWithPagination('', '', 10, '');
  }

  @Transaction()
  async pageThenWrite(ctx: Context): Promise<void> {
    await ctx.stub.getStateByRangeWithPagination('', '', 10, '');
    await ctx.stub.putState('w', Buffer.from('1'));
  }

  @Transaction()
  async callOther(ctx: Context): Promise<void> {
    const response = await ctx.stub.invokeChaincode('other', ['fn'], '');
    if (response.status !== 200) throw new Error('unexpected');
  }

  @Transaction()
  async putPrivate(ctx: Context): Promise<void> {
    await ctx.stub.putPrivateData('secrets', 'k', Buffer.from('v'));
  }

  @Transaction()
  async protectKey(ctx: Context, key: string): Promise<void> {
    await ctx.stub.setStateValidationParameter(key, Buffer.from('policy'));
  }

  @Transaction(false)
  @Returns('string')
  async validationParameter(ctx: Context, key: string): Promise<string> {
    return Buffer.from((await ctx.stub.getStateValidationParameter(key)) ?? new Uint8Array(0)).toString();
  }
}

const T0 = new Date('2031-02-03T04:05:06.789Z');
const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

let ca: CertificateAuthority;
let alice: Identity;
let ledger: TestLedger;

beforeAll(async () => {
  ca = await CertificateAuthority.create({ mspId: 'Org1MSP' });
  alice = await ca.issue({ enrollmentId: 'alice', attrs: { 'kv.role': 'writer' } });
});

beforeEach(async () => {
  ledger = await createTestLedger({
    contracts: [KvContract],
    chaincodeName: 'kvcc',
    channelName: 'kvchannel',
  });
});

const submit = (fcn: string, ...args: string[]) => ledger.submit(alice, `kv:${fcn}`, args, { timestamp: T0 });
const evaluate = (fcn: string, ...args: string[]) =>
  ledger.evaluate(alice, `kv:${fcn}`, args, { timestamp: T0 });
const json = async (
  result: Promise<{ status: number; message: string; payload: string }>,
): Promise<unknown> => {
  const { status, message, payload } = await result;
  if (status !== 200) throw new Error(`transaction failed (${status}): ${message}`);
  return JSON.parse(payload);
};

describe('reads and writes', () => {
  it('commits a submitted write and reads it back; evaluate changes nothing', async () => {
    const put = await submit('put', 'color', 'blue');
    expect(put.status).toBe(200);
    expect(ledger.height).toBe(1);
    expect((await evaluate('get', 'color')).payload).toBe('blue');

    const evaluated = await ledger.evaluate(alice, 'kv:put', ['color', 'red']);
    expect(evaluated.status).toBe(200);
    expect(ledger.dump()).toEqual(new Map([['color', 'blue']]));
    expect(ledger.height).toBe(1);
  });

  it('reads the committed version, never the transaction’s own write', async () => {
    await submit('put', 'k', 'committed');
    const result = await submit('putThenGet', 'k', 'pending');
    expect(result.payload).toBe('committed');
    expect(result.rwset.reads).toEqual([{ key: 'k', version: { blockNum: 1, txNum: 0 } }]);
    expect(ledger.dump().get('k')).toBe('pending');
  });

  it('answers a missing key with an empty value and records it as read with no version', async () => {
    const result = await evaluate('get', 'nothing');
    expect(result.payload).toBe('');
    expect(result.rwset.reads).toEqual([{ key: 'nothing', version: null }]);
  });

  it('deletes a key', async () => {
    await submit('put', 'k', 'v');
    await submit('remove', 'k');
    expect(ledger.dump().has('k')).toBe(false);
    expect((await evaluate('get', 'k')).payload).toBe('');
  });

  it('captures the read-write set exactly as Fabric orders it', async () => {
    await submit('put', 'a', 'A'); // block 1
    await submit('put', 'b0', 'B0'); // block 2
    const result = await submit('mixed');
    expect(result.status).toBe(200);
    expect(result.rwset).toEqual({
      namespace: 'kvcc',
      reads: [
        { key: 'a', version: { blockNum: 1, txNum: 0 } },
        { key: 'missing', version: null },
      ],
      rangeQueries: [
        {
          startKey: 'a',
          endKey: 'c',
          itrExhausted: true,
          reads: [
            { key: 'a', version: { blockNum: 1, txNum: 0 } },
            { key: 'b0', version: { blockNum: 2, txNum: 0 } },
          ],
        },
      ],
      writes: [
        { key: 'a', isDelete: true, value: new Uint8Array(0) },
        { key: 'b', isDelete: false, value: new Uint8Array(Buffer.from('B')) },
        { key: 'z', isDelete: false, value: new Uint8Array(Buffer.from('last')) },
      ],
    });
    expect(ledger.dump()).toEqual(
      new Map([
        ['b', 'B'],
        ['b0', 'B0'],
        ['z', 'last'],
      ]),
    );
  });
});

describe('range queries', () => {
  beforeEach(async () => {
    await submit('putMany', 'k', '10'); // k000 … k009
  });

  it('returns [startKey, endKey) in key order; an empty end key is unbounded', async () => {
    expect(await json(evaluate('range', 'k003', 'k006'))).toEqual(['k003', 'k004', 'k005']);
    expect(await json(evaluate('range', 'k008', ''))).toEqual(['k008', 'k009']);
  });

  it('records only what the peer pulled when the chaincode stops early', async () => {
    await submit('putMany', 'm', '150');
    const result = await evaluate('first', 'm', 'n');
    expect(result.payload).toBe('m000');
    // The peer fills a batch of 100 and holds the 101st before answering; all 101 are in the read set.
    const [query] = result.rwset.rangeQueries;
    expect(query).toMatchObject({ startKey: 'm', endKey: 'm100', itrExhausted: false });
    expect(query?.reads).toHaveLength(101);
  });

  it('streams ranges larger than one batch', async () => {
    await submit('putMany', 'm', '250');
    const keys = (await json(evaluate('range', 'm', 'n'))) as string[];
    expect(keys).toHaveLength(250);
    expect(keys[249]).toBe('m249');
  });

  it('pages with a bookmark the next page starts at', async () => {
    const first = await evaluate('page', 'k', 'l', '4', '');
    expect(JSON.parse(first.payload)).toEqual({
      keys: ['k000', 'k001', 'k002', 'k003'],
      bookmark: 'k004',
      fetched: 4,
    });
    // A full page stops before the end: only the keys read are covered by phantom validation.
    expect(first.rwset.rangeQueries).toEqual([
      {
        startKey: 'k',
        endKey: 'k003',
        itrExhausted: false,
        reads: ['k000', 'k001', 'k002', 'k003'].map((key) => ({ key, version: { blockNum: 1, txNum: 0 } })),
      },
    ]);

    expect(await json(evaluate('page', 'k', 'l', '4', 'k004'))).toEqual({
      keys: ['k004', 'k005', 'k006', 'k007'],
      bookmark: 'k008',
      fetched: 4,
    });
    const last = await evaluate('page', 'k', 'l', '4', 'k008');
    expect(JSON.parse(last.payload)).toEqual({ keys: ['k008', 'k009'], bookmark: '', fetched: 2 });
    expect(last.rwset.rangeQueries[0]).toMatchObject({ startKey: 'k008', endKey: 'l', itrExhausted: true });
  });

  it('refuses a paginated query after a write, and a write after a paginated query', async () => {
    const before = ledger.dump();
    const writeThenPage = await submit('writeThenPage');
    expect(writeThenPage.status).toBe(500);
    expect(writeThenPage.message).toBe(
      `GET_STATE_BY_RANGE failed: transaction ID: ${writeThenPage.txId}: txid [${writeThenPage.txId}]: ` +
        'unsuppored transaction. Paginated queries are supported only in a read-only transaction',
    );
    const pageThenWrite = await submit('pageThenWrite');
    expect(pageThenWrite.status).toBe(500);
    expect(pageThenWrite.message).toContain(
      'Transaction has already performed a paginated query. Writes are not allowed',
    );
    expect(ledger.dump()).toEqual(before);
  });
});

describe('composite keys', () => {
  beforeEach(async () => {
    await submit('putComposite', 'visit', '["alice","2024"]', 'a24');
    await submit('putComposite', 'visit', '["alice","2025"]', 'a25');
    await submit('putComposite', 'visit', '["alicia","2025"]', 'x25');
    await submit('putComposite', 'visit', '["bob","2025"]', 'b25');
    // Attributes above U+FFFF and in U+E000–U+FFFF sort in UTF-8 byte order, inside the partial-key range.
    await submit('putComposite', 'visit', '["alice","\u{1F600}"]', 'emoji');
    await submit('putComposite', 'visit', '["alice","\uFFFD"]', 'replacement');
    await submit('put', 'plain', 'p');
  });

  it('finds exactly the keys under a partial composite key, in byte order', async () => {
    expect(await json(evaluate('byPartialKey', 'visit', '["alice"]'))).toEqual([
      ['alice', '2024'],
      ['alice', '2025'],
      ['alice', '\uFFFD'],
      ['alice', '\u{1F600}'],
    ]);
    expect(await json(evaluate('byPartialKey', 'visit', '[]'))).toHaveLength(6);
  });

  it('keeps composite keys out of simple-key ranges', async () => {
    expect(await json(evaluate('range', '', ''))).toEqual(['plain']);
  });

  it('pages through a partial composite key', async () => {
    const first = (await json(evaluate('pageByPartialKey', 'visit', '["alice"]', '3', ''))) as {
      values: string[];
      bookmark: string;
    };
    expect(first.values).toEqual(['a24', 'a25', 'replacement']);
    const second = await json(evaluate('pageByPartialKey', 'visit', '["alice"]', '3', first.bookmark));
    expect(second).toEqual({ values: ['emoji'], bookmark: '' });
  });
});

describe('history', () => {
  it('returns every committed modification, newest first, deletes included', async () => {
    const t1 = new Date('2031-01-01T00:00:00Z');
    const t2 = new Date('2031-01-02T00:00:00Z');
    const t3 = new Date('2031-01-03T00:00:00Z');
    const first = await ledger.submit(alice, 'kv:put', ['h', 'one'], { timestamp: t1 });
    const second = await ledger.submit(alice, 'kv:put', ['h', 'two'], { timestamp: t2 });
    const third = await ledger.submit(alice, 'kv:remove', ['h'], { timestamp: t3 });
    await submit('fail', 'h', 'boom');

    expect(await json(evaluate('history', 'h'))).toEqual([
      { txId: third.txId, value: '', isDelete: true, seconds: seconds(t3) },
      { txId: second.txId, value: 'two', isDelete: false, seconds: seconds(t2) },
      { txId: first.txId, value: 'one', isDelete: false, seconds: seconds(t1) },
    ]);
  });
});

describe('responses and events', () => {
  it('captures the chaincode event of a successful transaction', async () => {
    const result = await submit('put', 'e', 'v');
    expect(result.event).toEqual({ eventName: 'put', payload: '{"key":"e"}' });
  });

  it('keeps the last event when a transaction sets two', async () => {
    expect((await submit('twoEvents')).event).toEqual({ eventName: 'second', payload: '2' });
  });

  it('turns a thrown error into status 500 with its message and commits nothing', async () => {
    const result = await submit('fail', 'x', 'CODE_42: nope');
    expect(result).toMatchObject({ status: 500, message: 'CODE_42: nope', payload: '' });
    expect(result.event).toBeUndefined();
    expect(ledger.dump().has('x')).toBe(false);
    expect(ledger.height).toBe(0);
  });

  it('answers an unknown transaction name as fabric-contract-api does', async () => {
    const result = await submit('nope');
    expect(result.status).toBe(500);
    expect(result.message).toContain('nope');
  });
});

describe('transaction context', () => {
  it('exposes the caller certificate, including Fabric CA attributes, through ctx.clientIdentity', async () => {
    expect(await json(evaluate('whoAmI'))).toEqual({
      mspId: 'Org1MSP',
      id: expect.stringMatching(/^x509::\/.*CN=alice.*::\/.*CN=ca\.org1msp/) as unknown,
      role: 'writer',
      enrollmentId: 'alice',
    });
  });

  it('gives the proposal timestamp as the transaction time', async () => {
    expect(await json(evaluate('clock'))).toEqual({
      seconds: seconds(T0),
      nanos: 789_000_000,
      iso: T0.toISOString(),
    });
  });

  it('passes transient data to the chaincode', async () => {
    const result = await ledger.evaluate(alice, 'kv:transient', ['secret'], {
      transient: { secret: Buffer.from('s3cr3t') },
    });
    expect(result.payload).toBe('s3cr3t');
  });
});

describe('what a LevelDB peer without extras refuses', () => {
  it('refuses CouchDB rich queries as a LevelDB peer does', async () => {
    const result = await evaluate('rich');
    expect(result.status).toBe(500);
    expect(result.message).toBe(
      `GET_QUERY_RESULT failed: transaction ID: ${result.txId}: ExecuteQuery not supported for leveldb`,
    );
  });

  it('refuses chaincode-to-chaincode calls, private data and key-level endorsement, committing nothing', async () => {
    for (const fcn of ['callOther', 'putPrivate']) {
      const result = await submit(fcn);
      expect({ fcn, status: result.status }).toEqual({ fcn, status: 500 });
      expect(result.message).toMatch(/not supported/);
    }
    await submit('put', 'k', 'v');
    const protect = await submit('protectKey', 'k');
    expect(protect.status).toBe(500);
    expect(protect.message).toMatch(/^PUT_STATE_METADATA failed: .*key-level endorsement/);
    expect(ledger.height).toBe(1);
  });

  it('answers that no key carries a validation parameter, recording the read', async () => {
    await submit('put', 'k', 'v');
    const result = await evaluate('validationParameter', 'k');
    expect(result).toMatchObject({ status: 200, payload: '' });
    expect(result.rwset.reads).toEqual([{ key: 'k', version: { blockNum: 1, txNum: 0 } }]);
  });
});

describe('ChaincodeEngine proposal checks', () => {
  const engine = new ChaincodeEngine({
    contracts: [KvContract],
    chaincodeName: 'kvcc',
    channelName: 'kvchannel',
  });
  const proposal = (overrides: { channelName?: string; chaincodeName?: string }) =>
    createSignedProposal(alice, {
      channelName: overrides.channelName ?? 'kvchannel',
      chaincodeName: overrides.chaincodeName ?? 'kvcc',
      transactionName: 'kv:get',
      arguments: ['k'],
    }).signedProposal;

  it('refuses a proposal for another channel or chaincode with a coded error', async () => {
    const state = new MemoryState();
    await expect(engine.execute(proposal({ channelName: 'other' }), state)).rejects.toMatchObject({
      code: EngineErrorCode.UnknownChannel,
    });
    await expect(engine.execute(proposal({ chaincodeName: 'other' }), state)).rejects.toMatchObject({
      code: EngineErrorCode.UnknownChaincode,
    });
  });

  it('refuses bytes that are not a signed proposal', async () => {
    await expect(engine.execute(Buffer.from('not a proposal'), new MemoryState())).rejects.toMatchObject({
      code: EngineErrorCode.MalformedProposal,
    });
  });
});
