/** What a request's access-log entry means for the clinician who made it. */
import type { AccessLogEntry } from '@custodia/chaincode/model';

export type RequestOutcome =
  /** A grant: some or all of what was asked is released. */
  | 'granted'
  /** The patient's rules released nothing. */
  | 'refused'
  /** An emergency request for a patient who never set an emergency policy. */
  | 'no-emergency-policy'
  /**
   * An emergency request the policy did not admit or cover: switched off, another role or country, none of the
   * categories asked, or the patient's ETREAT denies. The log entry does not say which (phase B: structured
   * emergency reasons from the chaincode).
   */
  | 'emergency-not-covered';

export function requestOutcome(entry: AccessLogEntry): RequestOutcome {
  if (entry.grantId) return 'granted';
  if (!entry.emergency) return 'refused';
  // The chaincode logs the policy version in force; none means the patient never set a policy.
  if (entry.emergencyPolicyVersion === undefined) return 'no-emergency-policy';
  return 'emergency-not-covered';
}
