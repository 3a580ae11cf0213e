import { createPrivateKey, sign as cryptoSign, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { boundedMemo, PEM_MEMO } from './bounded-memo';
import { decodeDerSignature, encodeDerSignature } from './der-signature';

/** Order of the P-256 group; Fabric accepts only signatures with s <= n/2 (no malleable twins). */
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_ORDER = P256_ORDER >> 1n;

/** Parsing PEM costs more than verifying; the network verifies the same few certificates constantly. */
const privateKeyOf = boundedMemo(PEM_MEMO, (pem) => createPrivateKey(pem));
const publicKeyOfPem = boundedMemo(PEM_MEMO, (pem) => new X509Certificate(pem).publicKey);

function publicKeyOf(certificate: string | KeyObject): KeyObject {
  return typeof certificate === 'string' ? publicKeyOfPem(certificate) : certificate;
}

/** ECDSA-SHA256 over `message`, DER encoded, normalised to low-S as Fabric requires. */
export function sign(privateKeyPem: string | KeyObject, message: Uint8Array): Uint8Array {
  const key = typeof privateKeyPem === 'string' ? privateKeyOf(privateKeyPem) : privateKeyPem;
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
