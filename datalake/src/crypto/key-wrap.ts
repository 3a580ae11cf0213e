/**
 * One way of wrapping a 256-bit key under another (AES-256-GCM, random 96-bit nonce, bound to `aad`):
 * `nonce | ciphertext | tag`, base64url. The organisation keys wrap patient keys and the patient keys wrap data keys
 * with it; what the key is bound to (owner, object, context) is the caller's AAD.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DatalakeError } from '../errors';
import { KEY_BYTES, TAG_BYTES } from './format';

const NONCE_BYTES = 12;

export function wrapKey(kek: Buffer, key: Buffer, aad: Buffer): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/** INTEGRITY_FAILED when the wrapped key is malformed, was altered, or was bound to another AAD. */
export function unwrapKey(kek: Buffer, wrapped: string, aad: Buffer): Buffer {
  const bytes = Buffer.from(wrapped, 'base64url');
  if (bytes.length !== NONCE_BYTES + KEY_BYTES + TAG_BYTES)
    throw new DatalakeError('INTEGRITY_FAILED', 'wrapped data key is malformed');
  const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(bytes.subarray(NONCE_BYTES + KEY_BYTES));
  try {
    return Buffer.concat([
      decipher.update(bytes.subarray(NONCE_BYTES, NONCE_BYTES + KEY_BYTES)),
      decipher.final(),
    ]);
  } catch {
    throw new DatalakeError('INTEGRITY_FAILED', 'wrapped data key failed authentication');
  }
}
