import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { isDatalakeError } from '../errors';
import {
  DEFAULT_CHUNK_SIZE,
  decodeHeader,
  EARLIER_CHUNK_SIZE,
  HEADER_BYTES,
  MIN_CHUNK_SIZE,
  sealedSize,
  TAG_BYTES,
} from './format';
import { OpenStream } from './open-stream';
import { SealStream } from './seal-stream';

/** Feeds `data` in pieces of `piece` bytes, as a network stream would. */
function pieces(data: Buffer, piece = 333): Readable {
  const parts: Buffer[] = [];
  for (let at = 0; at < data.length; at += piece) parts.push(data.subarray(at, at + piece));
  return Readable.from(parts);
}

async function seal(key: Buffer, plain: Buffer, chunk: number, context = 'obj-1'): Promise<Buffer> {
  const out = new SealStream(key, { chunkSize: chunk, context });
  const [sealed] = await Promise.all([buffer(out), pipeline(pieces(plain), out)]);
  return sealed;
}

async function open(key: Buffer, sealed: Buffer, context = 'obj-1'): Promise<Buffer> {
  const out = new OpenStream(key, { context });
  const [plain] = await Promise.all([buffer(out), pipeline(pieces(sealed, 517), out)]);
  return plain;
}

async function openError(key: Buffer, sealed: Buffer, context = 'obj-1'): Promise<unknown> {
  return open(key, sealed, context).then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Splits a sealed object into its header and its chunks (ciphertext + tag). */
function chunksOf(sealed: Buffer, chunk: number): { header: Buffer; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  for (let at = HEADER_BYTES; at < sealed.length; at += chunk + TAG_BYTES) {
    chunks.push(sealed.subarray(at, at + chunk + TAG_BYTES));
  }
  return { header: sealed.subarray(0, HEADER_BYTES), chunks };
}

it('seals at 1 MiB chunks unless told otherwise', async () => {
  const key = randomBytes(32);
  const out = new SealStream(key, { context: 'obj-1' });
  const [sealed] = await Promise.all([buffer(out), pipeline(pieces(randomBytes(10)), out)]);
  expect(decodeHeader(sealed).chunkSize).toBe(1024 * 1024);
  expect(DEFAULT_CHUNK_SIZE).toBe(1024 * 1024);
});

// The smallest chunk, the chunk sealed with before (objects of that size are still stored) and the one now.
describe.each([MIN_CHUNK_SIZE, EARLIER_CHUNK_SIZE, DEFAULT_CHUNK_SIZE])(
  'sealed-object streams, %i-byte chunks',
  (chunk) => {
    const key = randomBytes(32);

    it.each([0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 5 * chunk + 77])(
      'round-trips %i bytes and hides the plaintext',
      async (size) => {
        const plain = randomBytes(size);
        const sealed = await seal(key, plain, chunk);
        expect(sealed.length).toBe(sealedSize(size, chunk));
        if (size >= 16) expect(sealed.includes(plain.subarray(0, 16))).toBe(false);
        expect((await open(key, sealed)).equals(plain)).toBe(true);
      },
    );

    it('uses a fresh nonce prefix per object, so equal content seals differently', async () => {
      const plain = Buffer.alloc(chunk, 7);
      expect((await seal(key, plain, chunk)).equals(await seal(key, plain, chunk))).toBe(false);
    });

    it('detects a flipped byte in any part of the object', async () => {
      const sealed = await seal(key, randomBytes(3 * chunk + 10), chunk);
      for (const at of [0, 5, HEADER_BYTES + 3, HEADER_BYTES + chunk + 1, sealed.length - 1]) {
        const tampered = Buffer.from(sealed);
        tampered[at] = (tampered[at] as number) ^ 0x01;
        expect(isDatalakeError(await openError(key, tampered), 'INTEGRITY_FAILED')).toBe(true);
      }
    });

    it('detects truncation at a chunk boundary and inside a chunk', async () => {
      const sealed = await seal(key, randomBytes(3 * chunk + 10), chunk);
      const { header, chunks } = chunksOf(sealed, chunk);
      const dropLast = Buffer.concat([header, ...chunks.slice(0, -1)]);
      expect(isDatalakeError(await openError(key, dropLast), 'INTEGRITY_FAILED')).toBe(true);
      expect(
        isDatalakeError(await openError(key, sealed.subarray(0, sealed.length - 5)), 'INTEGRITY_FAILED'),
      ).toBe(true);
      expect(isDatalakeError(await openError(key, header.subarray(0, 10)), 'INTEGRITY_FAILED')).toBe(true);
    });

    it('detects truncation when the content is an exact number of chunks', async () => {
      const sealed = await seal(key, randomBytes(2 * chunk), chunk);
      const { header, chunks } = chunksOf(sealed, chunk);
      expect(
        isDatalakeError(
          await openError(key, Buffer.concat([header, chunks[0] as Buffer])),
          'INTEGRITY_FAILED',
        ),
      ).toBe(true);
    });

    it('detects reordered and duplicated chunks', async () => {
      const sealed = await seal(key, randomBytes(3 * chunk + 10), chunk);
      const { header, chunks } = chunksOf(sealed, chunk);
      const [a, b, c, d] = chunks as [Buffer, Buffer, Buffer, Buffer];
      const swapped = Buffer.concat([header, b, a, c, d]);
      const duplicated = Buffer.concat([header, a, a, b, c, d]);
      expect(isDatalakeError(await openError(key, swapped), 'INTEGRITY_FAILED')).toBe(true);
      expect(isDatalakeError(await openError(key, duplicated), 'INTEGRITY_FAILED')).toBe(true);
    });

    it('refuses another key or another object context', async () => {
      const sealed = await seal(key, randomBytes(100), chunk);
      expect(isDatalakeError(await openError(randomBytes(32), sealed), 'INTEGRITY_FAILED')).toBe(true);
      expect(isDatalakeError(await openError(key, sealed, 'obj-2'), 'INTEGRITY_FAILED')).toBe(true);
    });

    it('never releases plaintext of a chunk that fails authentication', async () => {
      const plain = randomBytes(2 * chunk + 10);
      const sealed = await seal(key, plain, chunk);
      const tampered = Buffer.from(sealed);
      const second = HEADER_BYTES + chunk + TAG_BYTES + 4;
      tampered[second] = (tampered[second] as number) ^ 0xff;
      const released: Buffer[] = [];
      const out = new OpenStream(key, { context: 'obj-1' });
      out.on('data', (data: Buffer) => released.push(data));
      await expect(pipeline(pieces(tampered), out)).rejects.toMatchObject({ code: 'INTEGRITY_FAILED' });
      expect(Buffer.concat(released).equals(plain.subarray(0, chunk))).toBe(true);
    });

    it('detects a chunk swapped in from another object sealed under the same key and context', async () => {
      const one = chunksOf(await seal(key, randomBytes(2 * chunk + 10), chunk), chunk);
      const other = chunksOf(await seal(key, randomBytes(2 * chunk + 10), chunk), chunk);
      const mixed = Buffer.concat([
        one.header,
        one.chunks[0] as Buffer,
        other.chunks[1] as Buffer,
        one.chunks[2] as Buffer,
      ]);
      expect(isDatalakeError(await openError(key, mixed), 'INTEGRITY_FAILED')).toBe(true);
    });
  },
);

it('opens objects whatever chunk size their header names (sealed before and now)', async () => {
  const key = randomBytes(32);
  const plain = randomBytes(3 * DEFAULT_CHUNK_SIZE + 5);
  for (const chunk of [EARLIER_CHUNK_SIZE, DEFAULT_CHUNK_SIZE]) {
    const sealed = await seal(key, plain, chunk);
    expect(sealed.length).toBe(sealedSize(plain.length, chunk));
    expect((await open(key, sealed)).equals(plain)).toBe(true);
  }
});
