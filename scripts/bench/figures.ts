/** What every benchmark computes alike: percentiles of its samples, and jobs run a few at a time. */

/** Nearest-rank percentile of ascending samples (NaN when there are none). */
export function rank(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Runs `job` over `count` indexes, at most `width` at once. */
export async function pooled(
  count: number,
  width: number,
  job: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        await job(index);
      }
    }),
  );
}
