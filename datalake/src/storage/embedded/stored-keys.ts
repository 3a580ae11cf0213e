/**
 * The keys s3rver's filesystem store holds under a prefix, in S3 order, read without scanning what lies beside the
 * prefix. s3rver's own listing walks from the bucket's root with a synchronous `readdirSync` + `statSync` of every
 * entry of every directory on the way: listing `grants/<id>/` stat-ed every live grant's directory, blocking the
 * event loop for O(live grants) on each prefix delete, assembly and sweep — the cost of every request grew with the
 * consumer zone (issue #17's soak). Here the walk starts at the deepest directory the prefix names, reads
 * directories asynchronously with their entry types (no stat), skips entries before `startAfter` unread, and stops
 * once it has what was asked.
 *
 * On disk (s3rver's layout, unchanged): key `a/b/c` is the file `<bucket>/a/b/c._S3rver_object`, so a key's
 * directories are its segments. Keys are not escaped on POSIX (s3rver escapes only on Windows, where the embedded
 * server does not run).
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

const OBJECT_SUFFIX = '._S3rver_object';

export interface KeyWalk {
  readonly prefix: string;
  /** Keys after this one only (S3's `start-after`). */
  readonly startAfter: string;
  readonly delimiter: string;
}

/** A key, or a common prefix (keys under the delimiter folded into it, as S3 lists them). */
export type WalkEntry = { readonly key: string } | { readonly commonPrefix: string };

async function entries(directory: string): Promise<Dirent[]> {
  try {
    return await readdir(directory, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Nothing stored under this prefix (or its directory just removed by a delete's cleanup).
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

/**
 * One directory's children in key order: a file `<name>._S3rver_object` is the key `<dir><name>`; a directory
 * `<name>` stands for the keys under `<dir><name>/`, which sort together wherever `<dir><name>/` sorts (a sibling's
 * key cannot contain the `/`, so it is either before all of them or after all of them).
 */
function children(
  dir: string,
  found: readonly Dirent[],
): { readonly at: string; readonly directory: boolean }[] {
  const listed: { at: string; directory: boolean }[] = [];
  for (const entry of found) {
    if (entry.isDirectory()) listed.push({ at: `${dir}${entry.name}/`, directory: true });
    else if (entry.isFile() && entry.name.endsWith(OBJECT_SUFFIX))
      listed.push({ at: `${dir}${entry.name.slice(0, -OBJECT_SUFFIX.length)}`, directory: false });
  }
  // S3 orders by UTF-8 bytes; code-unit order is the same for the keys the lake writes (ASCII).
  return listed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Whether any key lies under `dir` (stops at the first one). */
async function holdsAKey(root: string, dir: string): Promise<boolean> {
  for (const child of children(dir, await entries(path.join(root, dir)))) {
    if (!child.directory || (await holdsAKey(root, child.at))) return true;
  }
  return false;
}

/** Keys and common prefixes under `walk.prefix` after `walk.startAfter`, in order, read as they are consumed. */
export async function* storedKeys(bucketPath: string, walk: KeyWalk): AsyncGenerator<WalkEntry> {
  const { prefix, startAfter, delimiter } = walk;
  let lastPrefix: string | undefined;
  // The deepest directory every key under the prefix lies in: `a/b/c` → `a/b/`.
  const start = prefix.slice(0, prefix.lastIndexOf('/') + 1);
  async function* under(dir: string): AsyncGenerator<WalkEntry> {
    for (const child of children(dir, await entries(path.join(bucketPath, dir)))) {
      // Outside the prefix: neither under it nor on the way to it.
      if (!child.at.startsWith(prefix) && !(child.directory && prefix.startsWith(child.at))) continue;
      // Wholly before startAfter (a directory startAfter lies in is walked: part of it may follow).
      if (
        child.directory ? child.at < startAfter && !startAfter.startsWith(child.at) : child.at <= startAfter
      )
        continue;
      const folded = delimiter === '' ? -1 : child.at.indexOf(delimiter, prefix.length);
      // A directory startAfter lies in is walked key by key instead: only its keys after startAfter count.
      if (folded >= 0 && child.at.startsWith(prefix) && !startAfter.startsWith(child.at)) {
        // Within the directory's own path, so every key under it folds into the same common prefix.
        const commonPrefix = child.at.slice(0, folded + delimiter.length);
        if (commonPrefix === lastPrefix) continue;
        // S3 lists no empty common prefix (a delete's cleanup may have left the directory behind).
        if (child.directory && !(await holdsAKey(bucketPath, child.at))) continue;
        lastPrefix = commonPrefix;
        yield { commonPrefix };
        continue;
      }
      if (child.directory) yield* under(child.at);
      else yield { key: child.at };
    }
  }
  // A directory segment that is empty, '.' or '..' names no directory of the layout (the path would collapse
  // or climb out of the bucket): nothing is stored under it.
  if (
    start
      .split('/')
      .slice(0, -1)
      .some((segment) => segment === '' || segment === '.' || segment === '..')
  )
    return;
  yield* under(start);
}
