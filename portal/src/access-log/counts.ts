/** Counts over the access log for its charts: per day (the reader's own days) and per requesting organisation. */
import type { AccessLogEntry } from '@custodia/chaincode/model';

export interface DayCount {
  /** `YYYY-MM-DD`: a day in the reader's time zone. */
  readonly day: string;
  readonly granted: number;
  readonly refused: number;
  readonly emergency: number;
}

export type Outcome = 'granted' | 'refused' | 'emergency';

/** How an entry counts: an emergency access whatever it released, else whether anything was shared. */
export function outcomeOf(entry: AccessLogEntry): Outcome {
  if (entry.emergency) return 'emergency';
  return entry.decision.granted.length > 0 ? 'granted' : 'refused';
}

/** The calendar day `offset` days after `day` (`YYYY-MM-DD`). */
export function addDays(day: string, offset: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + offset)).toISOString().slice(0, 10);
}

/**
 * One bucket per day for the `days` days up to `now`, oldest first; entries outside are left out. `dayKey`
 * says which local day an instant falls on (the reader's time zone).
 */
export function dailyCounts(
  entries: readonly AccessLogEntry[],
  days: number,
  now: string,
  dayKey: (instant: string) => string,
): DayCount[] {
  const last = dayKey(now);
  const buckets = new Map<string, Record<Outcome, number>>();
  for (let i = days - 1; i >= 0; i--)
    buckets.set(addDays(last, -i), { granted: 0, refused: 0, emergency: 0 });
  for (const entry of entries) {
    const bucket = buckets.get(dayKey(entry.timestamp));
    if (bucket) bucket[outcomeOf(entry)]++;
  }
  return [...buckets].map(([day, counts]) => ({ day, ...counts }));
}

/** Emergency accesses, newest first. */
export function emergencyAccesses<E extends AccessLogEntry>(entries: readonly E[]): E[] {
  return entries.filter((e) => e.emergency).sort((a, b) => b.timestamp.localeCompare(a.timestamp));
}

export interface OrganisationCount {
  readonly mspId: string;
  readonly granted: number;
  readonly refused: number;
  readonly emergency: number;
  readonly total: number;
}

/** Requests per requesting organisation, most requests first (then by id, so the order is stable). */
export function countsByOrganisation(entries: readonly AccessLogEntry[]): OrganisationCount[] {
  const counts = new Map<string, Record<Outcome, number>>();
  for (const entry of entries) {
    const bucket = counts.get(entry.requester.mspId) ?? { granted: 0, refused: 0, emergency: 0 };
    bucket[outcomeOf(entry)]++;
    counts.set(entry.requester.mspId, bucket);
  }
  return [...counts]
    .map(([mspId, c]) => ({ mspId, ...c, total: c.granted + c.refused + c.emergency }))
    .sort((a, b) => b.total - a.total || a.mspId.localeCompare(b.mspId));
}
