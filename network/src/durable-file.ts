import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';

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
