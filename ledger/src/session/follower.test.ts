import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LedgerEvent, LedgerEventStream } from './events';
import { EventFollower, followerBackoff } from './follower';
import type { EventPosition } from './raw-session';

const event = (block: number, tx: string): LedgerEvent => ({
  blockNumber: BigInt(block),
  transactionId: tx,
  eventName: 'x',
  event: undefined,
});

/** A ledger of events; each open streams those after the position, then waits until closed. */
function ledgerOf(events: LedgerEvent[]) {
  const opened: (EventPosition | undefined)[] = [];
  const open = (after: EventPosition | undefined): Promise<LedgerEventStream> => {
    opened.push(after);
    let closed: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (closed = resolve));
    const from =
      after === undefined
        ? 0
        : after.transactionId === ''
          ? events.findIndex((each) => each.blockNumber >= after.blockNumber)
          : events.findIndex((each) => each.transactionId === after.transactionId) + 1;
    return Promise.resolve({
      async *[Symbol.asyncIterator]() {
        for (const each of events.slice(from < 0 ? events.length : from)) yield each;
        await done;
      },
      close: () => closed(),
    });
  };
  return { open, opened };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(check()).toBe(true);
}

describe('EventFollower', () => {
  let dir: string;
  let checkpointFile: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodia-follower-'));
    checkpointFile = path.join(dir, 'checkpoint.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('resumes after the last handled event when started again; a failed handler is retried, not skipped', async () => {
    const ledger = ledgerOf([event(1, 'a'), event(2, 'b'), event(3, 'c')]);
    const handled: string[] = [];
    let failOnce = true;
    const first = new EventFollower({
      open: ledger.open,
      handle: async (each) => {
        if (each.transactionId === 'b' && failOnce) {
          failOnce = false;
          throw new Error('mail server down');
        }
        handled.push(each.transactionId);
      },
      checkpointFile,
      retryMs: 1,
    });
    first.start();
    await until(() => handled.length === 3);
    await first.stop();
    expect(handled).toEqual(['a', 'b', 'c']);
    expect(ledger.opened[1]).toEqual({ blockNumber: 1n, transactionId: 'a' });

    const again: string[] = [];
    const second = new EventFollower({
      open: ledger.open,
      handle: async (each) => {
        again.push(each.transactionId);
      },
      checkpointFile,
      retryMs: 1,
    });
    second.start();
    await until(() => ledger.opened.length === 3);
    await second.stop();
    expect(ledger.opened[2]).toEqual({ blockNumber: 3n, transactionId: 'c' });
    expect(again).toEqual([]);
  });

  it('starts where `startAt` says on its first start and keeps that position before any event', async () => {
    const ledger = ledgerOf([event(1, 'old'), event(5, 'new')]);
    const handled: string[] = [];
    const follower = new EventFollower({
      open: ledger.open,
      startAt: () => Promise.resolve({ blockNumber: 5n, transactionId: '' }),
      handle: async (each) => {
        handled.push(each.transactionId);
      },
      checkpointFile,
      retryMs: 1,
    });
    follower.start();
    await until(() => handled.length === 1);
    await follower.stop();
    expect(handled).toEqual(['new']);
    expect(JSON.parse(readFileSync(checkpointFile, 'utf8'))).toEqual({
      blockNumber: '5',
      transactionId: 'new',
    });
  });

  it('pauses from the second failure in a row, doubling up to 15 s', () => {
    expect([1, 2, 3, 4, 20].map((failures) => followerBackoff(1000, failures))).toEqual([
      1000, 1000, 2000, 4000, 15_000,
    ]);
  });
});
