/**
 * The wallet's cryptography, pure: a secret sealed with AES-256-GCM under a 32-byte key, bound by the additional
 * authenticated data to where it belongs. A private key is bound to its entry (MSP id, label, certificate), so
 * moving a sealed key to another entry, or pairing it with another certificate, fails authentication like any
 * altered byte. `seal`/`unseal` serve other secrets at rest the same way (e.g. the gateway's TOTP secrets).
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { WalletError, WalletErrorCode } from './errors';

export const WALLET_KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface Sealed {
  readonly algorithm: 'AES-256-GCM';
  /** Identifies the wallet key (not secret): a wrong key is told apart from a tampered entry. */
  readonly keyId: string;
  readonly iv: string;
  readonly tag: string;
  readonly ciphertext: string;
}

/** A sealed private key. */
export type SealedKey = Sealed;

/** What a sealed private key is bound to. */
export interface SealContext {
  readonly mspId: string;
  readonly id: string;
  readonly certificate: string;
}

/** A public fingerprint of the wallet key: HMAC-SHA256(key, label), first 8 bytes. */
export function walletKeyId(key: Uint8Array): string {
  return createHmac('sha256', key).update('custodia-wallet-key-id').digest().subarray(0, 8).toString('hex');
}

function checkKey(key: Uint8Array): void {
  if (key.length !== WALLET_KEY_BYTES)
    throw new WalletError(WalletErrorCode.KeyInvalid, `the wallet key must be ${WALLET_KEY_BYTES} bytes`);
}

function walletContext(context: SealContext): readonly string[] {
  return ['custodia-wallet/1', context.mspId, context.id, context.certificate];
}

function additionalData(context: readonly string[]): Buffer {
  return Buffer.from(JSON.stringify(context));
}

export function sealPrivateKey(key: Uint8Array, privateKey: string, context: SealContext): SealedKey {
  return seal(key, privateKey, walletContext(context));
}

export function unsealPrivateKey(key: Uint8Array, sealed: SealedKey, context: SealContext): string {
  return unseal(key, sealed, walletContext(context));
}

/** Seals `plaintext` bound to `context` (a purpose label first, then what it belongs to). */
export function seal(key: Uint8Array, plaintext: string, context: readonly string[]): Sealed {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    algorithm: 'AES-256-GCM',
    keyId: walletKeyId(key),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** The plaintext of `sealed`; WALLET_KEY_MISMATCH under another key, WALLET_ENTRY_TAMPERED when altered or moved. */
export function unseal(key: Uint8Array, sealed: Sealed, context: readonly string[]): string {
  checkKey(key);
  if (sealed.keyId !== walletKeyId(key))
    throw new WalletError(WalletErrorCode.KeyMismatch, 'the secret was sealed under another key');
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new WalletError(WalletErrorCode.EntryTampered, 'the sealed secret failed authentication');
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(additionalData(context));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new WalletError(WalletErrorCode.EntryTampered, 'the sealed secret failed authentication');
  }
}
