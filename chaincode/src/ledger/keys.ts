/**
 * Every key the chaincode writes. Composite keys are grouped by the attribute a query starts
 * from (patient, rule, requester, grant), so each listing is a prefix scan costing O(matches).
 * Attributes are validated ids, codes and fixed-width instants (they sort chronologically).
 */
import type { Instant, Requester } from '../model';
import { sha256Hex } from './digest';

export const OBJECT_TYPES = {
  /** [patientId, ruleId] → StoredRule */
  rule: 'rule',
  /** [ruleId] → {patientId}: finds a rule's owner from its id */
  ruleOwner: 'rule-owner',
  /** [ruleId, version] → RuleVersion */
  ruleVersion: 'rule-version',
  /** [patientId] → EmergencyPolicy */
  policy: 'policy',
  /** [patientId, version] → EmergencyPolicy */
  policyVersion: 'policy-version',
  /** [recordId] → RecordMeta */
  record: 'record',
  /** [patientId, recordId], [patientId, category, recordId] → marker */
  recordByPatient: 'record-by-patient',
  recordByPatientCategory: 'record-by-patient-category',
  /** [sourceMspId, patientId, recordId], [sourceMspId, patientId, category, recordId] → marker */
  recordBySource: 'record-by-source',
  recordBySourceCategory: 'record-by-source-category',
  /** [grantId] → Grant */
  grant: 'grant',
  /** [patientId, ruleId, grantId] → marker: grants a rule (or the emergency policy) decided */
  grantByRule: 'grant-by-rule',
  /** [patientId, grantId] → marker: grants not yet known to be revoked or expired */
  liveGrant: 'grant-live',
  /** [grantId, deliveryId] → Delivery */
  delivery: 'delivery',
  /** [entryId] → AccessLogEntry */
  accessLog: 'access-log',
  /** [patientId, timestamp, entryId] → marker */
  accessLogByPatient: 'access-log-by-patient',
  /** [requesterMspId, requesterId, timestamp, entryId] → marker */
  accessLogByRequester: 'access-log-by-requester',
  /** [patientId, descending(timestamp), entryId] → marker: the patient's log newest first */
  accessLogByPatientNewest: 'access-log-by-patient-newest',
  /** [requesterMspId, requesterId, descending(timestamp), entryId] → marker: the requester's log newest first */
  accessLogByRequesterNewest: 'access-log-by-requester-newest',
  /** [patientId, contributionId] → Contribution */
  contribution: 'contribution',
  /** [submitterMspId, submitterId, patientId, contributionId] → marker while pending: the quota */
  pendingContribution: 'contribution-pending',
  /** [requesterMspId, requesterId, patientId, grantId] → marker: grants not yet known to be revoked or expired */
  grantByRequester: 'grant-by-requester',
  /** [] → OrganisationRegistry: the current registry, read by every transaction */
  registry: 'registry',
  /** [version] → OrganisationRegistry as committed at that version */
  registryVersion: 'registry-version',
  /** [sequence, mspId] → RegistryApproval: one per organisation and sequence, the latest wins */
  registryApproval: 'registry-approval',
  /** [patientId] → PatientRegistration */
  patient: 'patient',
  /** [mspId, role, id] → IdentityStatus, present only while the identity is disabled */
  disabledIdentity: 'identity-disabled',
  /** [mspId, role, id, requestId] → ClientRequest: what a client request id already produced */
  clientRequest: 'client-request',
} as const;
export type ObjectType = (typeof OBJECT_TYPES)[keyof typeof OBJECT_TYPES];

/**
 * An instant as a key attribute that sorts newest first: every digit complemented (d → 9 − d). Instants are
 * fixed-width, so the separators stay in place and ascending keys are descending times (Fabric iterates ascending
 * only).
 */
export function descendingInstant(instant: Instant): string {
  return instant.replace(/[0-9]/g, (digit) => String(9 - Number(digit)));
}

/**
 * The time index of the access log uses simple keys, because Fabric range queries (needed for
 * "from … to …") only accept simple keys: `access-log@<instant>@<entryId>`.
 */
export const TIME_INDEX_PREFIX = 'access-log@';

export function timeIndexKey(timestamp: Instant, entryId: string): string {
  return `${TIME_INDEX_PREFIX}${timestamp}@${entryId}`;
}

/** [from, to) over the time index; no `to` means up to the end of the index ('A' follows '@'). */
export function timeIndexRange(from: Instant, to: Instant | undefined): { start: string; end: string } {
  return {
    start: `${TIME_INDEX_PREFIX}${from}`,
    end: to === undefined ? 'access-logA' : `${TIME_INDEX_PREFIX}${to}`,
  };
}

/**
 * Emergency requests by requester, in time order, as simple keys for the same reason:
 * `emergency-use@<SHA-256 of the requester's MSP id and id>@<instant>@<entryId>`. The digest gives
 * every requester a fixed-width prefix that no crafted id can run into.
 */
export const EMERGENCY_USE_PREFIX = 'emergency-use@';

/** The fixed-width name of a requester in its emergency-use keys. */
export function emergencyUseDigest(requester: Pick<Requester, 'mspId' | 'id'>): string {
  return sha256Hex(`${requester.mspId}\u0000${requester.id}`);
}

export function emergencyUseKey(requesterDigest: string, timestamp: Instant, entryId: string): string {
  return `${EMERGENCY_USE_PREFIX}${requesterDigest}@${timestamp}@${entryId}`;
}

export function emergencyUseInstant(key: string): Instant {
  return key.slice(EMERGENCY_USE_PREFIX.length).split('@')[1] ?? '';
}

/** From `from` (inclusive) to the end of this requester's keys ('A' follows '@'). */
export function emergencyUseRange(requesterDigest: string, from: Instant): { start: string; end: string } {
  return {
    start: `${EMERGENCY_USE_PREFIX}${requesterDigest}@${from}`,
    end: `${EMERGENCY_USE_PREFIX}${requesterDigest}A`,
  };
}

/** Zero-padded so versions sort numerically. */
export function versionAttribute(version: number): string {
  return String(version).padStart(9, '0');
}
