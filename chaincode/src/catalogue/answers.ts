/**
 * Decoders of the chaincode's answers, as a client receives them: each checks that the JSON is the object, list or
 * page expected — its identifying fields present with the right types, closed vocabularies within their lists —
 * before the client types it. A peer (or a chaincode of another version) answering something else is refused
 * instead of reaching a caller that would trust, say, a grant's status.
 */
import { fail, ok } from '../model';
import type {
  AccessLogEntry,
  Caller,
  CommitReadiness,
  Contribution,
  Decision,
  Decoder,
  Delivery,
  EmergencyPolicy,
  GrantView,
  IdentityStatus,
  Organisation,
  OrganisationRegistry,
  Page,
  PatientRegistration,
  RecordMeta,
  RegistryApproval,
  RuleVersion,
  StoredRule,
} from '../model';
import {
  CONTRIBUTION_STATUSES,
  EFFECTS,
  EMERGENCY_REASONS,
  EMERGENCY_REFUSALS,
  GRANT_STATUSES,
  PURPOSES,
  REGISTRY_CHANGE_KINDS,
  ROLES,
  RULE_CHANGES,
  RULE_STATUSES,
} from '../model';

type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'string[]';
/** A field's type (`?` when it may be absent), a closed vocabulary, or a decoder of its value. */
type FieldCheck = FieldType | `${FieldType}?` | readonly string[] | Decoder<unknown>;
type Shape<T> = { readonly [K in keyof T]?: FieldCheck };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasType(value: unknown, type: FieldType): boolean {
  switch (type) {
    case 'array':
      return Array.isArray(value);
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'object':
      return isRecord(value);
    default:
      return typeof value === type;
  }
}

function checkField(value: unknown, check: FieldCheck, path: string): string | undefined {
  if (typeof check === 'function') {
    const decoded = check(value, path);
    return decoded.ok ? undefined : decoded.error.message;
  }
  if (typeof check !== 'string')
    return typeof value === 'string' && check.includes(value) ? undefined : `${path}: unknown value`;
  const optional = check.endsWith('?');
  if (optional && value === undefined) return undefined;
  const type = optional ? check.slice(0, -1) : check;
  return isFieldType(type) && hasType(value, type) ? undefined : `${path}: must be ${describe(type)}`;
}

const FIELD_TYPES: readonly string[] = ['string', 'number', 'boolean', 'object', 'array', 'string[]'];

function isFieldType(value: string): value is FieldType {
  return FIELD_TYPES.includes(value);
}

function describe(type: string): string {
  return type === 'string[]' ? 'a list of strings' : `a ${type}`;
}

/** A closed vocabulary whose value may be absent. */
function optional(vocabulary: readonly string[]): Decoder<string | undefined> {
  return (input, path) =>
    input === undefined || (typeof input === 'string' && vocabulary.includes(input))
      ? ok(input)
      : fail(path, 'unknown value');
}

/** An answer object whose listed fields have the listed types. */
export function shape<T>(what: string, fields: Shape<T>): Decoder<T> {
  return (input, path) => {
    if (!isRecord(input)) return fail(path, `must be ${what}`);
    for (const [key, check] of Object.entries(fields) as [string, FieldCheck][]) {
      const problem = checkField(input[key], check, `${path}.${key}`);
      if (problem !== undefined) return fail(path, `is not ${what} (${problem})`);
    }
    // Checked above field by field: this is the one place an answer becomes the model's type.
    return ok(input as T);
  };
}

/** A list of items, each checked. */
export function listOf<T>(item: Decoder<T>): Decoder<readonly T[]> {
  return (input, path) => {
    if (!Array.isArray(input)) return fail(path, 'must be a list');
    const items: T[] = [];
    for (const [index, value] of input.entries()) {
      const decoded = item(value, `${path}[${index}]`);
      if (!decoded.ok) return decoded;
      items.push(decoded.value);
    }
    return ok(items);
  };
}

/** A page of items, each checked. */
export function pageOf<T>(item: Decoder<T>): Decoder<Page<T>> {
  const items = listOf(item);
  return (input, path) => {
    if (!isRecord(input) || typeof input.bookmark !== 'string')
      return fail(path, 'must be a page ({items, bookmark})');
    const decoded = items(input.items, `${path}.items`);
    return decoded.ok ? ok({ items: decoded.value, bookmark: input.bookmark }) : decoded;
  };
}

const caller = shape<Caller>('a caller', { mspId: 'string', role: ROLES, id: 'string', country: 'string?' });

const decision = shape<Decision>('a decision', {
  purpose: PURPOSES,
  categories: 'array',
  granted: 'string[]',
  denied: 'string[]',
  rules: 'array',
  notAfter: 'string?',
});

const ruleFields = {
  ruleId: 'string',
  patientId: 'string',
  version: 'number',
  status: RULE_STATUSES,
  effect: EFFECTS,
  grantee: 'object',
  categories: 'string[]',
  labels: 'string[]',
  purposes: 'string[]',
  notBefore: 'string?',
  notAfter: 'string?',
  createdAt: 'string',
  updatedAt: 'string',
  txId: 'string',
} as const;

export const storedRule = shape<StoredRule>('a rule', ruleFields);

export const ruleVersion = shape<RuleVersion>('a rule version', {
  ...ruleFields,
  change: RULE_CHANGES,
  restoredFrom: 'number?',
});

export const emergencyPolicy = shape<EmergencyPolicy>('an emergency policy', {
  patientId: 'string',
  version: 'number',
  enabled: 'boolean',
  roles: 'string[]',
  countries: 'string[]',
  categories: 'string[]',
  labels: 'string[]',
  maxDurationMinutes: 'number',
  updatedAt: 'string',
  txId: 'string',
});

export const recordMeta = shape<RecordMeta>('a record registration', {
  recordId: 'string',
  patientId: 'string',
  categories: 'string[]',
  labels: 'string[]',
  contentHash: 'string',
  effectiveDate: 'string',
  sourceMspId: 'string',
  country: 'string',
  registeredBy: 'string',
  registeredAt: 'string',
  txId: 'string',
});

/** What every access request records (an absent reason code or hash is absent, never free text). */
const requestFacts = {
  patientId: 'string',
  requester: caller,
  purpose: PURPOSES,
  emergency: 'boolean',
  reasonHash: 'string?',
  reasonCode: optional(EMERGENCY_REASONS),
  requested: 'string[]',
  emergencyPolicyVersion: 'number?',
} as const;

export const accessLogEntry = shape<AccessLogEntry>('an access-log entry', {
  ...requestFacts,
  entryId: 'string',
  timestamp: 'string',
  decision,
  grantId: 'string?',
  expiresAt: 'string?',
  emergencyRequests24h: 'number?',
  emergencyRefusal: optional(EMERGENCY_REFUSALS),
});

export const grantView = shape<GrantView>('a grant', {
  ...requestFacts,
  grantId: 'string',
  granted: 'array',
  denied: 'string[]',
  rules: 'array',
  issuedAt: 'string',
  expiresAt: 'string',
  revoked: 'object?',
  status: GRANT_STATUSES,
});

export const delivery = shape<Delivery>('a delivery', {
  deliveryId: 'string',
  grantId: 'string',
  patientId: 'string',
  requester: caller,
  manifestHash: 'string',
  deliveredAt: 'string',
});

/** What `previewAccess` answers: the decision, and the expiry a grant would have. */
export interface AccessPreview {
  readonly decision: Decision;
  readonly expiresAt?: string;
}

export const accessPreview = shape<AccessPreview>('an access preview', { decision, expiresAt: 'string?' });

export const contribution = shape<Contribution>('a contribution', {
  contributionId: 'string',
  patientId: 'string',
  categories: 'string[]',
  labels: 'string[]',
  contentHash: 'string',
  submitter: caller,
  status: CONTRIBUTION_STATUSES,
  submittedAt: 'string',
  decidedAt: 'string?',
  decidedTxId: 'string?',
  recordId: 'string?',
});

const organisation = shape<Organisation>('an organisation', {
  mspId: 'string',
  country: 'string',
});

export const organisationRegistry = shape<OrganisationRegistry>('the organisation registry', {
  version: 'number',
  members: listOf(organisation),
  changeHash: 'string?',
  updatedAt: 'string?',
  txId: 'string?',
});

export const registryApproval = shape<RegistryApproval>('a registry approval', {
  sequence: 'number',
  changeHash: 'string',
  kind: REGISTRY_CHANGE_KINDS,
  mspId: 'string',
  approvedBy: 'string',
  approvedAt: 'string',
  txId: 'string',
});

export const commitReadiness = shape<CommitReadiness>('a commit readiness', {
  sequence: 'number',
  changeHash: 'string',
  approvals: listOf(
    shape<{ mspId: string; approved: boolean }>('an approval', { mspId: 'string', approved: 'boolean' }),
  ),
  required: 'number',
  ready: 'boolean',
});

export const patientRegistration = shape<PatientRegistration>('a patient registration', {
  patientId: 'string',
  mspId: 'string',
  registeredBy: 'string',
  registeredAt: 'string',
  txId: 'string',
  erased: 'object?',
});

export const identityStatus = shape<IdentityStatus>('an identity status', {
  mspId: 'string',
  role: ROLES,
  id: 'string',
  disabled: 'boolean',
  disabledAt: 'string?',
  disabledBy: 'string?',
  txId: 'string?',
});
