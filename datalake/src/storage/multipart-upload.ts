/**
 * Uploads a stream of unknown length to S3 holding at most two parts of it: the one being filled from the stream and
 * the one before it, on its way up. minio's own `putObject` cut a stream into parts by concatenating a part's worth
 * of small buffers into a new one — about three parts alive at once, each part allocated anew — and the allocator kept
 * the lake some 70 MiB larger during a 1 GiB upload. Here the two buffers are allocated once per upload and filled in
 * place. A stream that ends within its first part goes up in one PUT, as minio does.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { releaseNow } from '../memory/release';
import { youngCollection } from '../memory/young-collection';

/** What one streamed upload holds in memory: this many parts of the store's part size. */
export const PARTS_HELD = 2;
/**
 * The first buffer of a stream whose length is not known, doubled as the stream outgrows it up to a part: most of
 * what the lake stores (sealed FHIR documents, temporary records) is a few KiB, and a part's 8 MiB allocated for each
 * of them cost more than the copies of the doubling.
 */
const FIRST_BUFFER_BYTES = 64 * 1024;

export interface StreamTarget {
  readonly bucket: string;
  readonly key: string;
  readonly contentType?: string;
  /** Bytes per part (S3: at least 5 MiB but for the last). */
  readonly partSize: number;
  /** The stream's length, when known: a stream shorter than a part is held in a buffer of its size. */
  readonly size?: number;
}

/** Uploads `body` whole or not at all: on any failure, of the source or of storage, the multipart upload is aborted. */
export async function uploadStream(client: Client, target: StreamTarget, body: Readable): Promise<void> {
  const { bucket, key, partSize } = target;
  const headers = target.contentType === undefined ? {} : { 'Content-Type': target.contentType };
  // The first buffer at once, of the stream's size if it is known to fit in a part (else grown as it fills up to a
  // part); the second only when the stream outgrows one part.
  const first = Math.min(partSize, Math.max(1, target.size ?? FIRST_BUFFER_BYTES));
  const buffers: (Buffer | undefined)[] = [Buffer.allocUnsafeSlow(first), undefined];
  let current = 0;
  let filled = 0;
  let uploadId: string | undefined;
  let sending: Promise<void> | undefined;
  const parts: { part: number; etag: string }[] = [];
  /** Sends the filled buffer as the next part, while the other buffer takes the stream. */
  const sendFilled = async (): Promise<void> => {
    // One part on its way at a time: once it is up, its buffer is free again.
    await sending;
    uploadId ??= await client.initiateNewMultipartUpload(bucket, key, headers);
    const part = (buffers[current] as Buffer).subarray(0, filled);
    sending = sendPart(client, target, uploadId, parts.length + 1, part).then((etag) => {
      parts.push({ part: parts.length + 1, etag });
    });
    // A failed part stops the source at once (its error then ends the loop below).
    sending.catch((error: unknown) => body.destroy(error as Error));
    current = 1 - current;
    buffers[current] ??= Buffer.allocUnsafeSlow(partSize);
    filled = 0;
  };
  // What a large upload allocates (socket reads, cipher output) dies within a part: given back as it dies, not once
  // tens of MiB of it piled up in the main thread (which glibc then kept).
  const passed = youngCollection();
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      passed(chunk.length);
      for (let offset = 0; offset < chunk.length;) {
        let buffer = buffers[current] as Buffer;
        if (filled === buffer.length) {
          // Only the first buffer is ever smaller than a part: it grows before the first part goes up.
          const grown = Buffer.allocUnsafeSlow(Math.min(partSize, buffer.length * 2));
          buffer.copy(grown, 0, 0, filled);
          buffers[current] = buffer = grown;
        }
        const copied = chunk.copy(buffer, filled, offset);
        offset += copied;
        filled += copied;
        if (filled === partSize) await sendFilled();
      }
    }
    if (uploadId === undefined) {
      await client.putObject(bucket, key, (buffers[current] as Buffer).subarray(0, filled), filled, headers);
      return;
    }
    if (filled > 0) await sendFilled();
    await sending;
    // Every part is answered: nothing writes from the buffers any more. (After a failure a part's write may still be
    // pending: those are left to the collector.)
    releaseNow(buffers.filter((buffer): buffer is Buffer => buffer !== undefined));
    await client.completeMultipartUpload(bucket, key, uploadId, parts);
  } catch (error) {
    await sending?.catch(() => undefined);
    // S3 keeps (and bills) the parts of an unfinished upload until it is aborted. Best effort: the caller hears of
    // the upload's own failure.
    if (uploadId !== undefined)
      await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw error;
  }
}

/** Sends one part; answers its ETag. */
async function sendPart(
  client: Client,
  target: StreamTarget,
  uploadId: string,
  partNumber: number,
  part: Buffer,
): Promise<string> {
  const response = await client.makeRequestAsyncOmit(
    {
      method: 'PUT',
      bucketName: target.bucket,
      objectName: target.key,
      query: `partNumber=${partNumber}&uploadId=${encodeURIComponent(uploadId)}`,
      headers: {
        'Content-Length': part.length,
        'Content-MD5': createHash('md5').update(part).digest('base64'),
      },
    },
    part,
  );
  const etag = response.headers.etag;
  return typeof etag === 'string' ? etag.replace(/^"|"$/g, '') : '';
}
