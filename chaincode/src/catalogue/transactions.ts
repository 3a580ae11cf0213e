/**
 * The catalogue: every transaction of the chaincode, defined once. The contracts take their names from it (and the
 * compiler checks each contract has its functions); clients call through it, so a transaction's arguments are
 * built from a typed input and its answer is checked before use. Adding a transaction: one entry here, one method
 * on the client's facade (`@custodia/ledger`), and the contract function itself.
 */
import type {
  AccessLogQuery,
  AccessRequestInput,
  Category,
  ContributionRequest,
  EmergencyPolicySpec,
  EmergencyRequestInput,
  IdentityRef,
  PreviewQuery,
  RecordRegistration,
  RegistryChange,
  RuleCreation,
  RuleSpec,
} from '../model';
import {
  accessLogEntry,
  accessPreview,
  commitReadiness,
  contribution,
  delivery,
  emergencyPolicy,
  grantView,
  identityStatus,
  organisationRegistry,
  pageOf,
  patientRegistration,
  recordMeta,
  registryApproval,
  ruleVersion,
  storedRule,
} from './answers';
import { contract, evaluated, submitted } from './transaction';
import type { ContractName } from './transaction';

/** Which page of a listing: up to `pageSize` items (1–100) after `bookmark` (absent or empty: the first page). */
export interface PageRequest {
  readonly pageSize: number;
  readonly bookmark?: string;
}

function page(request: PageRequest): { pageSize: string; bookmark: string } {
  return { pageSize: String(request.pageSize), bookmark: request.bookmark ?? '' };
}

const json = (value: unknown): string => JSON.stringify(value);

export const TRANSACTIONS = {
  organisations: contract('organisations', {
    approveChange: submitted(
      ['change'],
      (change: RegistryChange) => ({ change: json(change) }),
      registryApproval,
    ),
    commitChange: submitted(
      ['change'],
      (change: RegistryChange) => ({ change: json(change) }),
      organisationRegistry,
    ),
    getRegistry: evaluated([], (input: Readonly<Record<never, string>>) => input, organisationRegistry),
    checkCommitReadiness: evaluated(
      ['change'],
      (change: RegistryChange) => ({ change: json(change) }),
      commitReadiness,
    ),
  }),
  patients: contract('patients', {
    registerPatient: submitted(
      ['patientId'],
      (input: { readonly patientId: string }) => input,
      patientRegistration,
    ),
    markPatientErased: submitted(
      ['patientId'],
      (input: { readonly patientId: string }) => input,
      patientRegistration,
    ),
    getPatient: evaluated(
      ['patientId'],
      (input: { readonly patientId: string }) => input,
      patientRegistration,
    ),
  }),
  identities: contract('identities', {
    disableIdentity: submitted(
      ['identity'],
      (identity: IdentityRef) => ({ identity: json(identity) }),
      identityStatus,
    ),
    enableIdentity: submitted(
      ['identity'],
      (identity: IdentityRef) => ({ identity: json(identity) }),
      identityStatus,
    ),
    getIdentityStatus: evaluated(
      ['identity'],
      (identity: IdentityRef & { readonly mspId: string }) => ({ identity: json(identity) }),
      identityStatus,
    ),
  }),
  rules: contract('rules', {
    createRule: submitted(
      ['creation'],
      (creation: RuleCreation) => ({ creation: json(creation) }),
      storedRule,
    ),
    updateRule: submitted(
      ['ruleId', 'rule'],
      (input: { readonly ruleId: string; readonly rule: RuleSpec }) => ({
        ruleId: input.ruleId,
        rule: json(input.rule),
      }),
      storedRule,
    ),
    revokeRule: submitted(['ruleId'], (input: { readonly ruleId: string }) => input, storedRule),
    restoreRuleVersion: submitted(
      ['ruleId', 'version'],
      (input: { readonly ruleId: string; readonly version: number }) => ({
        ruleId: input.ruleId,
        version: String(input.version),
      }),
      storedRule,
    ),
    getRule: evaluated(['ruleId'], (input: { readonly ruleId: string }) => input, storedRule),
    listMyRules: evaluated(
      ['pageSize', 'bookmark'],
      (input: { readonly page: PageRequest }) => page(input.page),
      pageOf(storedRule),
    ),
    listPatientRules: evaluated(
      ['patientId', 'pageSize', 'bookmark'],
      (input: { readonly patientId: string; readonly page: PageRequest }) => ({
        patientId: input.patientId,
        ...page(input.page),
      }),
      pageOf(storedRule),
    ),
    getRuleHistory: evaluated(
      ['ruleId', 'pageSize', 'bookmark'],
      (input: { readonly ruleId: string; readonly page: PageRequest }) => ({
        ruleId: input.ruleId,
        ...page(input.page),
      }),
      pageOf(ruleVersion),
    ),
  }),
  emergency: contract('emergency', {
    setEmergencyPolicy: submitted(
      ['policy'],
      (policy: EmergencyPolicySpec) => ({ policy: json(policy) }),
      emergencyPolicy,
    ),
    getEmergencyPolicy: evaluated(
      ['patientId'],
      (input: { readonly patientId: string }) => input,
      emergencyPolicy,
    ),
    getEmergencyPolicyHistory: evaluated(
      ['patientId', 'pageSize', 'bookmark'],
      (input: { readonly patientId: string; readonly page: PageRequest }) => ({
        patientId: input.patientId,
        ...page(input.page),
      }),
      pageOf(emergencyPolicy),
    ),
  }),
  records: contract('records', {
    registerRecord: submitted(
      ['record'],
      (record: RecordRegistration) => ({ record: json(record) }),
      recordMeta,
    ),
    getRecordMeta: evaluated(['recordId'], (input: { readonly recordId: string }) => input, recordMeta),
    listRecordMeta: evaluated(
      ['patientId', 'category', 'pageSize', 'bookmark'],
      (input: { readonly patientId: string; readonly category?: Category; readonly page: PageRequest }) => ({
        patientId: input.patientId,
        category: input.category ?? '',
        ...page(input.page),
      }),
      pageOf(recordMeta),
    ),
  }),
  access: contract('access', {
    requestAccess: submitted(
      ['request'],
      (request: AccessRequestInput) => ({ request: json(request) }),
      accessLogEntry,
    ),
    requestEmergencyAccess: submitted(
      ['request'],
      (request: EmergencyRequestInput) => ({ request: json(request) }),
      accessLogEntry,
    ),
    getGrant: evaluated(['grantId'], (input: { readonly grantId: string }) => input, grantView),
    endGrant: submitted(['grantId'], (input: { readonly grantId: string }) => input, grantView),
    listMyGrants: evaluated(
      ['pageSize', 'bookmark'],
      (input: { readonly page: PageRequest }) => page(input.page),
      pageOf(grantView),
    ),
    recordDelivery: submitted(
      ['grantId', 'manifestHash'],
      (input: { readonly grantId: string; readonly manifestHash: string }) => input,
      delivery,
    ),
    listDeliveries: evaluated(
      ['grantId', 'pageSize', 'bookmark'],
      (input: { readonly grantId: string; readonly page: PageRequest }) => ({
        grantId: input.grantId,
        ...page(input.page),
      }),
      pageOf(delivery),
    ),
    previewAccess: evaluated(['query'], (query: PreviewQuery) => ({ query: json(query) }), accessPreview),
  }),
  contributions: contract('contributions', {
    submitContribution: submitted(
      ['contribution'],
      (submission: ContributionRequest) => ({ contribution: json(submission) }),
      contribution,
    ),
    approveContribution: submitted(
      ['contributionId'],
      (input: { readonly contributionId: string }) => input,
      contribution,
    ),
    rejectContribution: submitted(
      ['contributionId'],
      (input: { readonly contributionId: string }) => input,
      contribution,
    ),
    getContribution: evaluated(
      ['patientId', 'contributionId'],
      (input: { readonly patientId: string; readonly contributionId: string }) => input,
      contribution,
    ),
    listContributions: evaluated(
      ['patientId', 'pageSize', 'bookmark'],
      (input: { readonly patientId: string; readonly page: PageRequest }) => ({
        patientId: input.patientId,
        ...page(input.page),
      }),
      pageOf(contribution),
    ),
  }),
  audit: contract('audit', {
    listAccessLog: evaluated(
      ['query', 'pageSize', 'bookmark'],
      (input: { readonly query: AccessLogQuery; readonly page: PageRequest }) => ({
        query: json(input.query),
        ...page(input.page),
      }),
      pageOf(accessLogEntry),
    ),
  }),
} as const satisfies { readonly [C in ContractName]: unknown };

type Catalogue = typeof TRANSACTIONS;
type StringsOf<P extends readonly string[]> = { [K in keyof P]: string };

/**
 * The functions a contract class must have: one per catalogue entry of its section, taking the context and the
 * entry's parameters as strings. Contracts `implement` it, so a name missing from either side does not compile.
 */
export type ContractFunctions<C extends ContractName, Context> = {
  readonly [N in keyof Catalogue[C]]: Catalogue[C][N] extends {
    readonly parameters: infer P extends readonly string[];
  }
    ? (ctx: Context, ...args: StringsOf<P>) => Promise<string>
    : never;
};
