/** Reads a small stream whole (metadata documents, FHIR resources, answers), refusing more than `maxBytes`. */
import type { Readable } from 'node:stream';
import { DatalakeError } from '../errors';

export async function readBounded(stream: Readable, maxBytes: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  for await (const part of stream) {
    const data = part as Buffer;
    length += data.length;
    if (length > maxBytes) {
      stream.destroy();
      throw new DatalakeError('PAYLOAD_TOO_LARGE', `${what} exceeds its size limit`, { maxBytes });
    }
    parts.push(data);
  }
  return Buffer.concat(parts, length);
}
