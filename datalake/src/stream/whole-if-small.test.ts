import { PassThrough, Readable } from 'node:stream';
import { wholeIfSmall } from './whole-if-small';

const chunks = (count: number, size: number): Buffer[] =>
  Array.from({ length: count }, (_, index) => Buffer.alloc(size, index));

async function bytesOf(body: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(body)) return body;
  const parts: Buffer[] = [];
  for await (const part of body) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('wholeIfSmall', () => {
  it('answers a small body as one buffer', async () => {
    const parts = chunks(4, 100);
    const body = await wholeIfSmall(Readable.from(parts), 1000);
    expect(Buffer.isBuffer(body)).toBe(true);
    expect((body as Buffer).equals(Buffer.concat(parts))).toBe(true);
  });

  it('hands a large body on as a stream of every byte, without reading past the limit first', async () => {
    const source = new PassThrough();
    const parts = chunks(50, 1000);
    // Only what it needs to decide is written before the answer: the rest comes later.
    for (const part of parts.slice(0, 3)) source.write(part);
    const body = await wholeIfSmall(source, 2500);
    expect(Buffer.isBuffer(body)).toBe(false);
    for (const part of parts.slice(3)) source.write(part);
    source.end();
    expect((await bytesOf(body)).equals(Buffer.concat(parts))).toBe(true);
  });

  it('passes a failure of the source on to the stream it hands out', async () => {
    const source = new PassThrough();
    source.write(Buffer.alloc(3000));
    const body = (await wholeIfSmall(source, 1000)) as Readable;
    source.destroy(new Error('client went away'));
    await expect(bytesOf(body)).rejects.toThrow('client went away');
  });
});
