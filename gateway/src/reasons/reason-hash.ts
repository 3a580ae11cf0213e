/**
 * What goes on-chain for a clinician's own words: SHA-256 of a random salt followed by the text (UTF-8), in
 * lowercase hex. The salt stays off-chain with the text, so the hash alone reveals nothing — not even a short or
 * common reason can be found by hashing guesses — and once both are erased the hash is meaningless.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const REASON_SALT_BYTES = 32;

export function newReasonSalt(): Buffer {
  return randomBytes(REASON_SALT_BYTES);
}

export function reasonHash(salt: Uint8Array, text: string): string {
  return createHash('sha256').update(salt).update(text, 'utf8').digest('hex');
}

/** Whether `text` with `salt` is what the ledger's `hash` was made from. */
export function reasonMatches(salt: Uint8Array, text: string, hash: string): boolean {
  const computed = Buffer.from(reasonHash(salt, text), 'hex');
  const expected = Buffer.from(hash, 'hex');
  return expected.length === computed.length && timingSafeEqual(computed, expected);
}
