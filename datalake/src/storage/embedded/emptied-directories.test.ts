import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { removeEmptiedDirectories } from './emptied-directories';

/** A bucket directory with an (empty) object file for each key, in s3rver's layout. */
function bucketWith(keys: readonly string[]): string {
  const bucket = mkdtempSync(path.join(tmpdir(), 'emptied-'));
  for (const key of keys) {
    const file = path.join(bucket, `${key}._S3rver_object`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '');
  }
  return bucket;
}

describe('the directories a deleted object leaves', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const bucket of made) rmSync(bucket, { recursive: true, force: true });
  });
  afterEach(() => jest.restoreAllMocks());

  it('go when empty, deepest first, up to the first one still holding something; the bucket stays', async () => {
    const bucket = bucketWith(['grants/g-1/record', 'grants/g-2/record', 'expiry/0001/g-1/pt/mac']);
    made.push(bucket);
    rmSync(path.join(bucket, 'expiry/0001/g-1/pt/mac._S3rver_object'));
    await removeEmptiedDirectories(bucket, 'expiry/0001/g-1/pt/mac');
    expect(readdirSync(bucket).sort()).toEqual(['grants']);
    rmSync(path.join(bucket, 'grants/g-1/record._S3rver_object'));
    await removeEmptiedDirectories(bucket, 'grants/g-1/record');
    expect(readdirSync(path.join(bucket, 'grants'))).toEqual(['g-2']);
    rmSync(path.join(bucket, 'grants/g-2/record._S3rver_object'));
    await removeEmptiedDirectories(bucket, 'grants/g-2/record');
    expect(existsSync(bucket)).toBe(true);
    expect(readdirSync(bucket)).toEqual([]);
  });

  it('never reads a directory: thousands of live grants beside the deleted one cost nothing', async () => {
    const live = Array.from({ length: 2_000 }, (_, i) => `grants/g-${i}/record`);
    const bucket = bucketWith([...live, 'grants/gone/record']);
    made.push(bucket);
    rmSync(path.join(bucket, 'grants/gone/record._S3rver_object'));
    const reads = [
      jest.spyOn(fs, 'readdirSync'),
      jest.spyOn(fs, 'readdir'),
      jest.spyOn(fsPromises, 'readdir'),
      jest.spyOn(fsPromises, 'opendir'),
    ];
    await removeEmptiedDirectories(bucket, 'grants/gone/record');
    for (const read of reads) expect(read).not.toHaveBeenCalled();
    expect(existsSync(path.join(bucket, 'grants/gone'))).toBe(false);
    expect(readdirSync(path.join(bucket, 'grants'))).toHaveLength(2_000);
  });

  it('leaves a directory an upload refilled, and a directory a concurrent deletion removed first is no error', async () => {
    const bucket = bucketWith(['a/b/one', 'a/b/two']);
    made.push(bucket);
    rmSync(path.join(bucket, 'a/b/one._S3rver_object'));
    // The other object is still there (as if an upload had just written it): nothing is removed.
    await removeEmptiedDirectories(bucket, 'a/b/one');
    expect(existsSync(path.join(bucket, 'a/b/two._S3rver_object'))).toBe(true);
    // Both deletions clean up at once: whichever loses the race finds its directories gone.
    rmSync(path.join(bucket, 'a/b/two._S3rver_object'));
    await Promise.all([
      removeEmptiedDirectories(bucket, 'a/b/one'),
      removeEmptiedDirectories(bucket, 'a/b/two'),
    ]);
    expect(readdirSync(bucket)).toEqual([]);
  });

  it('does not climb out of the bucket for a key made of dot segments', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'emptied-root-'));
    made.push(root);
    const bucket = path.join(root, 'bucket');
    mkdirSync(path.join(root, 'sibling'), { recursive: true });
    mkdirSync(bucket);
    await removeEmptiedDirectories(bucket, '../sibling/x');
    expect(existsSync(path.join(root, 'sibling'))).toBe(true);
  });
});
