/**
 * The shapes the gateway answers (GATEWAY_DESIGN.md, HTTP API). Ledger objects are the chaincode model's
 * own types, so the portal and the ledger cannot drift apart.
 */
import type {
  AccessLogEntry,
  Category,
  Contribution,
  Decision,
  EmergencyPolicy,
  EmergencyPolicySpec,
  GrantView,
  Label,
  Purpose,
  Requester,
  Role,
  RuleSpec,
  RuleVersion,
  StoredRule,
} from '@custodia/chaincode/model';

export type {
  AccessLogEntry,
  Category,
  Contribution,
  Decision,
  EmergencyPolicy,
  EmergencyPolicySpec,
  GrantView,
  Label,
  Purpose,
  Requester,
  Role,
  RuleSpec,
  RuleVersion,
  StoredRule,
};

/** The signed-in person, as `/auth/login` and `/auth/me` describe them. */
export interface SessionUser {
  readonly userId: string;
  readonly username: string;
  readonly displayName?: string;
  readonly role: Role;
  readonly mspId: string;
  readonly country: string;
  /** The patient id for patients; the practitioner id for staff. */
  readonly ledgerId: string;
  readonly mfaEnabled?: boolean;
}

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  /** Seconds. */
  readonly expiresIn: number;
}

export interface LoginResponse extends TokenPair {
  readonly user: SessionUser;
}

export interface LoginRequest {
  readonly username: string;
  readonly password: string;
  readonly totp?: string;
}

export interface TotpSetup {
  /** `otpauth://totp/...`, shown once as a QR code for an authenticator app. */
  readonly otpauthUri: string;
}

/** A list answer; `bookmark` continues it when non-empty. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly bookmark?: string;
}

export interface PreviewRequest {
  readonly requester: Requester;
  readonly categories: readonly Category[];
  readonly purpose: Purpose;
}

/** What a described requester would receive today; nothing is logged. */
export interface PreviewResult {
  readonly decision: Decision;
  readonly expiresAt?: string;
}

export interface EmergencyCard {
  readonly code: string;
}

export interface PatientLookup {
  readonly patientId: string;
}

export interface AccessRequestBody {
  readonly patientId: string;
  readonly categories: readonly Category[];
  readonly purpose: Purpose;
}

/** A FHIR resource as the portal reads it: only the fields it renders are typed. */
export interface FhirResource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [field: string]: unknown;
}

export interface FhirBundle extends FhirResource {
  readonly resourceType: 'Bundle';
  readonly entry?: readonly { readonly fullUrl?: string; readonly resource?: FhirResource }[];
}

export interface ContributionBody {
  readonly categories: readonly Category[];
  readonly labels: readonly Label[];
  /** A FHIR resource (e.g. an Observation) the clinician adds, held until the patient approves. */
  readonly resource: FhirResource;
}

export const UPLOAD_STATUSES = ['open', 'complete', 'failed'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number] | (string & {});

export interface UploadCreate {
  readonly patientId: string;
  readonly sourceId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly documentReference?: FhirResource;
}

export interface UploadSession {
  readonly uploadId: string;
  /** Bytes per part the gateway expects; the portal uses its own default when absent. */
  readonly partSize?: number;
}

export interface UploadSummary {
  readonly uploadId: string;
  readonly patientId: string;
  readonly fileName: string;
  readonly size: number;
  readonly status: UploadStatus;
  readonly createdAt: string;
  readonly tags?: readonly string[];
  readonly recordIds?: readonly string[];
}

export interface AuditLogQuery {
  readonly patientId?: string;
  readonly requesterId?: string;
  readonly from?: string;
  readonly to?: string;
}

export interface BlockSummary {
  readonly number: number;
  readonly hash: string;
  readonly previousHash: string;
  readonly dataHash?: string;
  readonly transactionCount: number;
  readonly timestamp?: string;
}

export interface TransactionSummary {
  readonly txId: string;
  readonly blockNumber?: number;
  readonly timestamp?: string;
  readonly creatorMspId?: string;
  readonly chaincode?: string;
  readonly function?: string;
  readonly validationCode?: string;
}

export interface BlockDetail extends BlockSummary {
  readonly transactions: readonly TransactionSummary[];
}

export interface TransactionDetail extends TransactionSummary {
  readonly args?: readonly string[];
  readonly events?: readonly { readonly name: string; readonly payload?: unknown }[];
}

export interface ReplayDiscrepancy {
  readonly code: string;
  readonly blockNumber?: number;
  readonly txId?: string;
  readonly detail?: string;
}

export interface ReplayReport {
  readonly ok: boolean;
  readonly blocks?: number;
  readonly transactions?: number;
  readonly decisions?: number;
  readonly deliveries?: number;
  readonly discrepancies: readonly ReplayDiscrepancy[];
}
