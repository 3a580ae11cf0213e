/**
 * Retry with exponential backoff: the schedule is pure (tested as numbers), the loop takes its clock and its
 * randomness from the caller so that tests and the benchmark never wait on real time by accident.
 */

export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** Delay before the first retry. */
  readonly baseMs: number;
  /** No delay is longer than this (a server's Retry-After included). */
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 6, baseMs: 250, maxMs: 8_000, factor: 2 };

/** The delay before each retry, without jitter: base, base·factor, base·factor², … capped at maxMs. */
export function backoffSchedule(policy: BackoffPolicy): number[] {
  const delays: number[] = [];
  for (let retry = 0; retry < policy.attempts - 1; retry += 1)
    delays.push(Math.min(policy.maxMs, policy.baseMs * policy.factor ** retry));
  return delays;
}

/**
 * "Equal jitter": half the delay fixed, half random, so that many clients failing together do not retry in
 * lockstep while each still backs off. `random` is in [0, 1).
 */
export function jittered(delayMs: number, random: number): number {
  return Math.round(delayMs / 2 + (delayMs / 2) * random);
}

export interface RetryOptions {
  readonly policy: BackoffPolicy;
  /** Whether a failure is transient (network, 503, 429…): anything else is thrown at once. */
  readonly retryable: (error: unknown) => boolean;
  /** A delay the server asked for (Retry-After), when it did. */
  readonly requestedDelayMs?: (error: unknown) => number | undefined;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly onRetry?: (event: {
    readonly attempt: number;
    readonly delayMs: number;
    readonly error: unknown;
  }) => void;
}

/** Runs `attempt` until it succeeds, fails for good, or the attempts are spent (the last error is thrown). */
export async function retrying<T>(
  attempt: (number: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const schedule = backoffSchedule(options.policy);
  for (let number = 1; ; number += 1) {
    try {
      return await attempt(number);
    } catch (error) {
      const planned = schedule[number - 1];
      if (planned === undefined || !options.retryable(error)) throw error;
      const requested = options.requestedDelayMs?.(error);
      const delayMs = Math.min(
        options.policy.maxMs,
        Math.max(jittered(planned, options.random()), requested ?? 0),
      );
      options.onRetry?.({ attempt: number, delayMs, error });
      await options.sleep(delayMs);
    }
  }
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
