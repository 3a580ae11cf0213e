import type { ConsumerZone } from './consumer';
import type { CuratedLeftovers } from './curated';
import { ExpirySweeper } from './sweeper';

/** A sweeper over stand-ins for the two zones, recording what the curated sweep was told and what was logged. */
function sweeperOf(consumer: () => Promise<string[]>, curated: () => Promise<number>) {
  const told: string[][] = [];
  const warnings: string[] = [];
  const logger = { info: () => undefined, warn: (_: unknown, message: string) => warnings.push(message) };
  const sweeper = new ExpirySweeper(
    { sweep: consumer } as unknown as ConsumerZone,
    {
      sweep: (_now: Date, grants: ReadonlySet<string>) => {
        told.push([...grants]);
        return curated();
      },
    } as unknown as CuratedLeftovers,
    { intervalMs: 60_000, logger: logger as never },
  );
  return { sweeper, told, warnings };
}

const failure = (): Promise<never> =>
  Promise.reject(Object.assign(new Error('down'), { code: 'STORAGE_UNAVAILABLE' }));

describe('ExpirySweeper', () => {
  it('tells the curated sweep which grants it removed, and keeps its answer when the curated sweep fails', async () => {
    const { sweeper, told, warnings } = sweeperOf(() => Promise.resolve(['g1', 'g2']), failure);
    expect(await sweeper.sweepOnce()).toEqual(['g1', 'g2']);
    expect(told).toEqual([['g1', 'g2']]);
    expect(warnings).toEqual(['curated leftovers sweep failed; will retry']);
  });

  it('still sweeps the curated zone when the expiry sweep fails', async () => {
    const { sweeper, told, warnings } = sweeperOf(failure, () => Promise.resolve(0));
    expect(await sweeper.sweepOnce()).toEqual([]);
    expect(told).toEqual([[]]);
    expect(warnings).toEqual(['expiry sweep failed; will retry']);
  });
});
