/**
 * Keyed hashes (HMAC-SHA256 under a secret of the lake): what the lake keeps of identifiers it must match but never
 * show — source ids (a file name often names its patient), content identities, and the tokens that stand for a
 * patient id in local file names and index keys. Without the key they cannot be computed from a guess.
 */
import { createHmac } from 'node:crypto';

export class KeyedHash {
  constructor(private readonly key: Buffer) {}

  /** Lowercase hex HMAC of `parts` in `domain` (different domains never collide). */
  hex(domain: string, ...parts: readonly string[]): string {
    const mac = createHmac('sha256', this.key).update(`custodia-${domain}`);
    for (const part of parts) mac.update('\0').update(part);
    return mac.digest('hex');
  }

  /** The token standing for a patient id in file names and index keys (so erasure leaves no id behind). */
  patientToken(patientId: string): string {
    return this.hex('patient-token', patientId).slice(0, 32);
  }

  /**
   * The token standing for a category of one patient's records in index keys: no category in clear, and the same
   * category of two patients under different tokens (keys do not line up across patients).
   */
  categoryToken(patientId: string, category: string): string {
    return this.hex('category-token', patientId, category).slice(0, 32);
  }
}
