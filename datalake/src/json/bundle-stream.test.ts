import { Readable } from 'node:stream';
import { bundleParts } from './bundle-stream';
import type { BundlePart } from './bundle-stream';

const limits = { maxEntryBytes: 10_000, maxMemberBytes: 1000 };

async function parts(text: string, chunk = 7, custom = limits): Promise<BundlePart[]> {
  const bytes = Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunk) chunks.push(bytes.subarray(at, at + chunk));
  const found: BundlePart[] = [];
  for await (const part of bundleParts(Readable.from(chunks), custom)) found.push(part);
  return found;
}

describe('reading a Bundle entry by entry', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    meta: { security: [{ code: 'R' }] },
    entry: [
      {
        fullUrl: 'urn:uuid:1',
        resource: { resourceType: 'Patient', name: [{ text: 'a "quoted" ] } name' }] },
      },
      { resource: { resourceType: 'Observation', status: 'final', code: { text: '{[' }, valueInteger: 3 } },
    ],
    total: 2,
  };

  it('yields every member and every entry as its own JSON, whatever the chunking', async () => {
    for (const chunk of [1, 3, 7, 64, 100_000]) {
      const found = await parts(JSON.stringify(bundle, null, chunk === 3 ? 2 : undefined), chunk);
      expect(
        found.map((part) =>
          part.kind === 'member' ? [part.key, JSON.parse(part.json)] : [part.index, JSON.parse(part.json)],
        ),
      ).toEqual([
        ['resourceType', 'Bundle'],
        ['type', 'transaction'],
        ['meta', bundle.meta],
        [0, bundle.entry[0]],
        [1, bundle.entry[1]],
        ['total', 2],
      ]);
    }
  });

  it('refuses what would exhaust memory or the stack: deep nesting, oversized entries, broken structure', async () => {
    const deep = `{"resourceType":"Bundle","entry":[{"resource":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`;
    await expect(parts(deep, 4096)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    const big = JSON.stringify({
      resourceType: 'Bundle',
      entry: [{ resource: { text: 'x'.repeat(20_000) } }],
    });
    await expect(parts(big, 4096)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const bigMember = JSON.stringify({ resourceType: 'Bundle', meta: { text: 'x'.repeat(2000) } });
    await expect(parts(bigMember)).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    for (const broken of ['[1,2]', '{"entry":[1]}', '{"entry":[{}]', '{"a":1}}', '{"a":1} {"b":2}'])
      await expect(parts(broken)).rejects.toBeDefined();
  });
});
