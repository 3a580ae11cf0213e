/**
 * Instants are stored as ISO 8601 UTC with milliseconds (`YYYY-MM-DDTHH:mm:ss.sssZ`): fixed width,
 * so they sort lexicographically in chronological order and can be used inside keys.
 */
import { fail, ok } from './decode';
import type { Decoder } from './decode';

export type Instant = string;

const INSTANT_INPUT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_INPUT = /^\d{4}-\d{2}-\d{2}$/;
const MIN_MS = Date.parse('2000-01-01T00:00:00Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

/** Accepts an ISO 8601 instant with an explicit offset; returns the canonical UTC form. */
export const instant: Decoder<Instant> = (input, path) => {
  if (typeof input !== 'string' || input.length > 40 || !INSTANT_INPUT.test(input)) {
    return fail(path, 'must be an ISO 8601 instant with a time zone');
  }
  const ms = Date.parse(input);
  if (Number.isNaN(ms) || ms < MIN_MS || ms > MAX_MS || !calendarValid(input.slice(0, 10))) {
    return fail(path, 'must be a valid instant from year 2000');
  }
  return ok(new Date(ms).toISOString());
};

/** A calendar date (`YYYY-MM-DD`) or an instant, e.g. a record's effective date. */
export const dateOrInstant: Decoder<string> = (input, path) => {
  if (typeof input === 'string' && DATE_INPUT.test(input)) {
    return calendarValid(input) && Date.parse(input) >= MIN_MS
      ? ok(input)
      : fail(path, 'must be a valid date');
  }
  return instant(input, path);
};

function calendarValid(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date;
}

/** The canonical instant of a protobuf timestamp (seconds + nanos), truncated to milliseconds. */
export function instantFromTimestamp(seconds: number, nanos: number): Instant {
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
}

export function toMillis(value: Instant): number {
  return Date.parse(value);
}

export function addMillis(value: Instant, ms: number): Instant {
  return new Date(Date.parse(value) + ms).toISOString();
}

/** The earlier of two instants; undefined stands for "no bound". */
export function earliest(a: Instant | undefined, b: Instant | undefined): Instant | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return toMillis(a) <= toMillis(b) ? a : b;
}
