/**
 * The shapes the gateway answers (GATEWAY_DESIGN.md, HTTP API). Ledger objects are the chaincode model's
 * own types, so the portal and the ledger cannot drift apart.
 */
import type {
  AccessLogEntry as LedgerAccessLogEntry,
  Category,
  Label,
  Purpose,
  Role,
} from '@custodia/chaincode/model';
import type { ErasureCase, ErasureStatement } from '@custodia/gateway/erasure';

export type {
  Category,
  Contribution,
  Decision,
  Delivery,
  EmergencyPolicy,
  EmergencyReason,
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

/** A requester's own words, kept off-chain; the gateway checked them against the entry's on-chain `reasonHash`. */
export interface ReasonText {
  readonly text: string;
  readonly salt: string;
  readonly verified: boolean;
}

/** An access-log entry as the patient's and the auditor's logs answer it: with the reason, and auditors' flags. */
export type AccessLogEntry = LedgerAccessLogEntry & {
  readonly reason?: ReasonText;
  /** Auditors only: e.g. `repeated-emergency-use`. */
  readonly flags?: readonly string[];
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
  /** The same secret in base32, for typing into an app that cannot scan. */
  readonly secret?: string;
}

/** A list answer; `bookmark` continues it when non-empty. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly bookmark?: string;
}

export interface EmergencyCard {
  readonly code: string;
}

export interface PatientLookup {
  readonly patientId: string;
  /** Only for a medical centre of the patient's own organisation: whom it is about to upload for. */
  readonly person?: {
    readonly given: readonly string[];
    readonly family: string;
    /** `YYYY-MM-DD`. */
    readonly birthDate: string;
  };
}

/** Someone or an organisation of the gateway's directory (never a patient). */
export type DirectoryEntry =
  | {
      readonly kind: 'practitioner';
      readonly mspId: string;
      readonly id: string;
      readonly role: 'clinician' | 'centre';
      readonly name: string;
      readonly country: string;
      readonly organisation: string;
    }
  | {
      readonly kind: 'organization';
      readonly mspId: string;
      readonly name: string;
      readonly country: string;
    };

export interface DirectoryQuery {
  readonly q?: string;
  readonly kind?: DirectoryEntry['kind'];
  readonly role?: 'clinician' | 'centre';
  readonly country?: string;
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

/** Gateway upload statuses (gateway/src/uploads). */
export type UploadStatus = 'receiving' | 'storing' | 'stored' | 'failed' | 'interrupted';

export interface UploadCreate {
  readonly patientId: string;
  /** The centre's own id of the record: uploads are idempotent on it. */
  readonly sourceId: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly documentReference: FhirResource;
}

/** An upload as the gateway reports it, with what the portal needs to resume. */
export interface UploadSession {
  readonly uploadId: string;
  readonly kind: 'document' | 'fhir';
  readonly patientId: string;
  readonly sourceId: string;
  readonly contentType: string;
  readonly size: number;
  /** Bytes of every part but the last. */
  readonly partBytes: number;
  readonly partCount: number;
  /** 0-based indexes of the parts received. */
  readonly parts: readonly number[];
  readonly receivedBytes: number;
  readonly status: UploadStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** A stable error code once refused. */
  readonly error?: string;
  /** Why it was refused: where in the file, and why (never values). */
  readonly issues?: readonly UploadIssue[];
  /** What the data lake stored, once stored. */
  readonly result?: IngestResult;
}

export interface UploadIssue {
  /** Where, as a FHIRPath expression. */
  readonly expression?: string;
  readonly reason: string;
}

/** The data lake's answer to an upload: one record per categorised entry, and the entries it left out. */
export interface IngestResult {
  readonly records?: readonly {
    readonly recordId: string;
    readonly outcome: 'created' | 'existing' | string;
  }[];
  readonly skipped?: readonly {
    readonly index: number;
    readonly resourceType: string;
    readonly reason: string;
  }[];
}

export interface RecordsUploadResult {
  readonly uploadId: string;
  readonly result: IngestResult;
}

export interface AuditLogQuery {
  readonly patientId?: string;
  readonly requesterMspId?: string;
  readonly requesterId?: string;
  readonly from?: string;
  readonly to?: string;
}

/** The chain explorer's and replay's answers, typed by the gateway's audit module itself (types only). */
export type {
  BlockPage,
  BlockView,
  Discrepancy,
  ReplayProgress,
  ReplayReport,
  TransactionSummary,
  TransactionView,
  WriteView,
} from '@custodia/gateway/audit';

/** A patient's erasure request and the statement of what an erasure erases, typed by the gateway (types only). */
export type { ErasureCase, ErasureStatement };

/** The patient's erasure request, if any, with the statement shown before asking. */
export interface ErasureRequestView {
  readonly request: ErasureCase | null;
  readonly statement: ErasureStatement;
}
