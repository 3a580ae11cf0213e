/**
 * Maps items through an async function with at most `limit` calls in flight, keeping the input order in the
 * result. Assembly checks hundreds of records, each a few storage and ledger round trips: one at a time leaves the
 * storage idle between them, all at once floods it.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await run(items[index] as T, index);
    }
  };
  // The first failure rejects the whole map; workers already running finish their current item.
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
