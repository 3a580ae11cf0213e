/**
 * After an object's files are unlinked, the directories its key made that are now empty go too (s3rver's layout:
 * key `a/b/c` is `<bucket>/a/b/c._S3rver_*`, so `a/b/` and `a/` exist only for keys under them). s3rver checked each
 * with a synchronous `readdirSync` — of the first non-empty one as well, which for a grant's record is `grants/` and
 * for an expiry marker `expiry/`, thousands of entries each with thousands of live grants: every deletion blocked the
 * event loop for O(live grants), more as the consumer zone grew (issue #17's soak). Here `rmdir` alone decides, as
 * the kernel does it atomically: it removes an empty directory and refuses a non-empty one, so no directory is read
 * and a concurrent upload into it cannot lose its directory between a check and the removal.
 */
import { rmdir } from 'node:fs/promises';
import path from 'node:path';

/** Answers of `rmdir` that mean "stop climbing": refilled (ENOTEMPTY, EEXIST on some systems), or already gone. */
const STOP = new Set(['ENOTEMPTY', 'EEXIST', 'ENOENT']);

/** Removes the key's directories that are empty, deepest first, up to (never including) the bucket's. */
export async function removeEmptiedDirectories(bucketPath: string, key: string): Promise<void> {
  const parts = key.split('/');
  // The last segment is the object's own name, part of its files' names, not a directory.
  parts.pop();
  const inside = `${path.resolve(bucketPath)}${path.sep}`;
  while (parts.length > 0) {
    const directory = path.resolve(bucketPath, ...parts);
    // A key with `..` segments names nothing of this bucket's: what lies outside is never removed.
    if (!directory.startsWith(inside)) return;
    try {
      await rmdir(directory);
    } catch (error) {
      if (STOP.has((error as NodeJS.ErrnoException).code ?? '')) return;
      throw error;
    }
    parts.pop();
  }
}
