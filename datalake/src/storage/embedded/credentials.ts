/**
 * The embedded S3 server's keys. Configured (`CUSTODIA_S3_ACCESS_KEY` / `_SECRET_KEY`), or generated on first start
 * and kept in its data directory: a 32-byte random secret in `.custodia-s3-secret.key` (mode 0600, created once even
 * by racing processes), from which the access key id is derived — so every installation has its own pair and none
 * is a published default.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readKeyFile } from '../../crypto/key-file';
import type { S3Credentials } from '../sigv4';

/** A dot-name: never a bucket (bucket names start with a letter or digit), so s3rver never lists it. */
export const SECRET_FILE = '.custodia-s3-secret.key';

export async function embeddedCredentials(directory: string): Promise<S3Credentials> {
  const secret = (await readKeyFile(path.join(directory, SECRET_FILE), true)) as Buffer;
  const secretKey = secret.toString('hex');
  const id = createHash('sha256').update(`custodia-s3-access-key:${secretKey}`).digest('hex').slice(0, 12);
  return { accessKey: `CUSTODIA${id.toUpperCase()}`, secretKey };
}
