import { randomBytes } from 'node:crypto';
import { WalletErrorCode } from './errors';
import { seal, sealPrivateKey, unseal, unsealPrivateKey, walletKeyId } from './seal';
import type { SealedKey } from './seal';

const key = randomBytes(32);
const context = { mspId: 'HospitalDEMSP', id: 'patient-1', certificate: '-----BEGIN CERTIFICATE-----\nAA\n' };
const secret = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n';

function flip(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('wallet key sealing (AES-256-GCM)', () => {
  it('round-trips the private key and never stores it in clear', () => {
    const sealed = sealPrivateKey(key, secret, context);
    expect(JSON.stringify(sealed)).not.toContain('secret-key-material');
    expect(unsealPrivateKey(key, sealed, context)).toBe(secret);
  });

  it('uses a fresh IV for every seal', () => {
    const first = sealPrivateKey(key, secret, context);
    const second = sealPrivateKey(key, secret, context);
    expect(first.iv).not.toBe(second.iv);
    expect(first.ciphertext).not.toBe(second.ciphertext);
  });

  it.each<[string, (sealed: SealedKey) => SealedKey]>([
    ['ciphertext', (sealed) => ({ ...sealed, ciphertext: flip(sealed.ciphertext) })],
    ['tag', (sealed) => ({ ...sealed, tag: flip(sealed.tag) })],
    ['iv', (sealed) => ({ ...sealed, iv: flip(sealed.iv) })],
    ['truncated tag', (sealed) => ({ ...sealed, tag: Buffer.alloc(4).toString('base64') })],
  ])('refuses an entry whose %s was altered', (_field, alter) => {
    const sealed = alter(sealPrivateKey(key, secret, context));
    expect(() => unsealPrivateKey(key, sealed, context)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.EntryTampered }),
    );
  });

  it.each([
    ['MSP id', { ...context, mspId: 'HospitalFRMSP' }],
    ['label', { ...context, id: 'patient-2' }],
    ['certificate', { ...context, certificate: `${context.certificate}B` }],
  ])('refuses a sealed key moved to another %s', (_what, other) => {
    const sealed = sealPrivateKey(key, secret, context);
    expect(() => unsealPrivateKey(key, sealed, other)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.EntryTampered }),
    );
  });

  it('tells a wrong wallet key apart from tampering', () => {
    const sealed = sealPrivateKey(key, secret, context);
    expect(() => unsealPrivateKey(randomBytes(32), sealed, context)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.KeyMismatch }),
    );
    expect(walletKeyId(key)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(() => sealPrivateKey(randomBytes(16), secret, context)).toThrow(
      expect.objectContaining({ code: WalletErrorCode.KeyInvalid }),
    );
  });
});

describe('sealing other secrets', () => {
  it('round-trips and binds to the context', () => {
    const sealed = seal(key, 'JBSWY3DPEHPK3PXP', ['custodia-totp/1', 'user-1']);
    expect(unseal(key, sealed, ['custodia-totp/1', 'user-1'])).toBe('JBSWY3DPEHPK3PXP');
    expect(() => unseal(key, sealed, ['custodia-totp/1', 'user-2'])).toThrow(
      expect.objectContaining({ code: WalletErrorCode.EntryTampered }),
    );
  });
});
