import { backoffSchedule, DEFAULT_BACKOFF, jittered, retrying } from './backoff';
import type { RetryOptions } from './backoff';

describe('backoff schedule', () => {
  it('doubles from the base delay and stops at the cap, one delay per retry', () => {
    expect(backoffSchedule({ attempts: 7, baseMs: 250, maxMs: 4000, factor: 2 })).toEqual([
      250, 500, 1000, 2000, 4000, 4000,
    ]);
    expect(backoffSchedule({ ...DEFAULT_BACKOFF, attempts: 1 })).toEqual([]);
  });

  it('keeps at least half of each delay under jitter', () => {
    expect(jittered(1000, 0)).toBe(500);
    expect(jittered(1000, 0.999)).toBe(1000);
    expect(jittered(1000, 0.5)).toBe(750);
  });
});

describe('retrying', () => {
  const transient = Object.assign(new Error('reset'), { transient: true });
  const options = (sleeps: number[], extra: Partial<RetryOptions> = {}): RetryOptions => ({
    policy: { attempts: 4, baseMs: 100, maxMs: 1000, factor: 2 },
    retryable: (error) => (error as { transient?: boolean }).transient === true,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...extra,
  });

  it('retries transient failures with growing delays until the call succeeds', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const result = await retrying(async () => {
      calls += 1;
      if (calls < 3) throw transient;
      return 'stored';
    }, options(sleeps));
    expect(result).toBe('stored');
    expect(sleeps).toEqual([50, 100]);
  });

  it('throws a permanent failure at once', async () => {
    const sleeps: number[] = [];
    const permanent = new Error('invalid');
    await expect(
      retrying(async () => {
        throw permanent;
      }, options(sleeps)),
    ).rejects.toBe(permanent);
    expect(sleeps).toEqual([]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await expect(
      retrying(async () => {
        calls += 1;
        throw transient;
      }, options(sleeps)),
    ).rejects.toBe(transient);
    expect(calls).toBe(4);
    expect(sleeps).toHaveLength(3);
  });

  it('waits at least what the server asked (Retry-After), never more than the cap', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await retrying(
      async () => {
        calls += 1;
        if (calls < 3) throw transient;
        return undefined;
      },
      options(sleeps, { requestedDelayMs: () => (calls === 1 ? 700 : 60_000) }),
    );
    expect(sleeps).toEqual([700, 1000]);
  });
});
