/** One typed function per gateway route the portal uses (gateway/src/journeys, GATEWAY_DESIGN.md). */
import { LIMITS } from '@custodia/chaincode/model';
import type { ApiClient } from './client';
import { ndjsonLines } from './ndjson';
import type { PartyName, PartyRef } from '../directory/names';
import { partyKey } from '../directory/names';
import { ApiProblem } from './problem';
import type { ProblemBody } from './problem';
import type {
  AccessLogEntry,
  AccessRequestBody,
  AuditLogQuery,
  BlockPage,
  BlockView,
  Category,
  Contribution,
  ContributionBody,
  Delivery,
  DirectoryEntry,
  DirectoryQuery,
  EmergencyCard,
  EmergencyPolicy,
  EmergencyPolicySpec,
  EmergencyReason,
  ErasureCase,
  ErasureRequestView,
  FhirBundle,
  FhirResource,
  GrantView,
  ListPage,
  LoginRequest,
  LoginResponse,
  PatientLookup,
  RecordsUploadResult,
  ReplayProgress,
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
const NDJSON = 'application/x-ndjson';
/** The largest page the ledger serves (chaincode LIMITS.maxPageSize). */
const PAGE_SIZE = LIMITS.maxPageSize;

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
    /** The patient's log, newest first, a page at a time. */
    accessLog: (bookmark = '') =>
      client.json<ListPage<AccessLogEntry>>('GET', `${base}/access-log`, {
        query: { pageSize: PAGE_SIZE, bookmark, order: 'newest-first' },
      }),
    /** A grant made from the patient's rules, with its status now (revoked grants carry when and why). */
    grant: (grantId: string) => client.json<GrantView>('GET', `${base}/grants/${seg(grantId)}`),
    /** When the record a grant released was delivered, and to whom. */
    deliveries: (grantId: string) =>
      client.json<ListPage<Delivery>>('GET', `${base}/grants/${seg(grantId)}/deliveries`),
    contributions: () => client.json<ListPage<Contribution>>('GET', `${base}/contributions`),
    decideContribution: (contributionId: string, decision: 'approve' | 'reject') =>
      client.json<Contribution>('POST', `${base}/contributions/${seg(contributionId)}/${decision}`),
    /** What a clinician contributed (a FHIR resource), checked by the gateway against the ledger's hash. */
    contributionContent: (contributionId: string) =>
      client.json<FhirResource>('GET', `${base}/contributions/${seg(contributionId)}/content`),
    emergencyCard: () => client.json<EmergencyCard>('GET', `${base}/emergency-card`),
    /** The patient's erasure request, if any, and what an erasure erases and keeps. */
    erasureRequest: () => client.json<ErasureRequestView>('GET', `${base}/erasure-request`),
    /** Asks for the erasure of all the patient's data (carried out by an administrator of their hospital). */
    requestErasure: () =>
      client.json<ErasureCase>('POST', `${base}/erasure-request`, { body: { confirm: true } }),
    /** Everything Custodia holds about the patient (an IPS Bundle), for the patient alone; never cached. */
    ownRecord: () => client.json<FhirBundle>('GET', `${base}/record`, { accept: 'application/fhir+json' }),
    /** The patient's grants not yet over (active or narrowed), with who holds them, what and until when. */
    liveGrants: (bookmark = '') =>
      client.json<ListPage<GrantView>>('GET', `${base}/grants`, { query: { pageSize: PAGE_SIZE, bookmark } }),
    /** Ends one of the patient's grants now ("end now"). */
    endGrant: (grantId: string) => client.json<GrantView>('POST', `${base}/grants/${seg(grantId)}/end`),
  };
}

/** The gateway's directory: people and organisations to pick by name, and the names of ids (never patients). */
export function directoryApi(client: ApiClient) {
  return {
    search: (query: DirectoryQuery) =>
      client.json<{ items: DirectoryEntry[] }>('GET', '/directory', { query: { ...query } }),
    names: async (parties: readonly PartyRef[]): Promise<readonly PartyName[]> =>
      (
        await client.json<{ items: PartyName[] }>('GET', '/directory/names', {
          query: { parties: parties.map(partyKey).join(',') },
        })
      ).items,
  };
}

/** The gateway path of a binary link in the temporary record (the lake writes `/v1/grants/…?expires&sig`). */
export function binaryPathOf(link: string): string {
  const url = new URL(link, 'http://link.invalid');
  const path = url.pathname.replace(/^(\/api)?\/v1(?=\/)/, '');
  return `${path}${url.search}`;
}

/** Finds a patient by id or card code (a centre of their own organisation also gets their name and birth date). */
function patientLookup(client: ApiClient) {
  return (by: { id: string } | { card: string }) =>
    client.json<PatientLookup>('GET', '/patients/lookup', { query: by });
}

export function clinicianApi(client: ApiClient) {
  return {
    lookup: patientLookup(client),
    requestAccess: (body: AccessRequestBody) =>
      client.json<AccessLogEntry>('POST', '/access-requests', { body }),
    /** `reason`: at least a sentence (20 characters, 4 words), kept off-chain. */
    emergencyAccess: (
      patientId: string,
      categories: readonly Category[],
      reasonCode: EmergencyReason,
      reason: string,
    ) =>
      client.json<AccessLogEntry>('POST', '/emergency-access', {
        body: { patientId, categories, reasonCode, reason },
      }),
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
    /** Who a patient id is, to confirm before uploading. */
    lookup: patientLookup(client),
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

/** A line of the replay's progress stream. */
type ReplayLine =
  | ({ readonly type: 'progress' } & ReplayProgress)
  | { readonly type: 'result'; readonly result: ReplayReport }
  | { readonly type: 'error'; readonly problem: ProblemBody };

export function auditorApi(client: ApiClient) {
  return {
    accessLog: (query: AuditLogQuery, bookmark = '') =>
      client.json<ListPage<AccessLogEntry>>('GET', '/audit/access-log', {
        query: { ...query, pageSize: PAGE_SIZE, bookmark },
      }),
    /** A grant of a patient, with its status now (revocations carry when and by which rule). */
    grant: (patientId: string, grantId: string) =>
      client.json<GrantView>('GET', `/patients/${seg(patientId)}/grants/${seg(grantId)}`),
    deliveries: (patientId: string, grantId: string) =>
      client.json<ListPage<Delivery>>('GET', `/patients/${seg(patientId)}/grants/${seg(grantId)}/deliveries`),
    ruleHistory: (ruleId: string) =>
      client.json<ListPage<RuleVersion>>('GET', `/audit/rules/${seg(ruleId)}/history`),
    blocks: (from: number, limit: number) =>
      client.json<BlockPage>('GET', '/audit/blocks', { query: { from, limit } }),
    block: (number: number) => client.json<BlockView>('GET', `/audit/blocks/${number}`),
    transaction: (txId: string) => client.json<TransactionView>('GET', `/audit/transactions/${seg(txId)}`),
    /** Replay & verify, told block by block as the gateway verifies the chain. */
    replay: async (onProgress: (progress: ReplayProgress) => void): Promise<ReplayReport> => {
      const response = await client.stream('POST', '/audit/replay', { accept: NDJSON });
      for await (const value of ndjsonLines(response)) {
        const line = value as ReplayLine;
        if (line.type === 'progress')
          onProgress({ blocksVerified: line.blocksVerified, totalBlocks: line.totalBlocks });
        else if (line.type === 'result') return line.result;
        else if (line.type === 'error') throw new ApiProblem(line.problem.status ?? 500, line.problem);
      }
      throw new ApiProblem(502, {
        code: 'INCOMPLETE_ANSWER',
        detail: 'The replay stopped without a report.',
      });
    },
    replayCsv: () => client.text('POST', '/audit/replay', { query: { format: 'csv' }, accept: 'text/csv' }),
  };
}

export type AuthApi = ReturnType<typeof authApi>;
export type DirectoryApi = ReturnType<typeof directoryApi>;
export type PatientApi = ReturnType<typeof patientApi>;
export type ClinicianApi = ReturnType<typeof clinicianApi>;
export type CentreApi = ReturnType<typeof centreApi>;
export type AuditorApi = ReturnType<typeof auditorApi>;
