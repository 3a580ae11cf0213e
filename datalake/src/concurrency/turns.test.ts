import { Turns } from './turns';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Turns', () => {
  it('runs the tasks of one key one at a time, in the order they asked, and forgets the key after', async () => {
    const turns = new Turns<string>();
    const log: string[] = [];
    let running = 0;
    const task = (name: string) => async (): Promise<string> => {
      running += 1;
      expect(running).toBe(1);
      log.push(`${name} starts`);
      await tick();
      await tick();
      log.push(`${name} ends`);
      running -= 1;
      return name;
    };
    const results = await Promise.all(['a', 'b', 'c'].map((name) => turns.take('key', task(name))));
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a starts', 'a ends', 'b starts', 'b ends', 'c starts', 'c ends']);
    expect(turns.size).toBe(0);
  });

  it('lets other keys run meanwhile, and a failed task hands the turn on', async () => {
    const turns = new Turns<string>();
    let release!: () => void;
    const held = turns.take('one', () => new Promise<void>((resolve) => (release = resolve)));
    await expect(turns.take('two', async () => 'not kept waiting')).resolves.toBe('not kept waiting');
    const failed = turns.take('one', async () => {
      throw new Error('boom');
    });
    const after = turns.take('one', async () => 'ran after the failure');
    await tick();
    expect(turns.size).toBe(1);
    release();
    await held;
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe('ran after the failure');
    expect(turns.size).toBe(0);
  });
});
