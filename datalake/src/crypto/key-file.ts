/**
 * A 32-byte secret kept as hex in a file of its own (organisation keys, the binary-link secret). When asked to,
 * a missing one is created once, mode 0600: written whole to a temporary file and hard-linked into place, so a
 * crash never leaves a torn key and two processes starting together end up with the same one.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DatalakeError } from '../errors';
import { KEY_BYTES } from './format';

/** The key in `file`; undefined when there is none and `create` is false. */
export async function readKeyFile(file: string, create: boolean): Promise<Buffer | undefined> {
  try {
    return parseKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!create) return undefined;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${key.toString('hex')}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    // link, unlike rename, never replaces a key another process created meanwhile.
    await link(temporary, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return parseKey(await readFile(file, 'utf8'));
    throw error;
  } finally {
    await unlink(temporary);
  }
}

function parseKey(text: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new DatalakeError('INTERNAL', 'key file is not 32 bytes of hex');
  return Buffer.from(hex, 'hex');
}
