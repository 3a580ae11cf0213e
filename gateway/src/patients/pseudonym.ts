/**
 * Patients' ledger ids: opaque pseudonyms the platform generates, never chosen by a request — `pt-` and 26
 * lowercase RFC 4648 base32 characters carrying 130 random bits (the chaincode's `FORMATS.patientId`). Nothing
 * about the person can be read from one, and no request can aim a new patient at an id that already means someone.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const PREFIX = 'pt-';
const LENGTH = 26;

export function newPatientId(): string {
  // 17 bytes = 136 bits; 26 characters take 130 of them, 5 bits each.
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let id = PREFIX;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && id.length < PREFIX.length + LENGTH) {
      bits -= 5;
      id += ALPHABET[(value >>> bits) & 31];
    }
    value &= (1 << bits) - 1;
  }
  return id;
}
