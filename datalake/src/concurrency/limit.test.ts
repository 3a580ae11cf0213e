import { createLimit } from './limit';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createLimit', () => {
  it('never runs more than the limit at once, even when newcomers arrive as a slot frees', async () => {
    const limit = createLimit(3);
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    };
    const all: Promise<void>[] = [];
    for (let wave = 0; wave < 10; wave += 1) {
      for (let each = 0; each < 5; each += 1) all.push(limit(task));
      await tick();
    }
    await Promise.all(all);
    expect(peak).toBe(3);
    expect(running).toBe(0);
  });

  it('keeps going after a failed task and starts waiters in arrival order', async () => {
    const limit = createLimit(1);
    const order: number[] = [];
    const failed = limit(async () => {
      throw new Error('boom');
    });
    const rest = [1, 2, 3].map((n) =>
      limit(async () => {
        order.push(n);
      }),
    );
    await expect(failed).rejects.toThrow('boom');
    await Promise.all(rest);
    expect(order).toEqual([1, 2, 3]);
  });
});
