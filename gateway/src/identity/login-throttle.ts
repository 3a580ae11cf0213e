/**
 * Failed sign-ins slow down the address they come from, pure. Failures are counted per (login name, client
 * address): after `freeFailures` of them, each further failure makes that pair wait before its next attempt, the
 * wait doubling from `baseDelayMs` up to `maxDelayMs`. An attacker guessing one account's password is slowed to a
 * crawl, but cannot lock its owner out: the owner, from their own address, is not affected (a lockout counted per
 * account let anyone lock anyone). Names are counted whether or not the account exists, so a delay reveals nothing
 * about which names exist. Kept in memory (bounded): a restart forgets counts, which an attacker cannot cause.
 */
export interface LoginThrottleOptions {
  /** Failures without delay; default 3. */
  readonly freeFailures?: number;
  /** Delay after the first failure beyond the free ones; default 1 second. */
  readonly baseDelayMs?: number;
  /** Longest delay; default 15 minutes. A pair quiet for twice this long is forgotten. */
  readonly maxDelayMs?: number;
  /** (name, address) pairs tracked at most; the stalest are dropped first. Default 10 000. */
  readonly maxTracked?: number;
  readonly now?: () => number;
}

interface Failures {
  count: number;
  lastAt: number;
  /** No attempt is looked at before this instant. */
  waitUntil: number;
}

export type ThrottleState =
  { readonly throttled: false } | { readonly throttled: true; readonly retryAfterMs: number };

function keyOf(name: string, address: string): string {
  return `${name}\u0000${address}`;
}

export class LoginThrottle {
  private readonly freeFailures: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxTracked: number;
  private readonly now: () => number;
  // Map iteration order is insertion order: re-inserting on each failure keeps the stalest first.
  private readonly failures = new Map<string, Failures>();

  constructor(options: LoginThrottleOptions = {}) {
    this.freeFailures = options.freeFailures ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 15 * 60_000;
    this.maxTracked = options.maxTracked ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether an attempt for `name` from `address` must wait (it is then refused without being checked). */
  state(name: string, address: string): ThrottleState {
    const entry = this.current(keyOf(name, address));
    const now = this.now();
    if (entry === undefined || entry.waitUntil <= now) return { throttled: false };
    return { throttled: true, retryAfterMs: entry.waitUntil - now };
  }

  /** Records a failed attempt; returns how long the pair must now wait. */
  fail(name: string, address: string): ThrottleState {
    const key = keyOf(name, address);
    const now = this.now();
    const entry = this.current(key) ?? { count: 0, lastAt: now, waitUntil: now };
    entry.count += 1;
    entry.lastAt = now;
    const beyond = entry.count - this.freeFailures;
    if (beyond > 0)
      entry.waitUntil = now + Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(beyond - 1, 40));
    this.failures.delete(key);
    this.failures.set(key, entry);
    if (this.failures.size > this.maxTracked) {
      const stalest = this.failures.keys().next();
      if (!stalest.done) this.failures.delete(stalest.value);
    }
    return this.state(name, address);
  }

  /** A successful sign-in clears the pair's count. */
  succeed(name: string, address: string): void {
    this.failures.delete(keyOf(name, address));
  }

  private current(key: string): Failures | undefined {
    const entry = this.failures.get(key);
    if (!entry) return undefined;
    // Forgotten only after a quiet period longer than any wait, so waiting out the longest delay forgives nothing.
    if (entry.lastAt + 2 * this.maxDelayMs <= this.now()) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }
}
