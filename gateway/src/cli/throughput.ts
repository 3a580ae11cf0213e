/**
 * Upload speed and time left, from the bytes sent so far. The rate is measured over a sliding window that
 * ends now, not at the last update: when sending stalls, the rate falls and the time left grows, instead of
 * sitting at the last estimate.
 */

/** The window the rate is measured over. */
export const RATE_WINDOW_MS = 10_000;
/** No estimate before this much time has been measured. */
export const MIN_SPAN_MS = 1_000;

interface Sample {
  readonly at: number;
  readonly bytes: number;
}

export class ThroughputMeter {
  /** Total bytes sent at each update, oldest first: one at or before the window's start, then the rest. */
  private readonly samples: Sample[];

  constructor(private readonly startedAt: number) {
    this.samples = [{ at: startedAt, bytes: 0 }];
  }

  /** Records the total bytes sent so far (it may go down when a file is sent again from its start). */
  record(bytes: number, at: number): void {
    this.samples.push({ at, bytes });
    while (this.samples.length > 1 && (this.samples[1] as Sample).at <= at - RATE_WINDOW_MS)
      this.samples.shift();
  }

  /** Bytes per second over the window ending at `now`; undefined until it means something. */
  rate(now: number): number | undefined {
    const elapsed = now - this.startedAt;
    if (elapsed < MIN_SPAN_MS) return undefined;
    const latest = this.samples[this.samples.length - 1] as Sample;
    const windowStart = now - RATE_WINDOW_MS;
    // Bytes stay as last recorded between updates: the total at the window's start is the last sample before it.
    const before = [...this.samples].reverse().find((sample) => sample.at <= windowStart);
    const rate =
      before === undefined
        ? (latest.bytes * 1000) / elapsed
        : ((latest.bytes - before.bytes) * 1000) / RATE_WINDOW_MS;
    return rate > 0 ? rate : undefined;
  }

  /** Milliseconds left for `remaining` bytes at the current rate; undefined when unknown. */
  timeLeft(remaining: number, now: number): number | undefined {
    if (remaining <= 0) return 0;
    const rate = this.rate(now);
    return rate === undefined ? undefined : (remaining / rate) * 1000;
  }
}

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** "18.4 MB" (powers of 1024, as file managers show sizes). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** "2h 05m", "3m 07s", "42s"; "--" when unknown. */
export function formatTimeLeft(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '--';
  const seconds = Math.ceil(ms / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h ${pad(Math.floor((seconds % 3600) / 60))}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m ${pad(seconds % 60)}s`;
  return `${seconds}s`;
}
