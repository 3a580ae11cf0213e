/**
 * A gate that lets at most `limit` tasks run at once; the others wait their turn in arrival order. For work that
 * is discovered bit by bit (records as the ledger's pages of registrations arrive), where `mapBounded` needs the
 * whole list first.
 */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimit(limit: number): Limit {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  let active = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in between.
  const release = (): void => {
    const next = waiting.shift();
    if (next === undefined) active -= 1;
    else next();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) active += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
