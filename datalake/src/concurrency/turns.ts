/**
 * Tasks that share a key run one after another, in the order they asked; tasks of different keys do not wait for
 * each other. Only keys with a task queued or running are held. For what must not interleave on one resource (the
 * embedded S3 server's reads, replacements and removals of one object's files) while everything else runs freely.
 */
export class Turns<K> {
  /** Per key: settles once the last task queued for it has finished. */
  private readonly tails = new Map<K, Promise<void>>();

  async take<T>(key: K, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key);
    let finished!: () => void;
    const mine = new Promise<void>((resolve) => {
      finished = resolve;
    });
    const tail = previous === undefined ? mine : previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      if (previous !== undefined) await previous;
      return await task();
    } finally {
      finished();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a task queued or running. */
  get size(): number {
    return this.tails.size;
  }
}
