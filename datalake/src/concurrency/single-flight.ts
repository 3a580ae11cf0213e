/**
 * At most one run of a task per key: a caller that asks while a run for its key is under way gets that run's
 * outcome instead of starting another. Concurrent openers of one grant's record share one assembly this way —
 * and so does a retry that arrives while the first attempt is still working, because a run is not tied to the
 * request that started it. The key is free again as soon as its run settles (a failure is not remembered).
 */
export class SingleFlight<K, V> {
  private readonly running = new Map<K, Promise<V>>();

  run(key: K, task: () => Promise<V>): Promise<V> {
    const current = this.running.get(key);
    if (current !== undefined) return current;
    // Started at once; a task that throws before its first await rejects like one that fails later.
    const flight = (async () => task())().finally(() => this.running.delete(key));
    this.running.set(key, flight);
    return flight;
  }

  /** Keys with a run under way. */
  get size(): number {
    return this.running.size;
  }
}
