/** A grant's status now: revoked, expired, or re-decided with the rules (and emergency policy) in force. */
import { grantCovered, grantLive, grantStatus, memberOf } from '../model';
import type { Grant, GrantStatus } from '../model';
import { loadPolicy } from '../ledger/policies';
import { patientRules } from '../ledger/rules';
import type { CustodiaContext } from './context';

export async function currentStatus(ctx: CustodiaContext, grant: Grant): Promise<GrantStatus> {
  const at = ctx.now;
  if (!grantLive(grant, at)) return grantStatus(grant, at, false);
  const rules = await patientRules(ctx.store, grant.patientId);
  const policy = grant.emergency ? await loadPolicy(ctx.store, grant.patientId) : undefined;
  const country = memberOf(await ctx.registry(), grant.requester.mspId)?.country;
  return grantStatus(grant, at, grantCovered(grant, rules, policy, country, at));
}
