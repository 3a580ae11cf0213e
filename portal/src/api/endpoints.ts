/** One typed function per gateway route the portal uses (GATEWAY_DESIGN.md, "HTTP API"). */
import type { ApiClient } from './client';
import type {
  AccessLogEntry,
  AccessRequestBody,
  AuditLogQuery,
  BlockDetail,
  BlockSummary,
  Contribution,
  ContributionBody,
  EmergencyCard,
  EmergencyPolicy,
  EmergencyPolicySpec,
  FhirBundle,
  GrantView,
  ListPage,
  LoginRequest,
  LoginResponse,
  PatientLookup,
  PreviewRequest,
  PreviewResult,
  ReplayReport,
  RuleSpec,
  RuleVersion,
  SessionUser,
  StoredRule,
  TotpSetup,
  TransactionDetail,
  UploadCreate,
  UploadSession,
  UploadSummary,
} from './types';

const seg = encodeURIComponent;

export function authApi(client: ApiClient) {
  return {
    login: (body: LoginRequest) =>
      client.json<LoginResponse>('POST', '/auth/login', { body, anonymous: true }),
    logout: () => client.json<void>('POST', '/auth/logout', { body: {} }),
    me: () => client.json<SessionUser>('GET', '/auth/me'),
    setupTotp: () => client.json<TotpSetup>('POST', '/auth/totp/setup', { body: {} }),
    confirmTotp: (code: string) => client.json<void>('POST', '/auth/totp/confirm', { body: { code } }),
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
    preview: (body: PreviewRequest) => client.json<PreviewResult>('POST', `${base}/preview`, { body }),
    emergencyPolicy: () => client.json<EmergencyPolicy | null>('GET', `${base}/emergency-policy`),
    setEmergencyPolicy: (spec: EmergencyPolicySpec) =>
      client.json<EmergencyPolicy>('PUT', `${base}/emergency-policy`, { body: spec }),
    accessLog: () => client.json<ListPage<AccessLogEntry>>('GET', `${base}/access-log`),
    contributions: () => client.json<ListPage<Contribution>>('GET', `${base}/contributions`),
    decideContribution: (contributionId: string, decision: 'approve' | 'reject') =>
      client.json<Contribution>('POST', `${base}/contributions/${seg(contributionId)}/${decision}`, {
        body: {},
      }),
    emergencyCard: () => client.json<EmergencyCard>('GET', `${base}/emergency-card`),
  };
}

export function clinicianApi(client: ApiClient) {
  return {
    lookup: (by: { id: string } | { card: string }) =>
      client.json<PatientLookup>('GET', '/patients/lookup', { query: by }),
    requestAccess: (body: AccessRequestBody) =>
      client.json<AccessLogEntry>('POST', '/access-requests', { body }),
    emergencyAccess: (patientId: string, reason: string) =>
      client.json<AccessLogEntry>('POST', '/emergency-access', { body: { patientId, reason } }),
    grant: (grantId: string) => client.json<GrantView>('GET', `/grants/${seg(grantId)}`),
    assemble: (grantId: string) =>
      client.json<unknown>('POST', `/grants/${seg(grantId)}/assembly`, { body: {} }),
    record: (grantId: string) =>
      client.json<FhirBundle>('GET', `/grants/${seg(grantId)}/record`, { accept: 'application/fhir+json' }),
    binary: (grantId: string, recordId: string) =>
      client.blob('GET', `/grants/${seg(grantId)}/binaries/${seg(recordId)}`),
    contribute: (patientId: string, body: ContributionBody) =>
      client.json<Contribution>('POST', `/patients/${seg(patientId)}/contributions`, { body }),
  };
}

export function centreApi(client: ApiClient) {
  return {
    uploadBundle: (patientId: string, bundle: unknown) =>
      client.json<unknown>('POST', `/patients/${seg(patientId)}/records`, { body: bundle }),
    createUpload: (body: UploadCreate) => client.json<UploadSession>('POST', '/uploads', { body }),
    putPart: (uploadId: string, index: number, bytes: Blob, signal?: AbortSignal) =>
      client.json<unknown>('PUT', `/uploads/${seg(uploadId)}/parts/${index}`, { bytes, signal }),
    completeUpload: (uploadId: string) =>
      client.json<UploadSummary>('POST', `/uploads/${seg(uploadId)}/complete`, { body: {} }),
    upload: (uploadId: string) => client.json<UploadSummary>('GET', `/uploads/${seg(uploadId)}`),
    uploads: () => client.json<ListPage<UploadSummary>>('GET', '/uploads'),
  };
}

export function auditorApi(client: ApiClient) {
  return {
    accessLog: (query: AuditLogQuery) =>
      client.json<ListPage<AccessLogEntry>>('GET', '/audit/access-log', { query: { ...query } }),
    ruleHistory: (ruleId: string) =>
      client.json<ListPage<RuleVersion>>('GET', `/audit/rules/${seg(ruleId)}/history`),
    blocks: (from: number | undefined, limit: number) =>
      client.json<ListPage<BlockSummary>>('GET', '/audit/blocks', { query: { from, limit } }),
    block: (number: number) => client.json<BlockDetail>('GET', `/audit/blocks/${number}`),
    transaction: (txId: string) => client.json<TransactionDetail>('GET', `/audit/transactions/${seg(txId)}`),
    replay: () => client.json<ReplayReport>('POST', '/audit/replay', { body: {} }),
    replayCsv: () => client.text('POST', '/audit/replay', { body: {}, accept: 'text/csv' }),
  };
}

export type AuthApi = ReturnType<typeof authApi>;
export type PatientApi = ReturnType<typeof patientApi>;
export type ClinicianApi = ReturnType<typeof clinicianApi>;
export type CentreApi = ReturnType<typeof centreApi>;
export type AuditorApi = ReturnType<typeof auditorApi>;
