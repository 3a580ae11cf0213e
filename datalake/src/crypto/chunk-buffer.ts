/**
 * Collects stream writes into fixed-size chunks without concatenating on every write. A full chunk
 * is only released once more data arrives, so whoever flushes at the end knows the last chunk is
 * the final one (the final flag of the sealed format needs that).
 */
export class ChunkBuffer {
  private readonly parts: Buffer[] = [];
  private length = 0;

  constructor(private readonly chunkSize: number) {}

  /** Appends data and returns every chunk that is now known not to be the last one. */
  push(data: Buffer): Buffer[] {
    this.parts.push(data);
    this.length += data.length;
    const ready: Buffer[] = [];
    while (this.length > this.chunkSize) ready.push(this.take(this.chunkSize));
    return ready;
  }

  /** The remaining bytes (0..chunkSize), i.e. the final chunk. */
  rest(): Buffer {
    return this.take(this.length);
  }

  get size(): number {
    return this.length;
  }

  private take(bytes: number): Buffer {
    const first = this.parts[0];
    if (first !== undefined && first.length === bytes) {
      this.parts.shift();
      this.length -= bytes;
      return first;
    }
    const out = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const part = this.parts[0] as Buffer;
      const needed = bytes - filled;
      if (part.length <= needed) {
        part.copy(out, filled);
        filled += part.length;
        this.parts.shift();
      } else {
        part.copy(out, filled, 0, needed);
        this.parts[0] = part.subarray(needed);
        filled += needed;
      }
    }
    this.length -= bytes;
    return out;
  }
}
