/** One typed function per gateway route the portal uses (gateway/src/journeys, GATEWAY_DESIGN.md). */
import type { ApiClient } from './client';
import type {
  AccessLogEntry,
  AccessRequestBody,
  AuditLogQuery,
  BlockPage,
  BlockView,
  Category,
  Contribution,
  ContributionBody,
  EmergencyCard,
  EmergencyPolicy,
  EmergencyPolicySpec,
  FhirBundle,
  FhirResource,
  GrantView,
  ListPage,
  LoginRequest,
  LoginResponse,
  PatientLookup,
  RecordsUploadResult,
  ReplayReport,
  RuleSpec,
  RuleVersion,
  SessionUser,
  StoredRule,
  TotpSetup,
  TransactionView,
  UploadCreate,
  UploadSession,
} from './types';

const seg = encodeURIComponent;

export function authApi(client: ApiClient) {
  return {
    login: (body: LoginRequest) =>
      client.json<LoginResponse>('POST', '/auth/login', { body, anonymous: true }),
    logout: (refreshToken: string) =>
      client.json<void>('POST', '/auth/logout', { body: { refreshToken }, anonymous: true }),
    me: () => client.json<SessionUser>('GET', '/auth/me'),
    /** With the setup token of an MFA_SETUP_REQUIRED answer: the authenticator secret, shown once. */
    setupMfa: (setupToken: string) =>
      client.json<TotpSetup>('POST', '/auth/mfa/setup', { body: { setupToken }, anonymous: true }),
    /** Confirms the authenticator with its first code, and signs in. */
    confirmMfa: (setupToken: string, code: string) =>
      client.json<LoginResponse>('POST', '/auth/mfa/confirm', {
        body: { setupToken, code },
        anonymous: true,
      }),
  };
}

export function patientApi(client: ApiClient, patientId: string) {
  const base = `/patients/${seg(patientId)}`;
  return {
    rules: () => client.json<ListPage<StoredRule>>('GET', `${base}/rules`),
    createRule: (spec: RuleSpec) => client.json<StoredRule>('POST', `${base}/rules`, { body: spec }),
    updateRule: (ruleId: string, spec: RuleSpec) =>
      client.json<StoredRule>('PUT', `${base}/rules/${seg(ruleId)}`, { body: spec }),
    revokeRule: (ruleId: string) => client.json<StoredRule>('DELETE', `${base}/rules/${seg(ruleId)}`),
    history: (ruleId: string) =>
      client.json<ListPage<RuleVersion>>('GET', `${base}/rules/${seg(ruleId)}/history`),
    restore: (ruleId: string, version: number) =>
      client.json<StoredRule>('POST', `${base}/rules/${seg(ruleId)}/restore`, { body: { version } }),
    emergencyPolicy: () => client.json<EmergencyPolicy>('GET', `${base}/emergency-policy`),
    setEmergencyPolicy: (spec: EmergencyPolicySpec) =>
      client.json<EmergencyPolicy>('PUT', `${base}/emergency-policy`, { body: spec }),
    accessLog: () => client.json<ListPage<AccessLogEntry>>('GET', `${base}/access-log`),
    contributions: () => client.json<ListPage<Contribution>>('GET', `${base}/contributions`),
    decideContribution: (contributionId: string, decision: 'approve' | 'reject') =>
      client.json<Contribution>('POST', `${base}/contributions/${seg(contributionId)}/${decision}`),
    /** What a clinician contributed (a FHIR resource), checked by the gateway against the ledger's hash. */
    contributionContent: (contributionId: string) =>
      client.json<FhirResource>('GET', `${base}/contributions/${seg(contributionId)}/content`),
    emergencyCard: () => client.json<EmergencyCard>('GET', `${base}/emergency-card`),
  };
}

/** The gateway path of a binary link in the temporary record (the lake writes `/v1/grants/…?expires&sig`). */
export function binaryPathOf(link: string): string {
  const url = new URL(link, 'http://link.invalid');
  const path = url.pathname.replace(/^(\/api)?\/v1(?=\/)/, '');
  return `${path}${url.search}`;
}

export function clinicianApi(client: ApiClient) {
  return {
    lookup: (by: { id: string } | { card: string }) =>
      client.json<PatientLookup>('GET', '/patients/lookup', { query: by }),
    requestAccess: (body: AccessRequestBody) =>
      client.json<AccessLogEntry>('POST', '/access-requests', { body }),
    emergencyAccess: (patientId: string, categories: readonly Category[], reason: string) =>
      client.json<AccessLogEntry>('POST', '/emergency-access', { body: { patientId, categories, reason } }),
    grant: (grantId: string) => client.json<GrantView>('GET', `/grants/${seg(grantId)}`),
    record: (grantId: string) =>
      client.json<FhirBundle>('GET', `/grants/${seg(grantId)}/record`, { accept: 'application/fhir+json' }),
    /** A binary of the record, through its short-lived link. */
    binary: (link: string) => client.blob('GET', binaryPathOf(link)),
    contribute: (patientId: string, body: ContributionBody) =>
      client.json<Contribution>('POST', `/patients/${seg(patientId)}/contributions`, { body }),
  };
}

export function centreApi(client: ApiClient) {
  return {
    uploadRecords: (patientId: string, sourceId: string, document: FhirResource) =>
      client.json<RecordsUploadResult>('POST', `/patients/${seg(patientId)}/records`, {
        body: document,
        query: { sourceId },
        contentType: 'application/fhir+json',
      }),
    createUpload: (body: UploadCreate) => client.json<UploadSession>('POST', '/uploads', { body }),
    putPart: (uploadId: string, index: number, bytes: Blob) =>
      client.json<UploadSession>('PUT', `/uploads/${seg(uploadId)}/parts/${index}`, { bytes }),
    completeUpload: (uploadId: string) =>
      client.json<UploadSession>('POST', `/uploads/${seg(uploadId)}/complete`),
    uploads: () => client.json<ListPage<UploadSession>>('GET', '/uploads'),
  };
}

export function auditorApi(client: ApiClient) {
  return {
    accessLog: (query: AuditLogQuery) =>
      client.json<ListPage<AccessLogEntry>>('GET', '/audit/access-log', { query: { ...query } }),
    ruleHistory: (ruleId: string) =>
      client.json<ListPage<RuleVersion>>('GET', `/audit/rules/${seg(ruleId)}/history`),
    blocks: (from: number, limit: number) =>
      client.json<BlockPage>('GET', '/audit/blocks', { query: { from, limit } }),
    block: (number: number) => client.json<BlockView>('GET', `/audit/blocks/${number}`),
    transaction: (txId: string) => client.json<TransactionView>('GET', `/audit/transactions/${seg(txId)}`),
    replay: () => client.json<ReplayReport>('POST', '/audit/replay'),
    replayCsv: () => client.text('POST', '/audit/replay', { query: { format: 'csv' }, accept: 'text/csv' }),
  };
}

export type AuthApi = ReturnType<typeof authApi>;
export type PatientApi = ReturnType<typeof patientApi>;
export type ClinicianApi = ReturnType<typeof clinicianApi>;
export type CentreApi = ReturnType<typeof centreApi>;
export type AuditorApi = ReturnType<typeof auditorApi>;
