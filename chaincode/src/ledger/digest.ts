/**
 * SHA-256 over canonical JSON. Decoded arguments are rebuilt in declaration order with sets in
 * canonical order, so equal requests serialise, and hash, identically.
 */
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export function digestOf(value: unknown): string {
  return sha256Hex(JSON.stringify(value));
}
