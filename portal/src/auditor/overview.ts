/** The auditor's overview of a period of the access log: totals, per day, per organisation, and what stands out. */
import type { AccessLogEntry } from '@custodia/chaincode/model';
import { countsByOrganisation, dailyCounts, outcomeOf } from '../access-log/counts';
import type { DayCount, OrganisationCount } from '../access-log/counts';

export interface Overview {
  readonly totals: {
    readonly requests: number;
    readonly granted: number;
    readonly refused: number;
    readonly emergency: number;
    /** Different patients whose records were asked for. */
    readonly patients: number;
  };
  readonly days: readonly DayCount[];
  readonly organisations: readonly OrganisationCount[];
  /** Newest first. */
  readonly emergencies: readonly AccessLogEntry[];
  /** Requests that released nothing, newest first. */
  readonly refusals: readonly AccessLogEntry[];
  /** The latest requests of any kind, newest first. */
  readonly recent: readonly AccessLogEntry[];
}

/** How many rows the overview's lists keep. */
export const OVERVIEW_LIST_SIZE = 10;

export function overviewOf(
  entries: readonly AccessLogEntry[],
  days: number,
  now: string,
  dayKey: (instant: string) => string,
): Overview {
  const newest = [...entries].sort((a, b) => b.timestamp.localeCompare(a.timestamp));
  const count = (outcome: ReturnType<typeof outcomeOf>) =>
    entries.filter((e) => outcomeOf(e) === outcome).length;
  return {
    totals: {
      requests: entries.length,
      granted: count('granted'),
      refused: count('refused'),
      emergency: count('emergency'),
      patients: new Set(entries.map((e) => e.patientId)).size,
    },
    days: dailyCounts(entries, days, now, dayKey),
    organisations: countsByOrganisation(entries),
    emergencies: newest.filter((e) => e.emergency).slice(0, OVERVIEW_LIST_SIZE),
    refusals: newest.filter((e) => e.decision.granted.length === 0).slice(0, OVERVIEW_LIST_SIZE),
    recent: newest.slice(0, OVERVIEW_LIST_SIZE),
  };
}

/** The instant `days` days before `now`, the start of an overview's period. */
export function periodStart(now: string, days: number): string {
  return new Date(Date.parse(now) - days * 86_400_000).toISOString();
}
