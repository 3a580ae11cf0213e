/**
 * Account lockout, pure: after `maxFailures` consecutive failed logins an account is locked for `lockMs`.
 * Failures are counted by login name whether or not the account exists, so a lock reveals nothing about
 * which names exist. Kept in memory (bounded): a restart forgets counts, which an attacker cannot cause.
 */
export interface LockoutOptions {
  /** Default 5. */
  readonly maxFailures?: number;
  /** Default 15 minutes; failures older than this are forgotten too. */
  readonly lockMs?: number;
  /** Names tracked at most; the stalest are dropped first. Default 10 000. */
  readonly maxTracked?: number;
  readonly now?: () => number;
}

interface Failures {
  count: number;
  lastAt: number;
  lockedUntil?: number;
}

export type LockState = { readonly locked: false } | { readonly locked: true; readonly retryAfterMs: number };

export class Lockout {
  private readonly maxFailures: number;
  private readonly lockMs: number;
  private readonly maxTracked: number;
  private readonly now: () => number;
  // Map iteration order is insertion order: re-inserting on each failure keeps the stalest first.
  private readonly failures = new Map<string, Failures>();

  constructor(options: LockoutOptions = {}) {
    this.maxFailures = options.maxFailures ?? 5;
    this.lockMs = options.lockMs ?? 15 * 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  state(name: string): LockState {
    const entry = this.current(name);
    if (entry?.lockedUntil === undefined) return { locked: false };
    return { locked: true, retryAfterMs: entry.lockedUntil - this.now() };
  }

  /** Records a failed attempt; returns the state after it (locked on the `maxFailures`-th). */
  fail(name: string): LockState {
    const now = this.now();
    const entry = this.current(name) ?? { count: 0, lastAt: now };
    entry.count += 1;
    entry.lastAt = now;
    if (entry.count >= this.maxFailures) entry.lockedUntil = now + this.lockMs;
    this.failures.delete(name);
    this.failures.set(name, entry);
    if (this.failures.size > this.maxTracked) {
      const stalest = this.failures.keys().next();
      if (!stalest.done) this.failures.delete(stalest.value);
    }
    return this.state(name);
  }

  /** A successful login clears the count. */
  succeed(name: string): void {
    this.failures.delete(name);
  }

  private current(name: string): Failures | undefined {
    const entry = this.failures.get(name);
    if (!entry) return undefined;
    const now = this.now();
    const expired =
      entry.lockedUntil !== undefined ? entry.lockedUntil <= now : entry.lastAt + this.lockMs <= now;
    if (expired) {
      this.failures.delete(name);
      return undefined;
    }
    return entry;
  }
}
