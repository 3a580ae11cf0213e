/**
 * The organisations' key-encryption keys, held by a KeyProvider (a key file by default, a KMS or HSM in
 * production): they wrap the patient keys of a location (keyring.ts), never data directly. The wrap binds a context
 * (location, patient, owner), so a wrapped key cannot be moved to another patient.
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
