import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readJsonFile } from './read-file';

describe('reading a large JSON file in pieces', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'custodia-read-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives what JSON.parse of the whole file gives, characters split between pieces included', () => {
    // Multi-byte characters (2, 3 and 4 bytes) at every offset, so some straddle each 64 KiB piece boundary.
    const words = Array.from({ length: 40_000 }, (_, index) => `${'x'.repeat(index % 7)}é€😀${index}`);
    const value = { resourceType: 'Bundle', entry: words.map((word) => ({ display: word })) };
    const file = path.join(dir, 'large.json');
    writeFileSync(file, JSON.stringify(value));
    expect(readJsonFile(file)).toEqual(value);
  });

  it('fails on a file that is not JSON, as JSON.parse does', () => {
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{"entry": [');
    expect(() => readJsonFile(file)).toThrow(SyntaxError);
  });
});
