import { timeLeft } from './countdown';

const AT = Date.parse('2026-11-23T12:00:00.000Z');

describe('timeLeft', () => {
  it('shows hours and minutes, then minutes and seconds near the end, then expired', () => {
    expect(timeLeft('2026-11-23T14:05:30.000Z', AT)).toEqual({ expired: false, text: '2 h 05 min left' });
    expect(timeLeft('2026-11-23T12:03:07.000Z', AT)).toEqual({ expired: false, text: '3 min 07 s left' });
    expect(timeLeft('2026-11-23T12:00:00.000Z', AT)).toEqual({ expired: true, text: 'Expired' });
    expect(timeLeft('not a date', AT).expired).toBe(true);
  });
});
