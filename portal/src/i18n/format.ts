/**
 * Dates, times, sizes, numbers, lists and country names as a reader of the chosen locale writes them, in the
 * browser's time zone (never raw UTC ISO strings). Pure: the locale and time zone are inputs.
 */
export interface Format {
  readonly locale: string;
  /** The IANA time zone instants are shown in. */
  readonly timeZone: string;
  /** "23 Nov 2026, 13:05": an instant, to the minute. */
  dateTime(instant: string): string;
  /** "23 Nov 2026": the local day of an instant. */
  date(instant: string): string;
  /** "1 May 2026": a calendar day (`YYYY-MM-DD`, or the UTC midnight that starts it), whatever the time zone. */
  calendarDay(day: string): string;
  /** "23 Nov": a calendar day, short, for chart axes. */
  shortDay(day: string): string;
  /** "3 hours ago", "yesterday", "in 20 minutes". */
  relative(instant: string, now: number): string;
  /** "1.5 MB" / "1,5 MB". */
  bytes(bytes: number): string;
  number(value: number): string;
  /** "a, b and c" in the locale's words; `or` for alternatives. */
  list(items: readonly string[], type?: 'conjunction' | 'disjunction'): string;
  /** A country's name from its ISO 3166-1 alpha-2 code (the code itself when unknown). */
  country(code: string): string;
  /** `YYYY-MM-DD` of the local day an instant falls on. */
  dayKey(instant: string): string;
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

const RELATIVE_STEPS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 7],
  ['week', 4.345],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** A calendar day as the instant of its UTC midnight. */
function dayInstant(day: string): Date {
  return new Date(day.length === 10 ? `${day}T00:00:00.000Z` : day);
}

export function makeFormat(locale: string, timeZone?: string): Format {
  const zone = timeZone ?? new Intl.DateTimeFormat().resolvedOptions().timeZone;
  const dateTime = new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: zone,
  });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: zone });
  const calendarDay = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  const shortDay = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  // en-CA writes dates as YYYY-MM-DD: the bucket key of a local day.
  const key = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    timeZone: zone,
  });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const number = new Intl.NumberFormat(locale);
  const regions = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' });
  return {
    locale,
    timeZone: zone,
    dateTime: (instant) => dateTime.format(new Date(instant)),
    date: (instant) => date.format(new Date(instant)),
    calendarDay: (day) => calendarDay.format(dayInstant(day)),
    shortDay: (day) => shortDay.format(dayInstant(day)),
    relative: (instant, now) => {
      let value = (Date.parse(instant) - now) / 1000;
      for (const [unit, size] of RELATIVE_STEPS) {
        if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
        value /= size;
      }
      return relative.format(Math.round(value), 'year');
    },
    bytes: (bytes) => {
      let value = bytes;
      let unit = 0;
      while (value >= 1024 && unit < UNITS.length - 1) {
        value /= 1024;
        unit++;
      }
      return new Intl.NumberFormat(locale, {
        style: 'unit',
        unit: UNITS[unit],
        unitDisplay: 'short',
        maximumFractionDigits: unit === 0 || value >= 10 ? 0 : 1,
      }).format(value);
    },
    number: (value) => number.format(value),
    list: (items, type = 'conjunction') => new Intl.ListFormat(locale, { type }).format(items),
    country: (code) => {
      try {
        return regions.of(code.toUpperCase()) ?? code;
      } catch {
        return code;
      }
    },
    dayKey: (instant) => key.format(new Date(instant)),
  };
}
