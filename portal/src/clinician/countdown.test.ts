import { timeLeft } from './countdown';

const AT = Date.parse('2026-11-23T12:00:00.000Z');

describe('timeLeft', () => {
  it('counts hours, minutes and seconds to the expiry, then says it expired', () => {
    expect(timeLeft('2026-11-23T14:05:30.000Z', AT)).toEqual({
      expired: false,
      hours: 2,
      minutes: '05',
      seconds: '30',
    });
    expect(timeLeft('2026-11-23T12:03:07.000Z', AT)).toEqual({
      expired: false,
      hours: 0,
      minutes: '03',
      seconds: '07',
    });
    expect(timeLeft('2026-11-23T12:00:00.000Z', AT)).toEqual({ expired: true });
    expect(timeLeft('not a date', AT).expired).toBe(true);
  });
});
