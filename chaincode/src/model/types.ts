/** The ledger's data model. Everything here is identifiers, codes, hashes and times — never content or names. */
import type {
  Category,
  ContributionStatus,
  Effect,
  EmergencyReason,
  EmergencyRefusal,
  GrantStatus,
  Label,
  Purpose,
  RegistryChangeKind,
  Role,
  RuleChange,
  RuleStatus,
} from './vocabulary';
import type { Instant } from './time';

/**
 * Who a caller claims to be, from its certificate: its MSP (as Fabric validated it) and its Fabric-CA
 * attributes. The chaincode admits a caller only as an `AdmittedCaller`.
 */
export interface Caller {
  readonly mspId: string;
  readonly role: Role;
  readonly id: string;
  /** The certificate's `custodia.country`, if any; it must agree with the organisation registry. */
  readonly country?: string;
}

/**
 * The party a decision is about; for a real request, the calling clinician. Its country is its
 * organisation's in the registry (absent only for an organisation that is not a member).
 */
export type Requester = Caller;

/** A caller the chaincode admitted: an enabled identity of a member organisation, with its registry country. */
export interface AdmittedCaller extends Caller {
  /** ISO 3166-1 alpha-2 of the caller's organisation, from the organisation registry. */
  readonly country: string;
}

interface GranteeScope {
  /** When present, the requester's country (its organisation's, from the registry) must be one of these. */
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
  /** Requester countries (from the organisation registry) allowed; empty means any. */
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
  /**
   * The rule whose change revoked the grant, or one of `GRANT_REVOKERS` (emergency policy change,
   * patient erasure, requester disabled, ended by the patient).
   */
  readonly ruleId: string;
}

/**
 * What every access request records, granted or not. No free text: the reason a clinician writes
 * stays off-chain (erasable); only its salted SHA-256 is recorded.
 */
export interface RequestFacts {
  readonly patientId: string;
  readonly requester: Requester;
  readonly purpose: Purpose;
  readonly emergency: boolean;
  /** SHA-256 (hex) of a random salt and the reason's text, computed off-chain. */
  readonly reasonHash?: string;
  /** For emergency requests: why the glass was broken. */
  readonly reasonCode?: EmergencyReason;
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
  /** Evaluated at the transaction timestamp of the query, re-deciding with the rules then in force. */
  readonly status: GrantStatus;
}

/** One `requestAccess` / `requestEmergencyAccess`, granted or not. */
export interface AccessLogEntry extends RequestFacts {
  readonly entryId: string;
  readonly timestamp: Instant;
  readonly decision: Decision;
  readonly grantId?: string;
  readonly expiresAt?: Instant;
  /**
   * For emergency requests: how many emergency requests this requester made in the 24 hours up to
   * and including this one (any patient), so auditors see repeated break-glass flagged.
   */
  readonly emergencyRequests24h?: number;
  /** For emergency requests that released nothing: why (`EMERGENCY_REFUSALS`). */
  readonly emergencyRefusal?: EmergencyRefusal;
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
  /** The registering centre's `custodia.id` (for an approved contribution, the contributing clinician's). */
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
  /** Once approved: the record registered for it (the data lake stores the content under this id). */
  readonly recordId?: string;
}

/** An organisation of the channel and the country its data and staff belong to. */
export interface Organisation {
  readonly mspId: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/** The organisations that are members, as last committed; version 0 (no members) before the genesis. */
export interface OrganisationRegistry {
  readonly version: number;
  /** Sorted by MSP id. */
  readonly members: readonly Organisation[];
  /** The committed change that produced this version. */
  readonly changeHash?: string;
  readonly updatedAt?: Instant;
  readonly txId?: string;
}

interface ChangeBase {
  /** The registry version this change produces: the current version + 1. */
  readonly sequence: number;
}
export interface GenesisChange extends ChangeBase {
  readonly kind: 'genesis';
  readonly members: readonly Organisation[];
}
export interface AddOrganisationChange extends ChangeBase, Organisation {
  readonly kind: 'add';
}
export interface ChangeCountryChange extends ChangeBase, Organisation {
  readonly kind: 'change-country';
}
export interface RemoveOrganisationChange extends ChangeBase {
  readonly kind: 'remove';
  readonly mspId: string;
}
export type RegistryChange =
  GenesisChange | AddOrganisationChange | ChangeCountryChange | RemoveOrganisationChange;

/** One organisation's approval of a change (by hash) for a sequence; a later approval replaces it. */
export interface RegistryApproval {
  readonly sequence: number;
  readonly changeHash: string;
  readonly kind: RegistryChangeKind;
  readonly mspId: string;
  /** The approving admin's `custodia.id`. */
  readonly approvedBy: string;
  readonly approvedAt: Instant;
  readonly txId: string;
}

/** Whether a change could be committed now, and who has approved it. */
export interface CommitReadiness {
  readonly sequence: number;
  readonly changeHash: string;
  /** The organisations whose approval counts, and whether each approved exactly this change. */
  readonly approvals: readonly { readonly mspId: string; readonly approved: boolean }[];
  readonly required: number;
  readonly ready: boolean;
}

/** A patient's ledger id (an opaque pseudonym) bound to the organisation that registered it. */
export interface PatientRegistration {
  readonly patientId: string;
  /** The home organisation: only its patient identities act as this patient. */
  readonly mspId: string;
  /** The registering admin's `custodia.id`. */
  readonly registeredBy: string;
  readonly registeredAt: Instant;
  readonly txId: string;
  readonly erased?: { readonly at: Instant; readonly txId: string };
}

/** An identity of an organisation, by role and id (the MSP is the caller's own). */
export interface IdentityRef {
  readonly role: Role;
  readonly id: string;
}

export interface IdentityStatus extends IdentityRef {
  readonly mspId: string;
  readonly disabled: boolean;
  readonly disabledAt?: Instant;
  /** The admin's `custodia.id`. */
  readonly disabledBy?: string;
  readonly txId?: string;
}

/** What `requestAccess` takes. */
export interface AccessRequestInput {
  readonly patientId: string;
  readonly categories: readonly Category[];
  readonly purpose: Purpose;
  readonly reasonHash?: string;
  /** The client's id for this request: a retry with the same id returns the first answer. */
  readonly requestId: string;
}

/** What `requestEmergencyAccess` takes. */
export interface EmergencyRequestInput {
  readonly patientId: string;
  readonly categories: readonly Category[];
  readonly reasonCode: EmergencyReason;
  readonly reasonHash: string;
  readonly requestId: string;
}

/** What `createRule` takes: the rule (as `updateRule` takes it) and the client's request id. */
export interface RuleCreation {
  readonly requestId: string;
  readonly rule: RuleSpec;
}

/** What `submitContribution` takes. */
export interface ContributionRequest extends ContributionSubmission {
  readonly requestId: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Pass back to get the next page; empty when there is none. */
  readonly bookmark: string;
}
