/**
 * Re-derives a logged access decision with the chaincode's own model (decide / decideEmergency, grantExpiry)
 * from the rules and emergency policy in force before the transaction, at the transaction's timestamp, and
 * compares it with what the access-log entry and its grant say — for break-glass also the requester's emergency
 * count of the last 24 hours and the hourly limit.
 */
import {
  decide,
  decideEmergency,
  emergencyRefusal,
  grantedCategories,
  grantExpiry,
  LIMITS,
} from '@custodia/chaincode';
import type {
  AccessLogEntry,
  Caller,
  Decision,
  EmergencyPolicy,
  EmergencyRefusal,
  Grant,
  Instant,
  Rule,
} from '@custodia/chaincode';
import { describeCaller, submittedBy } from './creator';
import { differingFields } from './canonical-json';
import { DISCREPANCY_KINDS } from './discrepancy';
import type { Discrepancy } from './discrepancy';

const MINUTE_MS = 60_000;

/** The transaction a log entry was written by, as the block says. */
export interface LoggedBy {
  readonly block: number;
  readonly txId: string;
  readonly at: Instant;
  /** The submitter's Custodia identity from their certificate; undefined when it carries none. */
  readonly creator: Caller | undefined;
}

/** The patient's state before the transaction. */
export interface PatientState {
  readonly rules: readonly Rule[];
  readonly policy?: EmergencyPolicy;
}

/** The requester's emergency requests before the transaction, counted as the chaincode counts them. */
export interface EmergencyUse {
  /** In the 24 hours up to the transaction. */
  readonly lastDay: number;
  /** In the rolling hour up to the transaction. */
  readonly lastHour: number;
}

interface Derived {
  readonly decision: Decision;
  readonly expiresAt?: Instant;
  readonly emergencyPolicyVersion?: number;
  readonly emergencyRefusal?: EmergencyRefusal;
}

/** What the contract decides and logs for this request (see AccessContract.requestAccess / requestEmergencyAccess). */
function derive(entry: AccessLogEntry, state: PatientState, at: Instant): Derived {
  const decision = entry.emergency
    ? decideEmergency(state.rules, state.policy, entry.requester, entry.requested, at)
    : decide(
        state.rules,
        { requester: entry.requester, categories: entry.requested, purpose: entry.purpose },
        at,
      );
  const maxDurationMs = entry.emergency
    ? (state.policy?.maxDurationMinutes ?? 0) * MINUTE_MS
    : LIMITS.grantDurationMs;
  const request = { requester: entry.requester, purpose: entry.purpose };
  const expiresAt =
    decision.granted.length > 0 && maxDurationMs > 0
      ? grantExpiry(decision, state.rules, request, at, maxDurationMs)
      : undefined;
  const refusal = entry.emergency ? emergencyRefusal(state.policy, entry.requester, decision) : undefined;
  return {
    decision,
    ...(expiresAt !== undefined && { expiresAt }),
    ...(entry.emergency && state.policy && { emergencyPolicyVersion: state.policy.version }),
    ...(refusal !== undefined && { emergencyRefusal: refusal }),
  };
}

function expectedGrant(entry: AccessLogEntry, derived: Derived): Grant | undefined {
  if (derived.expiresAt === undefined) return undefined;
  return {
    grantId: entry.entryId,
    patientId: entry.patientId,
    requester: entry.requester,
    purpose: entry.purpose,
    emergency: entry.emergency,
    ...(entry.reasonHash !== undefined && { reasonHash: entry.reasonHash }),
    ...(entry.reasonCode !== undefined && { reasonCode: entry.reasonCode }),
    requested: entry.requested,
    ...(derived.emergencyPolicyVersion !== undefined && {
      emergencyPolicyVersion: derived.emergencyPolicyVersion,
    }),
    granted: grantedCategories(derived.decision),
    denied: derived.decision.denied,
    rules: derived.decision.rules,
    issuedAt: entry.timestamp,
    expiresAt: derived.expiresAt,
  };
}

/**
 * Checks one access-log entry; `grantWritten` is the grant its transaction wrote under the entry's id, if any;
 * `emergencyUse` the requester's earlier emergency requests (for break-glass entries). Reports which fields
 * differ (categories, labels, rule ids and versions, instants, counts — never free text).
 */
export function checkAccessDecision(
  entry: AccessLogEntry,
  grantWritten: Grant | undefined,
  state: PatientState,
  tx: LoggedBy,
  emergencyUse: EmergencyUse = { lastDay: 0, lastHour: 0 },
): Discrepancy[] {
  const found: Discrepancy[] = [];
  const report = (kind: Discrepancy['kind'], detail: string) =>
    found.push({ kind, block: tx.block, txId: tx.txId, detail });

  const foreign = [
    ...(entry.entryId === tx.txId ? [] : [`entryId ${entry.entryId}`]),
    ...(entry.timestamp === tx.at ? [] : [`timestamp ${entry.timestamp} (transaction at ${tx.at})`]),
    ...(tx.creator && submittedBy(entry.requester, tx.creator)
      ? []
      : [`requester ${describeCaller(entry.requester)} (submitted by ${describeCaller(tx.creator)})`]),
  ];
  if (foreign.length > 0) {
    report(DISCREPANCY_KINDS.LOG_ENTRY_INCONSISTENT, `access-log entry: ${foreign.join('; ')}`);
  }

  const derived = derive(entry, state, tx.at);
  const decisionFields = differingFields(entry.decision, derived.decision, [
    'purpose',
    'granted',
    'denied',
    'categories',
    'rules',
    'notAfter',
  ]);
  const logged = {
    grantId: entry.grantId,
    expiresAt: entry.expiresAt,
    emergencyPolicyVersion: entry.emergencyPolicyVersion,
    emergencyRequests24h: entry.emergencyRequests24h,
    emergencyRefusal: entry.emergencyRefusal,
  };
  const outcomeFields = differingFields(
    logged,
    {
      grantId: derived.expiresAt === undefined ? undefined : entry.entryId,
      expiresAt: derived.expiresAt,
      emergencyPolicyVersion: derived.emergencyPolicyVersion,
      emergencyRequests24h: entry.emergency ? emergencyUse.lastDay + 1 : undefined,
      emergencyRefusal: derived.emergencyRefusal,
    },
    ['grantId', 'expiresAt', 'emergencyPolicyVersion', 'emergencyRequests24h', 'emergencyRefusal'],
  );
  if (entry.emergency && emergencyUse.lastHour >= LIMITS.maxEmergencyRequestsPerHour) {
    report(
      DISCREPANCY_KINDS.EMERGENCY_LIMIT_EXCEEDED,
      `entry ${entry.entryId}: ${emergencyUse.lastHour} emergency requests by ${describeCaller(entry.requester)} in the hour before`,
    );
  }
  if (decisionFields.length + outcomeFields.length > 0) {
    report(
      DISCREPANCY_KINDS.DECISION_MISMATCH,
      `entry ${entry.entryId} for patient ${entry.patientId}: ${[...decisionFields, ...outcomeFields].join('; ')}`,
    );
  }

  const grant = expectedGrant(entry, derived);
  if (grant === undefined && grantWritten !== undefined) {
    report(
      DISCREPANCY_KINDS.GRANT_MISMATCH,
      `grant ${grantWritten.grantId} written for a request that grants nothing`,
    );
  } else if (grant !== undefined && grantWritten === undefined) {
    report(
      DISCREPANCY_KINDS.GRANT_MISMATCH,
      `grant ${grant.grantId} missing for a request that grants access`,
    );
  } else if (grant !== undefined && grantWritten !== undefined) {
    const grantFields = differingFields(grantWritten, grant, [
      'patientId',
      'requester',
      'purpose',
      'emergency',
      'reasonHash',
      'reasonCode',
      'requested',
      'emergencyPolicyVersion',
      'granted',
      'denied',
      'rules',
      'issuedAt',
      'expiresAt',
      'revoked',
    ]);
    if (grantFields.length > 0) {
      report(DISCREPANCY_KINDS.GRANT_MISMATCH, `grant ${grant.grantId}: ${grantFields.join('; ')}`);
    }
  }
  return found;
}
