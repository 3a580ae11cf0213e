/**
 * A 32-byte secret kept as hex in a file of its own (organisation keys, the binary-link secret). When asked to,
 * a missing one is created once, mode 0600 (`createSecretFileOnce`: never torn, the same for racing processes).
 */
import { readFile } from 'node:fs/promises';
import { createSecretFileOnce } from '@custodia/ledger';
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
  await createSecretFileOnce(file, KEY_BYTES);
  return parseKey(await readFile(file, 'utf8'));
}

function parseKey(text: string): Buffer {
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new DatalakeError('INTERNAL', 'key file is not 32 bytes of hex');
  return Buffer.from(hex, 'hex');
}
