import { Lockout } from './lockout';

const MINUTE = 60_000;

function setup(maxTracked?: number): { lockout: Lockout; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  return { lockout: new Lockout({ now: () => clock.now, ...(maxTracked && { maxTracked }) }), clock };
}

describe('lockout', () => {
  it('locks an account on the fifth consecutive failure for 15 minutes', () => {
    const { lockout, clock } = setup();
    for (let attempt = 1; attempt <= 4; attempt++) expect(lockout.fail('ana').locked).toBe(false);
    expect(lockout.fail('ana')).toEqual({ locked: true, retryAfterMs: 15 * MINUTE });
    clock.now += 14 * MINUTE;
    expect(lockout.state('ana')).toEqual({ locked: true, retryAfterMs: MINUTE });
    expect(lockout.state('ben').locked).toBe(false);
    clock.now += MINUTE;
    expect(lockout.state('ana').locked).toBe(false);
    // After the lock, counting starts again.
    expect(lockout.fail('ana').locked).toBe(false);
  });

  it('a successful login clears the count; failures older than 15 minutes are forgotten', () => {
    const { lockout, clock } = setup();
    for (let attempt = 1; attempt <= 4; attempt++) lockout.fail('ana');
    lockout.succeed('ana');
    expect(lockout.fail('ana').locked).toBe(false);
    for (let attempt = 1; attempt <= 3; attempt++) lockout.fail('ana');
    clock.now += 15 * MINUTE;
    expect(lockout.fail('ana').locked).toBe(false);
  });

  it('tracks at most maxTracked names, dropping the stalest', () => {
    const { lockout } = setup(2);
    for (let attempt = 1; attempt <= 4; attempt++) lockout.fail('old');
    lockout.fail('a');
    lockout.fail('b');
    expect(lockout.fail('old').locked).toBe(false);
  });
});
