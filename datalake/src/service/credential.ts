/**
 * The data lake is an internal service: only the gateway, holding the service token, may call it.
 * Everything else gets one generic 401, whatever was wrong.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { DatalakeError } from '../errors';

export function requireServiceCredential(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
    // Compare digests: constant time, and equal lengths whatever was presented.
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      next(new DatalakeError('UNAUTHENTICATED', 'a valid service credential is required'));
      return;
    }
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
