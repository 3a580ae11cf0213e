import { randomBytes } from 'node:crypto';
import { WalletError, WalletErrorCode } from './errors';
import { sealPrivateKey, unsealPrivateKey, walletKeyId } from './seal';
import type { SealedKey } from './seal';

const key = randomBytes(32);
const context = { mspId: 'HospitalDEMSP', id: 'patient-1', certificate: '-----BEGIN CERTIFICATE-----\nAA\n' };
const secret = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof WalletError) return error.code;
    throw error;
  }
  return undefined;
}

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
    expect(codeOf(() => unsealPrivateKey(key, sealed, context))).toBe(WalletErrorCode.EntryTampered);
  });

  it.each([
    ['MSP id', { ...context, mspId: 'HospitalFRMSP' }],
    ['label', { ...context, id: 'patient-2' }],
    ['certificate', { ...context, certificate: `${context.certificate}B` }],
  ])('refuses a sealed key moved to another %s', (_what, other) => {
    const sealed = sealPrivateKey(key, secret, context);
    expect(codeOf(() => unsealPrivateKey(key, sealed, other))).toBe(WalletErrorCode.EntryTampered);
  });

  it('tells a wrong wallet key apart from tampering', () => {
    const sealed = sealPrivateKey(key, secret, context);
    expect(codeOf(() => unsealPrivateKey(randomBytes(32), sealed, context))).toBe(
      WalletErrorCode.KeyMismatch,
    );
    expect(walletKeyId(key)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a key that is not 32 bytes', () => {
    expect(codeOf(() => sealPrivateKey(randomBytes(16), secret, context))).toBe(WalletErrorCode.KeyInvalid);
  });
});
