/**
 * Route authorisation with casbin: the model and policy are files under `gateway/authz/`, read at start.
 * The subject is the caller's role (`anonymous` without a token), the object the route's declared path,
 * the action its method. Ownership ("a patient acts on their own data only") is checked on top, per route.
 */
import path from 'node:path';
import { newEnforcer } from 'casbin';
import type { Enforcer } from 'casbin';

export const ANONYMOUS = 'anonymous';

/** The folder holding model.conf and policy.csv (source tree and built package alike). */
export const AUTHZ_DIR = path.resolve(__dirname, '..', '..', 'authz');

export interface RouteAuthorizer {
  allows(role: string, routePath: string, method: string): Promise<boolean>;
}

export async function loadAuthorizer(directory: string = AUTHZ_DIR): Promise<RouteAuthorizer> {
  const enforcer: Enforcer = await newEnforcer(
    path.join(directory, 'model.conf'),
    path.join(directory, 'policy.csv'),
  );
  return {
    allows: (role, routePath, method) => enforcer.enforce(role, routePath, method.toUpperCase()),
  };
}
