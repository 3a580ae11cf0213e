/**
 * The user the gateway acts for, from the `Custodia-Actor-*` headers (the gateway authenticated
 * them; these headers are trusted only behind the service credential). Validated with the
 * chaincode's own decoders, so the ledger will accept the same identity.
 */
import type { Request } from 'express';
import { callerFromAttributes, decoders } from '@custodia/chaincode';
import type { Caller, Role } from '@custodia/chaincode';
import { DatalakeError } from '../errors';

export const ACTOR_HEADERS = {
  mspId: 'custodia-actor-msp',
  id: 'custodia-actor-id',
  role: 'custodia-actor-role',
  country: 'custodia-actor-country',
} as const;

export function actorOf(req: Request, roles: readonly Role[]): Caller {
  const decoded = callerFromAttributes({
    mspId: header(req, ACTOR_HEADERS.mspId) ?? '',
    role: header(req, ACTOR_HEADERS.role),
    id: header(req, ACTOR_HEADERS.id),
    country: header(req, ACTOR_HEADERS.country),
  });
  if (!decoded.ok) throw new DatalakeError('INVALID_INPUT', `actor: ${decoded.error.message}`);
  if (!roles.includes(decoded.value.role))
    throw new DatalakeError('FORBIDDEN', 'this operation is not for this role');
  return decoded.value;
}

/** A path id (patient, grant) checked like the ledger checks ids. */
export function pathId(value: unknown, name: string): string {
  const decoded = decoders.id(value, name);
  if (!decoded.ok) throw new DatalakeError('INVALID_INPUT', decoded.error.message);
  return decoded.value;
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
