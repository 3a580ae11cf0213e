import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Replaces `dir/name` atomically and durably: write a temporary file, fsync it, rename it over the target,
 * fsync the directory. A crash leaves either the old or the new content, never a torn file.
 */
export async function writeFileAtomically(
  dir: string,
  name: string,
  content: string,
  mode: number,
): Promise<void> {
  const target = join(dir, name);
  const temporary = `${target}.${process.pid}.tmp`;
  const file = await open(temporary, 'w', mode);
  try {
    await file.writeFile(content, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, target);
  const directory = await open(dir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

/**
 * Creates `path` holding a new random secret of `bytes` bytes (hex, mode 0600) unless it exists: written whole to a
 * temporary file and hard-linked into place — link, unlike rename, never replaces a file another process created
 * meanwhile, so two processes starting together end up with the same secret and a crash never leaves a torn one.
 */
export async function createSecretFileOnce(path: string, bytes: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(`${randomBytes(bytes).toString('hex')}\n`, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temporary);
  }
}
