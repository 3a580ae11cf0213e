import { MemoryState } from './memory-state';
import type { CommitPosition } from './memory-state';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const at = (blockNum: number): CommitPosition => ({
  version: { blockNum, txNum: 0 },
  txId: `tx${blockNum}`,
  timestamp: { seconds: 1_000 + blockNum, nanos: 0 },
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('MemoryState', () => {
  it('keeps namespaces apart and versions each write', async () => {
    const state = new MemoryState();
    state.apply('a', [{ key: 'k', isDelete: false, value: bytes('1') }], at(1));
    state.apply('b', [{ key: 'k', isDelete: false, value: bytes('2') }], at(2));
    expect(await state.get('a', 'k')).toEqual({ value: bytes('1'), version: { blockNum: 1, txNum: 0 } });
    expect(await state.get('b', 'k')).toEqual({ value: bytes('2'), version: { blockNum: 2, txNum: 0 } });
    expect(await state.get('c', 'k')).toBeUndefined();
  });

  it('scans a snapshot: a commit during iteration is not seen', async () => {
    const state = new MemoryState();
    state.apply(
      'ns',
      ['k1', 'k2', 'k3'].map((key) => ({ key, isDelete: false, value: bytes(key) })),
      at(1),
    );
    const iterator = state.range('ns', 'k', '')[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ key: 'k1' });
    state.apply(
      'ns',
      [
        { key: 'k2', isDelete: true, value: new Uint8Array(0) },
        { key: 'k25', isDelete: false, value: bytes('new') },
      ],
      at(2),
    );
    expect((await iterator.next()).value).toMatchObject({ key: 'k2' });
    expect((await iterator.next()).value).toMatchObject({ key: 'k3' });
    expect((await iterator.next()).done).toBe(true);
    expect((await collect(state.range('ns', 'k', ''))).map((entry) => entry.key)).toEqual([
      'k1',
      'k25',
      'k3',
    ]);
  });

  it('records history newest first, deletes included, and dumps the live state', async () => {
    const state = new MemoryState();
    state.apply('ns', [{ key: 'k', isDelete: false, value: bytes('one') }], at(1));
    state.apply('ns', [{ key: 'k', isDelete: true, value: new Uint8Array(0) }], at(2));
    state.apply('ns', [{ key: 'k', isDelete: false, value: bytes('three') }], at(3));
    expect(await collect(state.history('ns', 'k'))).toEqual([
      { txId: 'tx3', value: bytes('three'), timestamp: { seconds: 1_003, nanos: 0 }, isDelete: false },
      { txId: 'tx2', value: new Uint8Array(0), timestamp: { seconds: 1_002, nanos: 0 }, isDelete: true },
      { txId: 'tx1', value: bytes('one'), timestamp: { seconds: 1_001, nanos: 0 }, isDelete: false },
    ]);
    expect(state.dump('ns')).toEqual(new Map([['k', 'three']]));
  });
});
