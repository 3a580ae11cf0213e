import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyModification, ReadWriteSet } from '@custodia/ledger';
import { StateDb } from './state-db';
import type { AppliedTransaction } from './state-db';

const NS = 'custodia';
let dir: string;
let db: StateDb;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodia-state-'));
  db = await StateDb.open(dir);
});
afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

function tx(
  txNum: number,
  writes: ReadWriteSet['writes'],
  namespace = NS,
  seconds = 1_700_000_000 + txNum,
): AppliedTransaction {
  return {
    txNum,
    txId: `tx-${seconds}-${txNum}`,
    timestamp: { seconds, nanos: 500 },
    rwsets: [{ namespace, reads: [], rangeQueries: [], writes }],
  };
}
const put = (key: string, value: string): ReadWriteSet['writes'][number] => ({
  key,
  isDelete: false,
  value: Buffer.from(value),
});
const del = (key: string): ReadWriteSet['writes'][number] => ({
  key,
  isDelete: true,
  value: new Uint8Array(0),
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
const text = (value: Uint8Array | undefined): string | undefined =>
  value ? Buffer.from(value).toString() : undefined;

describe('StateDb', () => {
  it('versions each value by (block, tx) of the write that produced it', async () => {
    await db.applyBlock(0, []);
    await db.applyBlock(1, [tx(0, [put('a', '1')]), tx(3, [put('b', '2')])]);
    await db.applyBlock(2, [tx(1, [put('a', '3')])]);
    const a = await db.get(NS, 'a');
    expect(text(a?.value)).toBe('3');
    expect(a?.version).toEqual({ blockNum: 2, txNum: 1 });
    expect((await db.get(NS, 'b'))?.version).toEqual({ blockNum: 1, txNum: 3 });
    expect(await db.get(NS, 'missing')).toBeUndefined();
    expect(await db.get('other-chaincode', 'a')).toBeUndefined();
    expect(db.height).toBe(3);
  });

  it('deletes keys and keeps namespaces apart', async () => {
    await db.applyBlock(0, [tx(0, [put('k', 'mine')]), tx(1, [put('k', 'theirs')], 'other')]);
    await db.applyBlock(1, [tx(0, [del('k')])]);
    expect(await db.get(NS, 'k')).toBeUndefined();
    expect(text((await db.get('other', 'k'))?.value)).toBe('theirs');
  });

  it('ranges in byte order over [start, end), an empty end meaning the rest of the namespace', async () => {
    const keys = [
      'b',
      'a',
      '\u0000rule\u0000p1\u0000r2\u0000',
      '\u0000rule\u0000p1\u0000r1\u0000',
      '\u0000rule\u0000p2\u0000r1\u0000',
      'é',
      'z',
    ];
    await db.applyBlock(0, [
      tx(
        0,
        keys.map((key) => put(key, key)),
      ),
    ]);
    await db.applyBlock(1, [tx(0, [put('zz', 'other namespace')], 'custodia2')]);

    const all = await collect(db.range(NS, '', ''));
    expect(all.map((entry) => entry.key)).toEqual([
      '\u0000rule\u0000p1\u0000r1\u0000',
      '\u0000rule\u0000p1\u0000r2\u0000',
      '\u0000rule\u0000p2\u0000r1\u0000',
      'a',
      'b',
      'z',
      'é', // UTF-8 0xC3 sorts after 'z', as in Fabric (byte order, not UTF-16 order)
    ]);
    expect((await collect(db.range(NS, 'a', 'z'))).map((entry) => entry.key)).toEqual(['a', 'b']);
    // A partial composite key query, as fabric-shim's getStateByPartialCompositeKey builds it.
    const partial = await collect(
      db.range(NS, '\u0000rule\u0000p1\u0000', '\u0000rule\u0000p1\u0000\u{10ffff}'),
    );
    expect(partial.map((entry) => entry.key)).toEqual([
      '\u0000rule\u0000p1\u0000r1\u0000',
      '\u0000rule\u0000p1\u0000r2\u0000',
    ]);
    expect(partial[0]?.version).toEqual({ blockNum: 0, txNum: 0 });
    expect(text(partial[1]?.value)).toBe('\u0000rule\u0000p1\u0000r2\u0000');
  });

  it('keeps every write of a key as history, newest first, with txId, timestamp and deletes', async () => {
    await db.applyBlock(0, [tx(0, [put('\u0000rule\u0000a\u0000', 'v1')], NS, 100)]);
    // A longer key sharing the prefix must not leak into the history of the shorter one.
    await db.applyBlock(1, [tx(0, [put('\u0000rule\u0000a\u0000b\u0000', 'other')], NS, 150)]);
    await db.applyBlock(2, [
      tx(0, [put('\u0000rule\u0000a\u0000', 'v2')], NS, 200),
      tx(1, [del('\u0000rule\u0000a\u0000')], NS, 201),
    ]);
    await db.applyBlock(3, [tx(4, [put('\u0000rule\u0000a\u0000', 'v3')], NS, 300)]);

    const history: KeyModification[] = await collect(db.history(NS, '\u0000rule\u0000a\u0000'));
    expect(history.map((entry) => [entry.txId, text(entry.value), entry.isDelete])).toEqual([
      ['tx-300-4', 'v3', false],
      ['tx-201-1', '', true],
      ['tx-200-0', 'v2', false],
      ['tx-100-0', 'v1', false],
    ]);
    expect(history[0]?.timestamp).toEqual({ seconds: 300, nanos: 500 });
    expect(await collect(db.history(NS, 'never-written'))).toEqual([]);
  });

  it('keeps state and its savepoint across a restart, and applies blocks only in order', async () => {
    await db.applyBlock(0, [tx(0, [put('a', '1')])]);
    await db.applyBlock(1, [tx(0, [put('a', '2')])]);
    await db.close();
    db = await StateDb.open(dir);
    expect(db.height).toBe(2);
    expect(text((await db.get(NS, 'a'))?.value)).toBe('2');
    await expect(db.applyBlock(1, [])).rejects.toThrow(RangeError);
    await expect(db.applyBlock(3, [])).rejects.toThrow(RangeError);
  });

  it('reads many keys of a namespace at once', async () => {
    await db.applyBlock(0, [tx(2, [put('a', '1'), put('c', '3')])]);
    const values = await db.getMany(NS, ['a', 'b', 'c']);
    expect(values.map((value) => text(value?.value))).toEqual(['1', undefined, '3']);
    expect(values[2]?.version).toEqual({ blockNum: 0, txNum: 2 });
  });
});
