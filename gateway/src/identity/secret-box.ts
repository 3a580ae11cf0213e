/**
 * Secrets the gateway keeps at rest (TOTP secrets), sealed with AES-256-GCM like the wallet's keys, under the
 * gateway's own key: CUSTODIA_GATEWAY_SECRET_KEY (64 hex digits) or `<dataDir>/keys/secrets.key` (0600, created
 * on first use in development).
 */
import { hkdfSync } from 'node:crypto';
import { join } from 'node:path';
import { loadWalletKey, seal, unseal } from '@custodia/ledger';
import type { Sealed } from '@custodia/ledger';

export const SECRET_KEY_ENV = 'CUSTODIA_GATEWAY_SECRET_KEY';

export class SecretBox {
  constructor(private readonly key: Uint8Array) {}

  static async open(dataDir: string, env: Readonly<Record<string, string | undefined>>): Promise<SecretBox> {
    return new SecretBox(
      await loadWalletKey({ env, variable: SECRET_KEY_ENV, keyFile: join(dataDir, 'keys', 'secrets.key') }),
    );
  }

  /** `context` names the purpose and owner, e.g. ["custodia-totp/1", userId]: a sealed value moved elsewhere fails. */
  seal(plaintext: string, context: readonly string[]): Sealed {
    return seal(this.key, plaintext, context);
  }

  open(sealed: Sealed, context: readonly string[]): string {
    return unseal(this.key, sealed, context);
  }

  /** A 32-byte key of its own for `context` (HKDF-SHA256 of the gateway's key), e.g. to seal one upload's parts. */
  deriveKey(context: readonly string[]): Buffer {
    return Buffer.from(
      hkdfSync('sha256', this.key, Buffer.alloc(0), Buffer.from(context.join('\0'), 'utf8'), 32),
    );
  }
}
