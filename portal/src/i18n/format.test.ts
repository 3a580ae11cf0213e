import { makeFormat } from './format';

const AT = '2026-11-23T23:30:00.000Z';

describe('makeFormat', () => {
  it('writes instants in the reader’s locale and time zone, not UTC', () => {
    expect(makeFormat('de-DE', 'Europe/Berlin').dateTime(AT)).toBe('24.11.2026, 00:30');
    expect(makeFormat('en-GB', 'Europe/London').dateTime(AT)).toBe('23 Nov 2026, 23:30');
    expect(makeFormat('en-US', 'America/New_York').date(AT)).toBe('Nov 23, 2026');
    expect(makeFormat('fr-FR', 'Europe/Paris').date(AT)).toBe('24 nov. 2026');
  });

  it('keeps a calendar day on its day whatever the time zone', () => {
    expect(makeFormat('it-IT', 'America/Los_Angeles').calendarDay('2026-05-01')).toBe('1 maggio 2026');
    expect(makeFormat('de-DE', 'Pacific/Kiritimati').calendarDay('2026-05-01T00:00:00.000Z')).toBe(
      '1. Mai 2026',
    );
  });

  it('buckets an instant by the local day it falls on', () => {
    expect(makeFormat('en-GB', 'Europe/Berlin').dayKey(AT)).toBe('2026-11-24');
    expect(makeFormat('en-GB', 'America/New_York').dayKey(AT)).toBe('2026-11-23');
  });

  it('says how long ago in words', () => {
    const now = Date.parse(AT);
    const en = makeFormat('en-GB', 'UTC');
    expect(en.relative('2026-11-23T20:30:00.000Z', now)).toBe('3 hours ago');
    expect(en.relative('2026-11-22T20:30:00.000Z', now)).toBe('yesterday');
    expect(makeFormat('de-DE', 'UTC').relative('2026-11-23T23:50:00.000Z', now)).toBe('in 20 Minuten');
  });

  it('writes sizes, lists and countries in the locale’s words', () => {
    expect(makeFormat('en-GB', 'UTC').bytes(1536)).toBe('1.5 kB');
    expect(makeFormat('de-DE', 'UTC').bytes(9 * 1024 * 1024 + 512 * 1024)).toBe('9,5 MB');
    expect(makeFormat('fr-FR', 'UTC').bytes(200)).toBe('200\u202fo');
    expect(makeFormat('it-IT', 'UTC').list(['allergie', 'farmaci', 'problemi'])).toBe(
      'allergie, farmaci e problemi',
    );
    expect(makeFormat('de-DE', 'UTC').country('FR')).toBe('Frankreich');
    expect(makeFormat('fr-FR', 'UTC').country('xx')).toBe('XX');
  });
});
