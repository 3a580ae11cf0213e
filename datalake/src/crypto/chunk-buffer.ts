/**
 * Cuts stream writes into fixed-size chunks without copying: a chunk is handed out as the list of slices of the
 * writes it spans, which the cipher consumes one by one. (Concatenating them allocated and copied every byte once
 * more, and the garbage of that copy — external memory to V8 — set off a collection every few dozen MiB of a
 * download.) A full chunk is only released once more data arrives, so whoever flushes at the end knows the last
 * chunk is the final one (the final flag of the sealed format needs that).
 */
export class ChunkBuffer {
  private readonly parts: Buffer[] = [];
  private length = 0;

  constructor(private readonly chunkSize: number) {}

  /** Appends data and returns every chunk (as its slices) that is now known not to be the last one. */
  push(data: Buffer): Buffer[][] {
    if (data.length > 0) {
      this.parts.push(data);
      this.length += data.length;
    }
    const ready: Buffer[][] = [];
    while (this.length > this.chunkSize) ready.push(this.take(this.chunkSize));
    return ready;
  }

  /** The remaining bytes (0..chunkSize) as slices, i.e. the final chunk. */
  rest(): Buffer[] {
    return this.take(this.length);
  }

  get size(): number {
    return this.length;
  }

  private take(bytes: number): Buffer[] {
    const out: Buffer[] = [];
    let left = bytes;
    while (left > 0) {
      const part = this.parts[0] as Buffer;
      if (part.length <= left) {
        out.push(part);
        left -= part.length;
        this.parts.shift();
      } else {
        out.push(part.subarray(0, left));
        this.parts[0] = part.subarray(left);
        left = 0;
      }
    }
    this.length -= bytes;
    return out;
  }
}

/** Splits slices into the first `total - tail` bytes (as slices) and the last `tail` bytes (one buffer). */
export function splitTail(parts: readonly Buffer[], tail: number): { body: Buffer[]; tail: Buffer } {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  let bodyLeft = Math.max(0, total - tail);
  const body: Buffer[] = [];
  const tailParts: Buffer[] = [];
  for (const part of parts) {
    if (bodyLeft >= part.length) {
      body.push(part);
      bodyLeft -= part.length;
    } else {
      if (bodyLeft > 0) body.push(part.subarray(0, bodyLeft));
      tailParts.push(part.subarray(bodyLeft));
      bodyLeft = 0;
    }
  }
  const last = tailParts.length === 1 ? (tailParts[0] as Buffer) : Buffer.concat(tailParts);
  return { body, tail: last };
}
