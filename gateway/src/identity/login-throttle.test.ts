import { LoginThrottle } from './login-throttle';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

function setup(maxTracked?: number): { throttle: LoginThrottle; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { throttle: new LoginThrottle({ now: () => clock.now, ...(maxTracked && { maxTracked }) }), clock };
}

describe('login throttle', () => {
  it('lets three failures through, then doubles the wait of that name and address up to 15 minutes', () => {
    const { throttle, clock } = setup();
    for (let attempt = 1; attempt <= 3; attempt++) expect(throttle.fail('ana', 'ip-a').throttled).toBe(false);
    const waits: number[] = [];
    for (let attempt = 0; attempt < 14; attempt++) {
      const state = throttle.fail('ana', 'ip-a');
      if (!state.throttled) throw new Error('expected a wait');
      waits.push(state.retryAfterMs);
      clock.now += state.retryAfterMs;
    }
    expect(waits.slice(0, 5)).toEqual([SECOND, 2 * SECOND, 4 * SECOND, 8 * SECOND, 16 * SECOND]);
    expect(Math.max(...waits)).toBe(15 * MINUTE);
    expect(throttle.state('ana', 'ip-a').throttled).toBe(false);
  });

  it('never slows the account’s owner at another address: an attacker cannot lock anyone out', () => {
    const { throttle } = setup();
    for (let attempt = 0; attempt < 50; attempt++) throttle.fail('ana', 'attacker');
    expect(throttle.state('ana', 'attacker').throttled).toBe(true);
    expect(throttle.state('ana', 'home').throttled).toBe(false);
    expect(throttle.state('ben', 'attacker').throttled).toBe(false);
  });

  it('is cleared by a success, and forgets a pair only after a quiet period longer than any wait', () => {
    const { throttle, clock } = setup();
    for (let attempt = 0; attempt < 3; attempt++) throttle.fail('ana', 'ip');
    throttle.succeed('ana', 'ip');
    for (let attempt = 0; attempt < 3; attempt++) expect(throttle.fail('ana', 'ip').throttled).toBe(false);
    clock.now += 30 * MINUTE - 1;
    expect(throttle.fail('ana', 'ip').throttled).toBe(true);
    clock.now += 30 * MINUTE;
    for (let attempt = 0; attempt < 3; attempt++) expect(throttle.fail('ana', 'ip').throttled).toBe(false);
  });

  it('tracks a bounded number of pairs, dropping the stalest first', () => {
    const { throttle } = setup(2);
    for (let attempt = 0; attempt < 4; attempt++) throttle.fail('old', 'ip');
    throttle.fail('a', 'ip');
    throttle.fail('b', 'ip');
    expect(throttle.state('old', 'ip').throttled).toBe(false);
  });
});
