/**
 * Short-lived links to binaries in the temporary record: a path to the data lake (which decrypts on
 * the fly for the grant's requester) with an expiry and an HMAC over both, so a link can be
 * neither forged, nor moved to another grant or record, nor used after it expires.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface LinkTarget {
  readonly grantId: string;
  readonly recordId: string;
}

export function binaryPath(target: LinkTarget): string {
  return `/v1/grants/${encodeURIComponent(target.grantId)}/binaries/${encodeURIComponent(target.recordId)}`;
}

/**
 * A short-lived link to a released binary. `base` is what clients put before the lake's own path: the gateway
 * serves the same route under `/api` (the signature covers grant, record and expiry, not the path).
 */
export function signLink(secret: Buffer, target: LinkTarget, expiresAt: Date, base = ''): string {
  const expires = String(expiresAt.getTime());
  return `${base}${binaryPath(target)}?expires=${expires}&sig=${signature(secret, target, expires)}`;
}

/** True when the signature matches and `now` is before the expiry. */
export function verifyLink(
  secret: Buffer,
  target: LinkTarget,
  expires: string,
  sig: string,
  now: Date,
): boolean {
  if (!/^\d{1,15}$/.test(expires) || Number(expires) <= now.getTime()) return false;
  const expected = Buffer.from(signature(secret, target, expires), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function signature(secret: Buffer, target: LinkTarget, expires: string): string {
  return createHmac('sha256', secret)
    .update(`${target.grantId}\0${target.recordId}\0${expires}`)
    .digest('base64url');
}
