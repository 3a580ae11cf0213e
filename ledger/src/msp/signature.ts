import { createPrivateKey, sign as cryptoSign, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { decodeDerSignature, encodeDerSignature } from './der-signature';

/** Order of the P-256 group; Fabric accepts only signatures with s <= n/2 (no malleable twins). */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_ORDER = P256_ORDER >> 1n;

// Parsing PEM costs more than verifying; the network verifies the same few certificates constantly.
const KEY_CACHE_LIMIT = 10_000;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, pem: string, parse: (pem: string) => KeyObject): KeyObject {
  let key = cache.get(pem);
  if (!key) {
    if (cache.size >= KEY_CACHE_LIMIT) cache.clear();
    key = parse(pem);
    cache.set(pem, key);
  }
  return key;
}

function publicKeyOf(certificate: string | KeyObject): KeyObject {
  if (typeof certificate !== 'string') return certificate;
  return cached(publicKeys, certificate, (pem) => new X509Certificate(pem).publicKey);
}

/** ECDSA-SHA256 over `message`, DER encoded, normalised to low-S as Fabric requires. */
export function sign(privateKeyPem: string | KeyObject, message: Uint8Array): Uint8Array {
  const key =
    typeof privateKeyPem === 'string' ? cached(privateKeys, privateKeyPem, createPrivateKey) : privateKeyPem;
  const der = cryptoSign('sha256', message, { key, dsaEncoding: 'der' });
  const values = decodeDerSignature(der);
  if (!values) throw new Error('node:crypto produced an undecodable ECDSA signature');
  if (values.s <= P256_HALF_ORDER) return new Uint8Array(der);
  return encodeDerSignature({ r: values.r, s: P256_ORDER - values.s });
}

/** True when `signature` is a valid low-S DER ECDSA-SHA256 signature of `message` by the certificate's key. */
export function verify(certificate: string | KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  const values = decodeDerSignature(signature);
  if (!values || values.r === 0n || values.s === 0n || values.s > P256_HALF_ORDER) return false;
  try {
    return cryptoVerify('sha256', message, { key: publicKeyOf(certificate), dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
