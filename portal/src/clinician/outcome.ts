/** What a request's access-log entry means for the clinician who made it. */
import type { AccessLogEntry, EmergencyRefusal } from '@custodia/chaincode/model';

export type RequestOutcome =
  /** A grant: some or all of what was asked is released. */
  | 'granted'
  /** The patient's rules released nothing. */
  | 'refused'
  /** An emergency request that released nothing, and why (the chaincode's `emergencyRefusal`). */
  | { readonly emergency: EmergencyRefusal };

export function requestOutcome(entry: AccessLogEntry): RequestOutcome {
  if (entry.grantId) return 'granted';
  if (!entry.emergency) return 'refused';
  if (entry.emergencyRefusal !== undefined) return { emergency: entry.emergencyRefusal };
  // Entries logged before the chaincode named the refusal: no policy version in force means no policy.
  return { emergency: entry.emergencyPolicyVersion === undefined ? 'no-policy' : 'not-covered' };
}
