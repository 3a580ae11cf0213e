/** The ledger's data model. Everything here is identifiers, codes, hashes and times — never content or names. */
import type {
  Category,
  ContributionStatus,
  Effect,
  GrantStatus,
  Label,
  Purpose,
  Role,
  RuleChange,
  RuleStatus,
} from './vocabulary';
import type { Instant } from './time';

/** Who a caller is, as taken from their certificate (MSP id and Fabric-CA attributes). */
export interface Caller {
  readonly mspId: string;
  readonly role: Role;
  readonly id: string;
  /** ISO 3166-1 alpha-2 of the certificate's `custodia.country`. */
  readonly country?: string;
}

/** The party a decision is about; for a real request, the calling clinician. */
export type Requester = Caller;

interface GranteeScope {
  /** When present, the requester's certificate country must be one of these. */
  readonly countries?: readonly string[];
}
export interface PractitionerGrantee extends GranteeScope {
  readonly kind: 'practitioner';
  readonly id: string;
  /** The practitioner's organisation: an id is only unique within the MSP that issued it. */
  readonly mspId: string;
}
export interface OrganizationGrantee extends GranteeScope {
  readonly kind: 'organization';
  readonly mspId: string;
}
export interface RoleGrantee extends GranteeScope {
  readonly kind: 'role';
  readonly role: Role;
}
export type Grantee = PractitionerGrantee | OrganizationGrantee | RoleGrantee;

/** What a patient writes: who / what / when / why, and the effect. */
export interface RuleSpec {
  readonly effect: Effect;
  readonly grantee: Grantee;
  readonly categories: readonly Category[];
  /** Permit: the security labels released. Deny: labels withheld; an empty list denies the categories. */
  readonly labels: readonly Label[];
  readonly purposes: readonly Purpose[];
  /** Inclusive. */
  readonly notBefore?: Instant;
  /** Exclusive. */
  readonly notAfter?: Instant;
}

/** A rule as the decision function sees it. */
export interface Rule extends RuleSpec {
  readonly ruleId: string;
  readonly version: number;
  readonly status: RuleStatus;
}

/** A rule's current state on the ledger. */
export interface StoredRule extends Rule {
  readonly patientId: string;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
  /** Transaction that wrote this version. */
  readonly txId: string;
}

/** One entry of a rule's history; every change is a new version. */
export interface RuleVersion extends StoredRule {
  readonly change: RuleChange;
  /** For `restored`: the version whose content was reinstated. */
  readonly restoredFrom?: number;
}

export interface RuleRef {
  readonly ruleId: string;
  readonly version: number;
  readonly effect: Effect;
}

/** A patient's terms for emergency (ETREAT) access. */
export interface EmergencyPolicySpec {
  readonly enabled: boolean;
  /** Requester roles allowed (certificate `custodia.role`). */
  readonly roles: readonly Role[];
  /** Requester certificate countries allowed; empty means any. */
  readonly countries: readonly string[];
  readonly categories: readonly Category[];
  /** Security labels released in an emergency; usually none. */
  readonly labels: readonly Label[];
  readonly maxDurationMinutes: number;
}

export interface EmergencyPolicy extends EmergencyPolicySpec {
  readonly patientId: string;
  readonly version: number;
  readonly updatedAt: Instant;
  readonly txId: string;
}

export interface AccessRequest {
  readonly requester: Requester;
  readonly categories: readonly Category[];
  readonly purpose: Purpose;
}

export interface CategoryDecision {
  readonly category: Category;
  readonly granted: boolean;
  /** Security labels released for this category (empty when not granted). */
  readonly labels: readonly Label[];
  /** The rules that decided: permits and label-withholding denies when granted, the denies when denied, none by default. */
  readonly rules: readonly RuleRef[];
}

export interface Decision {
  readonly purpose: Purpose;
  readonly categories: readonly CategoryDecision[];
  readonly granted: readonly Category[];
  readonly denied: readonly Category[];
  /** Every rule that decided any category, sorted. */
  readonly rules: readonly RuleRef[];
  /** Earliest notAfter among the permits that granted something. */
  readonly notAfter?: Instant;
}

export interface GrantedCategory {
  readonly category: Category;
  readonly labels: readonly Label[];
}

export interface GrantRevocation {
  readonly at: Instant;
  readonly txId: string;
  /** The rule (or `emergency-policy`) whose change revoked the grant. */
  readonly ruleId: string;
}

/** What every access request records, granted or not. */
export interface RequestFacts {
  readonly patientId: string;
  readonly requester: Requester;
  readonly purpose: Purpose;
  readonly emergency: boolean;
  readonly reason?: string;
  readonly requested: readonly Category[];
  /** For emergency requests: the policy version in force. */
  readonly emergencyPolicyVersion?: number;
}

/** A committed authorisation to release data; the data lake releases nothing without one. */
export interface Grant extends RequestFacts {
  readonly grantId: string;
  readonly granted: readonly GrantedCategory[];
  readonly denied: readonly Category[];
  readonly rules: readonly RuleRef[];
  readonly issuedAt: Instant;
  readonly expiresAt: Instant;
  readonly revoked?: GrantRevocation;
}

export interface GrantView extends Grant {
  /** Evaluated at the transaction timestamp of the query. */
  readonly status: GrantStatus;
}

/** One `requestAccess` / `requestEmergencyAccess`, granted or not. */
export interface AccessLogEntry extends RequestFacts {
  readonly entryId: string;
  readonly timestamp: Instant;
  readonly decision: Decision;
  readonly grantId?: string;
  readonly expiresAt?: Instant;
}

export interface Delivery {
  readonly deliveryId: string;
  readonly grantId: string;
  readonly patientId: string;
  readonly requester: Requester;
  /** SHA-256 (hex) of the delivered record's manifest. */
  readonly manifestHash: string;
  readonly deliveredAt: Instant;
}

export interface RecordRegistration {
  readonly recordId: string;
  readonly patientId: string;
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
  /** SHA-256 (hex) of the record content. */
  readonly contentHash: string;
  /** `YYYY-MM-DD` or an instant. */
  readonly effectiveDate: string;
  /** A record of the same patient and source organisation that this one replaces (a new version). */
  readonly supersedes?: string;
}

export interface RecordMeta extends RecordRegistration {
  /** Set on a record once a newer version registered `supersedes` it: it is no longer released. */
  readonly supersededBy?: string;
  readonly sourceMspId: string;
  readonly country: string;
  /** The registering centre's `custodia.id`. */
  readonly registeredBy: string;
  readonly registeredAt: Instant;
  readonly txId: string;
}

export interface ContributionSubmission {
  readonly patientId: string;
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
  readonly contentHash: string;
}

/** Data a clinician added, held until the patient approves or rejects it. */
export interface Contribution extends ContributionSubmission {
  readonly contributionId: string;
  readonly submitter: Requester;
  readonly status: ContributionStatus;
  readonly submittedAt: Instant;
  readonly decidedAt?: Instant;
  readonly decidedTxId?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back to get the next page; empty when there is none. */
  readonly bookmark: string;
}
