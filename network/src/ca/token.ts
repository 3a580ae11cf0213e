import { verify } from '@custodia/ledger';

/**
 * Fabric CA's token authentication: `Authorization: base64(cert PEM).base64(signature)`, the signature
 * (ECDSA-SHA256, low-S) covering `METHOD.base64(uri).base64(body).base64(cert PEM)`.
 */
export interface TokenRequest {
  readonly authorization: string;
  readonly method: string;
  /** Path and query exactly as requested. */
  readonly uri: string;
  readonly body: Uint8Array;
}

/** The caller's certificate PEM when the token's signature is valid; undefined otherwise. */
export function verifyToken(request: TokenRequest): string | undefined {
  const parts = request.authorization.trim().split('.');
  if (parts.length !== 2) return undefined;
  const [b64Cert, b64Signature] = parts as [string, string];
  const certificate = Buffer.from(b64Cert, 'base64').toString('utf8');
  if (!certificate.includes('-----BEGIN CERTIFICATE-----')) return undefined;
  const b64Body = Buffer.from(request.body).toString('base64');
  const b64Uri = Buffer.from(request.uri).toString('base64');
  const signed = Buffer.from(`${request.method}.${b64Uri}.${b64Body}.${b64Cert}`);
  return verify(certificate, signed, Buffer.from(b64Signature, 'base64')) ? certificate : undefined;
}
