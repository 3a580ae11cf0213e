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
  Contribution,
  Decision,
  Decoder,
  Delivery,
  EmergencyPolicy,
  GrantView,
  Page,
  RecordMeta,
  RuleVersion,
  StoredRule,
} from '../model';
import {
  CONTRIBUTION_STATUSES,
  EFFECTS,
  GRANT_STATUSES,
  PURPOSES,
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

/** A page of items, each checked. */
export function pageOf<T>(item: Decoder<T>): Decoder<Page<T>> {
  return (input, path) => {
    if (!isRecord(input) || !Array.isArray(input.items) || typeof input.bookmark !== 'string')
      return fail(path, 'must be a page ({items, bookmark})');
    const items: T[] = [];
    for (const [index, value] of input.items.entries()) {
      const decoded = item(value, `${path}.items[${index}]`);
      if (!decoded.ok) return decoded;
      items.push(decoded.value);
    }
    return ok({ items, bookmark: input.bookmark });
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

export const accessLogEntry = shape<AccessLogEntry>('an access-log entry', {
  entryId: 'string',
  timestamp: 'string',
  patientId: 'string',
  requester: caller,
  purpose: PURPOSES,
  emergency: 'boolean',
  requested: 'string[]',
  decision,
  grantId: 'string?',
  expiresAt: 'string?',
});

export const grantView = shape<GrantView>('a grant', {
  grantId: 'string',
  patientId: 'string',
  requester: caller,
  purpose: PURPOSES,
  emergency: 'boolean',
  requested: 'string[]',
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
});
