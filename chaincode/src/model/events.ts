/**
 * Chaincode events: one per writing transaction (Fabric keeps one event per transaction), named
 * here, with payloads of identifiers only. The data lake and the notifier subscribe to them.
 */
import type { ContributionStatus } from './vocabulary';

export const EVENTS = {
  ruleChanged: 'custodia.rule.changed',
  emergencyPolicySet: 'custodia.emergency-policy.set',
  recordRegistered: 'custodia.record.registered',
  accessRequested: 'custodia.access.requested',
  emergencyAccess: 'custodia.access.emergency',
  deliveryRecorded: 'custodia.delivery.recorded',
  contributionSubmitted: 'custodia.contribution.submitted',
  contributionDecided: 'custodia.contribution.decided',
} as const;
export type EventName = (typeof EVENTS)[keyof typeof EVENTS];

export interface RuleChangedEvent {
  readonly patientId: string;
  readonly ruleId: string;
  readonly version: number;
  readonly change: 'created' | 'updated' | 'revoked' | 'restored';
  /** Grants revoked by this change: the data lake deletes what it assembled for them. */
  readonly revokedGrantIds: readonly string[];
}

export interface EmergencyPolicySetEvent {
  readonly patientId: string;
  readonly version: number;
  readonly revokedGrantIds: readonly string[];
}

export interface RecordRegisteredEvent {
  readonly recordId: string;
  readonly patientId: string;
  readonly sourceMspId: string;
}

export interface AccessRequestedEvent {
  readonly entryId: string;
  readonly patientId: string;
  readonly requesterMspId: string;
  readonly requesterId: string;
  readonly emergency: boolean;
  /** Present when something was granted. */
  readonly grantId?: string;
  readonly expiresAt?: string;
}

export interface DeliveryRecordedEvent {
  readonly deliveryId: string;
  readonly grantId: string;
  readonly patientId: string;
}

export interface ContributionEvent {
  readonly contributionId: string;
  readonly patientId: string;
  readonly status: ContributionStatus;
}

export interface EventPayloads {
  [EVENTS.ruleChanged]: RuleChangedEvent;
  [EVENTS.emergencyPolicySet]: EmergencyPolicySetEvent;
  [EVENTS.recordRegistered]: RecordRegisteredEvent;
  [EVENTS.accessRequested]: AccessRequestedEvent;
  [EVENTS.emergencyAccess]: AccessRequestedEvent;
  [EVENTS.deliveryRecorded]: DeliveryRecordedEvent;
  [EVENTS.contributionSubmitted]: ContributionEvent;
  [EVENTS.contributionDecided]: ContributionEvent;
}
