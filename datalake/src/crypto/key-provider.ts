/**
 * Envelope encryption: every object has its own random data key; the key is stored only wrapped by
 * its organisation's key-encryption key, which a KeyProvider holds (a key file by default, a KMS or
 * HSM in production). The wrap binds a context (the object id), so a wrapped key cannot be moved to
 * another object.
 */
import { randomBytes } from 'node:crypto';
import { KEY_BYTES } from './format';

export interface WrappedKey {
  /** The organisation whose key wrapped this one. */
  readonly owner: string;
  /** Identifies the key-encryption key version (so rotation can tell which key to use). */
  readonly kekId: string;
  readonly alg: 'A256GCM';
  /** base64url of nonce | ciphertext | tag. */
  readonly wrapped: string;
}

export interface KeyProvider {
  wrap(owner: string, dataKey: Buffer, context: string): Promise<WrappedKey>;
  /** Fails with INTEGRITY_FAILED when the wrapped key was altered or belongs to another context. */
  unwrap(key: WrappedKey, context: string): Promise<Buffer>;
}

export function generateDataKey(): Buffer {
  return randomBytes(KEY_BYTES);
}
