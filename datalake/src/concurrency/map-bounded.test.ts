import { mapBounded } from './map-bounded';

describe('mapBounded', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (value) => {
      running += 1;
      peak = Math.max(peak, running);
      // Later items finish first: the order must come from the input, not from completion.
      for (let tick = 0; tick < value; tick += 1) await Promise.resolve();
      running -= 1;
      return value * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60]);
    expect(peak).toBe(3);
  });

  it('rejects with the first failure and maps an empty list to an empty list', async () => {
    await expect(
      mapBounded([1, 2, 3], 2, async (value) => {
        if (value === 2) throw new Error('two');
        return value;
      }),
    ).rejects.toThrow('two');
    expect(await mapBounded([], 4, async (value: number) => value)).toEqual([]);
  });
});
