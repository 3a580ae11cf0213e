import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { storedKeys } from './stored-keys';
import type { KeyWalk, WalkEntry } from './stored-keys';

/** A bucket directory holding `keys` in s3rver's layout (`<key>._S3rver_object`, segments as directories). */
function bucketWith(keys: readonly string[]): string {
  const bucket = mkdtempSync(path.join(tmpdir(), 'stored-keys-'));
  for (const key of keys) {
    const file = path.join(bucket, `${key}._S3rver_object`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
    // s3rver's companion files are not keys.
    writeFileSync(path.join(bucket, `${key}._S3rver_metadata.json`), '{}');
  }
  return bucket;
}

async function walked(bucket: string, walk: KeyWalk): Promise<WalkEntry[]> {
  const found: WalkEntry[] = [];
  for await (const entry of storedKeys(bucket, walk)) found.push(entry);
  return found;
}

/** S3's listing, written from its definition: keys in order after startAfter under prefix, folded by delimiter. */
function s3Listing(keys: readonly string[], walk: KeyWalk): WalkEntry[] {
  const listed: WalkEntry[] = [];
  for (const key of [...new Set(keys)].sort()) {
    if (!key.startsWith(walk.prefix) || key <= walk.startAfter) continue;
    const at = walk.delimiter === '' ? -1 : key.indexOf(walk.delimiter, walk.prefix.length);
    if (at < 0) {
      listed.push({ key });
      continue;
    }
    const commonPrefix = key.slice(0, at + walk.delimiter.length);
    const last = listed.at(-1);
    if (last === undefined || !('commonPrefix' in last) || last.commonPrefix !== commonPrefix)
      listed.push({ commonPrefix });
  }
  return listed;
}

describe('the keys stored under a prefix', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const bucket of made) rmSync(bucket, { recursive: true, force: true });
  });

  it('lists exactly what S3 lists, in S3 order, for any keys, prefix, start-after and delimiter', async () => {
    // '.' and '..' are not names a directory can have (the lake's keys are ids, dates and hex).
    const segment = fc.stringMatching(/^[ab.-]{1,3}$/).filter((name) => !/^\.+$/.test(name));
    const key = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join('/'));
    const fragment = fc
      .array(fc.constantFrom('a', 'b', '-', '/', '.'), { maxLength: 5 })
      .map((c) => c.join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(key, { minLength: 1, maxLength: 25 }),
        fragment,
        fragment,
        fc.constantFrom('', '/', '-'),
        async (keys, prefix, startAfter, delimiter) => {
          const bucket = bucketWith(keys);
          made.push(bucket);
          const walk = { prefix, startAfter, delimiter };
          expect(await walked(bucket, walk)).toEqual(s3Listing(keys, walk));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads only the directories under the prefix, never the thousands of grants beside it', async () => {
    const keys = [
      ...Array.from({ length: 2000 }, (_, index) => `grants/g-${index}/record`),
      'grants/g-7/record-part-1',
      'expiry/000001/g-7',
    ];
    const bucket = bucketWith(keys);
    made.push(bucket);
    const read = jest.spyOn(fsPromises, 'readdir');
    try {
      expect(await walked(bucket, { prefix: 'grants/g-7/', startAfter: '', delimiter: '' })).toEqual([
        { key: 'grants/g-7/record' },
        { key: 'grants/g-7/record-part-1' },
      ]);
      expect(read.mock.calls.map(([directory]) => path.relative(bucket, String(directory)))).toEqual([
        'grants/g-7',
      ]);
    } finally {
      read.mockRestore();
    }
  });

  it('lists nothing under a prefix nothing was stored under', async () => {
    const bucket = bucketWith(['grants/g-1/record']);
    made.push(bucket);
    expect(await walked(bucket, { prefix: 'grants/g-2/', startAfter: '', delimiter: '' })).toEqual([]);
    expect(await walked(bucket, { prefix: 'nothing', startAfter: '', delimiter: '/' })).toEqual([]);
  });

  it('lists nothing of another bucket to a prefix that climbs out of its own (../, ./, //)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'stored-keys-root-'));
    made.push(root);
    for (const [bucket, key] of [
      ['mine', 'grants/g-1/record'],
      ['theirs', 'grants/g-9/record'],
    ] as const) {
      const file = path.join(root, bucket, `${key}._S3rver_object`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, '');
    }
    const mine = path.join(root, 'mine');
    for (const prefix of ['../theirs/', '../theirs/grants/', './grants/', 'grants//', 'grants/../../theirs/'])
      expect(await walked(mine, { prefix, startAfter: '', delimiter: '' })).toEqual([]);
  });
});
