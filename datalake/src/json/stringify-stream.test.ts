import fc from 'fast-check';
import { jsonPieces, jsonStream } from './stringify-stream';

async function text(stream: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}

describe('jsonPieces / jsonStream', () => {
  it('writes exactly what JSON.stringify writes, members and array items one piece at a time', async () => {
    const bundle = {
      resourceType: 'Bundle',
      skipped: undefined,
      meta: { security: [{ code: 'R' }] },
      entry: [
        { resource: { id: 'a', text: 'ü "quoted" \u2028' } },
        undefined,
        { n: 1.5, list: [null, true] },
      ],
      empty: [],
      nested: { deep: [1, [2, [3]]] },
    };
    const pieces = [...jsonPieces(bundle)];
    expect(pieces.join('')).toBe(JSON.stringify(bundle));
    // Each entry is a piece of its own: the document is never serialised whole.
    expect(pieces).toContain(JSON.stringify(bundle.entry[0]));
    expect(await text(jsonStream(bundle))).toBe(JSON.stringify(bundle));
  });

  it('agrees with JSON.stringify on arbitrary objects and large arrays', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.jsonValue()), async (value) => {
        expect([...jsonPieces(value)].join('')).toBe(JSON.stringify(value));
        expect(await text(jsonStream(value))).toBe(JSON.stringify(value));
      }),
      { numRuns: 200 },
    );
    const large = { entry: Array.from({ length: 5000 }, (_, index) => ({ index, text: 'x'.repeat(50) })) };
    const chunks: Buffer[] = [];
    for await (const chunk of jsonStream(large)) chunks.push(chunk as Buffer);
    expect(chunks.length).toBeGreaterThan(3);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(JSON.stringify(large));
  });
});
