import { SingleFlight } from './single-flight';

describe('SingleFlight', () => {
  it('gives every caller of one key the outcome of a single run', async () => {
    const flights = new SingleFlight<string, number>();
    let runs = 0;
    let finish: (value: number) => void = () => undefined;
    const task = (): Promise<number> => {
      runs += 1;
      return new Promise((resolve) => (finish = resolve));
    };
    const callers = Array.from({ length: 20 }, () => flights.run('grant-1', task));
    const other = flights.run('grant-2', async () => 7);
    finish(42);
    expect(await Promise.all(callers)).toEqual(Array.from({ length: 20 }, () => 42));
    expect(await other).toBe(7);
    expect(runs).toBe(1);
    expect(flights.size).toBe(0);
  });

  it('does not remember a failure: the next caller runs the task again', async () => {
    const flights = new SingleFlight<string, string>();
    let runs = 0;
    const failing = async (): Promise<string> => {
      runs += 1;
      throw new Error('ledger down');
    };
    await expect(Promise.all([flights.run('g', failing), flights.run('g', failing)])).rejects.toThrow(
      'ledger down',
    );
    expect(runs).toBe(1);
    expect(await flights.run('g', async () => 'assembled')).toBe('assembled');
  });

  it('turns a task that throws at once into a rejection shared by its callers', async () => {
    const flights = new SingleFlight<string, string>();
    const task = (): Promise<string> => {
      throw new Error('sync');
    };
    await expect(flights.run('g', task)).rejects.toThrow('sync');
    expect(flights.size).toBe(0);
  });
});
