/**
 * Route authorisation with casbin: the model and policy are files under `gateway/authz/`, read at start.
 * The subject is the caller's role (`anonymous` without a token), the object the route's declared path,
 * the action its method. Ownership ("a patient acts on their own data only") is checked on top, per route.
 */
import path from 'node:path';
import { newEnforcer } from 'casbin';
import type { Enforcer } from 'casbin';
import { boundedMemo } from '@custodia/ledger';
import type { MemoBounds } from '@custodia/ledger';

export const ANONYMOUS = 'anonymous';

/** The folder holding model.conf and policy.csv (source tree and built package alike). */
export const AUTHZ_DIR = path.resolve(__dirname, '..', '..', 'authz');

export interface RouteAuthorizer {
  allows(role: string, routePath: string, method: string): Promise<boolean>;
}

/**
 * Decisions kept: one per role, declared route and method (a few hundred). The model and policy are read once, so a
 * decision never changes while the gateway runs; casbin evaluates its matcher against every policy line, building
 * two regular expressions for each: about 0.1 ms and a few KB of garbage per request, for an answer known at start.
 */
export const DECISION_MEMO: MemoBounds = { limit: 1_000, maxKeyLength: 512 };

export async function loadAuthorizer(directory: string = AUTHZ_DIR): Promise<RouteAuthorizer> {
  const enforcer: Enforcer = await newEnforcer(
    path.join(directory, 'model.conf'),
    path.join(directory, 'policy.csv'),
  );
  const decide = boundedMemo(DECISION_MEMO, (key) => {
    const [role, routePath, method] = key.split('\u0000');
    return enforcer.enforceSync(role, routePath, method);
  });
  return {
    allows: (role, routePath, method) =>
      Promise.resolve(decide(`${role}\u0000${routePath}\u0000${method.toUpperCase()}`)),
  };
}
