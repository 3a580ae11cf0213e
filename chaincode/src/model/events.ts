/**
 * Chaincode events: one per writing transaction (Fabric keeps one event per transaction), named
 * here, with payloads of identifiers only. The data lake and the notifier subscribe to them.
 */
import type { ContributionStatus, RegistryChangeKind, Role } from './vocabulary';

export const EVENTS = {
  ruleChanged: 'custodia.rule.changed',
  emergencyPolicySet: 'custodia.emergency-policy.set',
  recordRegistered: 'custodia.record.registered',
  accessRequested: 'custodia.access.requested',
  emergencyAccess: 'custodia.access.emergency',
  deliveryRecorded: 'custodia.delivery.recorded',
  grantEnded: 'custodia.grant.ended',
  contributionSubmitted: 'custodia.contribution.submitted',
  contributionDecided: 'custodia.contribution.decided',
  registryChangeApproved: 'custodia.registry.approved',
  registryChanged: 'custodia.registry.changed',
  patientRegistered: 'custodia.patient.registered',
  patientErased: 'custodia.patient.erased',
  identityDisabled: 'custodia.identity.disabled',
  identityEnabled: 'custodia.identity.enabled',
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
  /** For emergency requests: the requester's emergency requests in the last 24 hours, this one included. */
  readonly emergencyRequests24h?: number;
}

/** A patient ended one of their grants: the data lake deletes what it assembled for it. */
export interface GrantEndedEvent {
  readonly patientId: string;
  readonly grantId: string;
  /** The ended grant (one id), named like every other revocation so the lake's listener reads one field. */
  readonly revokedGrantIds: readonly string[];
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
  /** On approval: the record registered for it, which the data lake stores the content under. */
  readonly recordId?: string;
}

export interface RegistryChangeApprovedEvent {
  readonly sequence: number;
  readonly changeHash: string;
  readonly mspId: string;
}

export interface RegistryChangedEvent {
  readonly version: number;
  readonly changeHash: string;
  readonly kind: RegistryChangeKind;
  /** The members after the change. */
  readonly mspIds: readonly string[];
}

export interface PatientRegisteredEvent {
  readonly patientId: string;
  readonly mspId: string;
}

/** The auditors' replay recognises an erasure by this event and the patient's registration it wrote. */
export interface PatientErasedEvent {
  readonly patientId: string;
  readonly mspId: string;
  readonly revokedGrantIds: readonly string[];
  readonly revokedRuleIds: readonly string[];
  readonly rejectedContributionIds: readonly string[];
}

export interface IdentityEvent {
  readonly mspId: string;
  readonly role: Role;
  readonly id: string;
  /** On disabling: the identity's live grants, revoked. */
  readonly revokedGrantIds: readonly string[];
}

export interface EventPayloads {
  [EVENTS.ruleChanged]: RuleChangedEvent;
  [EVENTS.emergencyPolicySet]: EmergencyPolicySetEvent;
  [EVENTS.recordRegistered]: RecordRegisteredEvent;
  [EVENTS.accessRequested]: AccessRequestedEvent;
  [EVENTS.emergencyAccess]: AccessRequestedEvent;
  [EVENTS.deliveryRecorded]: DeliveryRecordedEvent;
  [EVENTS.grantEnded]: GrantEndedEvent;
  [EVENTS.contributionSubmitted]: ContributionEvent;
  [EVENTS.contributionDecided]: ContributionEvent;
  [EVENTS.registryChangeApproved]: RegistryChangeApprovedEvent;
  [EVENTS.registryChanged]: RegistryChangedEvent;
  [EVENTS.patientRegistered]: PatientRegisteredEvent;
  [EVENTS.patientErased]: PatientErasedEvent;
  [EVENTS.identityDisabled]: IdentityEvent;
  [EVENTS.identityEnabled]: IdentityEvent;
}
