/** Turns the access log into daily counts for the timeline chart. */
import type { AccessLogEntry } from '@custodia/chaincode/model';

export interface DayCount {
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  readonly granted: number;
  readonly refused: number;
  readonly emergency: number;
}

const DAY_MS = 86_400_000;

/** One bucket per day for the `days` days up to `now`, oldest first; entries outside are left out. */
export function dailyCounts(entries: readonly AccessLogEntry[], days: number, now: string): DayCount[] {
  const last = Date.parse(`${now.slice(0, 10)}T00:00:00.000Z`);
  const buckets = new Map<string, { granted: number; refused: number; emergency: number }>();
  for (let i = days - 1; i >= 0; i--) {
    buckets.set(new Date(last - i * DAY_MS).toISOString().slice(0, 10), {
      granted: 0,
      refused: 0,
      emergency: 0,
    });
  }
  for (const entry of entries) {
    const bucket = buckets.get(entry.timestamp.slice(0, 10));
    if (!bucket) continue;
    if (entry.emergency) bucket.emergency++;
    else if (entry.decision.granted.length > 0) bucket.granted++;
    else bucket.refused++;
  }
  return [...buckets].map(([day, counts]) => ({ day, ...counts }));
}

/** Emergency accesses, newest first. */
export function emergencyAccesses(entries: readonly AccessLogEntry[]): AccessLogEntry[] {
  return entries.filter((e) => e.emergency).sort((a, b) => b.timestamp.localeCompare(a.timestamp));
}
