/** Decoders for every structured argument of the chaincode, and for the caller's certificate attributes. */
import {
  bool,
  decodeJson,
  fail,
  integer,
  list,
  literal,
  map,
  ok,
  oneOf,
  refine,
  setOf,
  sortedSet,
  struct,
  tagged,
  text,
} from './decode';
import type { Decoded, Decoder } from './decode';
import { FORMATS, LIMITS } from './limits';
import { byMspId } from './organisations';
import { dateOrInstant, instant, toMillis } from './time';
import type { Instant } from './time';
import type {
  AccessRequestInput,
  Caller,
  ContributionRequest,
  ContributionSubmission,
  EmergencyPolicySpec,
  EmergencyRequestInput,
  Grantee,
  IdentityRef,
  Organisation,
  RecordRegistration,
  RegistryChange,
  Requester,
  RuleCreation,
  RuleSpec,
} from './types';
import {
  CATEGORIES,
  EFFECTS,
  EMERGENCY_PURPOSE,
  EMERGENCY_REASONS,
  LABELS,
  PURPOSES,
  ROLES,
} from './vocabulary';
import type { Category, Purpose } from './vocabulary';

const id = text({
  max: LIMITS.maxIdLength,
  pattern: FORMATS.id,
  patternName: 'letters, digits and . _ @ -',
});
/**
 * Nothing about the person can be read from a patient's pseudonym, and the mapping to the person
 * lives off-chain, where erasure deletes it.
 */
const patientId = text({
  min: 29,
  max: 29,
  pattern: FORMATS.patientId,
  patternName: 'a patient pseudonym (pt- and 26 base32 characters)',
});
const mspId = text({
  max: LIMITS.maxMspIdLength,
  pattern: FORMATS.mspId,
  patternName: 'an MSP id (letters, digits, . -)',
});
const country = text({ max: 2, pattern: FORMATS.country, patternName: 'an ISO 3166-1 alpha-2 code' });
const sha256Hex = text({
  min: 64,
  max: 64,
  pattern: FORMATS.sha256Hex,
  patternName: 'lowercase hex SHA-256',
});
/** A salted SHA-256 of free text kept off-chain: the text itself is refused. */
const reasonHash = sha256Hex;
const requestId = id;
const purpose = oneOf(PURPOSES, 'purpose');
const role = oneOf(ROLES, 'role');
const categories = setOf(CATEGORIES, 'category', { min: 1 });
const labels = setOf(LABELS, 'label');
const reasonCode = oneOf(EMERGENCY_REASONS, 'emergency reason');
const countries = sortedSet(country, { max: LIMITS.maxCountries });

const scope = { countries };
const grantee: Decoder<Grantee> = tagged<'kind', Grantee>(
  'kind',
  {
    practitioner: struct({ kind: literal('practitioner'), id, mspId }, scope),
    organization: struct({ kind: literal('organization'), mspId }, scope),
    role: struct({ kind: literal('role'), role }, scope),
  },
  'grantee kind',
);

const ruleSpec: Decoder<RuleSpec> = refine(
  map(
    struct(
      {
        effect: oneOf(EFFECTS, 'effect'),
        grantee,
        categories,
        purposes: setOf(PURPOSES, 'purpose', { min: 1 }),
      },
      { labels, notBefore: instant, notAfter: instant },
    ),
    (spec): RuleSpec => ({
      effect: spec.effect,
      grantee: spec.grantee,
      categories: spec.categories,
      labels: spec.labels ?? [],
      purposes: spec.purposes,
      ...(spec.notBefore === undefined ? {} : { notBefore: spec.notBefore }),
      ...(spec.notAfter === undefined ? {} : { notAfter: spec.notAfter }),
    }),
  ),
  (spec) =>
    spec.notBefore !== undefined &&
    spec.notAfter !== undefined &&
    toMillis(spec.notAfter) <= toMillis(spec.notBefore)
      ? { path: 'notAfter', reason: 'must be after notBefore' }
      : undefined,
);

const emergencyPolicySpec: Decoder<EmergencyPolicySpec> = refine(
  map(
    struct(
      {
        enabled: bool,
        roles: setOf(ROLES, 'role'),
        categories: setOf(CATEGORIES, 'category'),
        maxDurationMinutes: integer(1, LIMITS.maxEmergencyMinutes),
      },
      { countries, labels },
    ),
    (spec): EmergencyPolicySpec => ({
      enabled: spec.enabled,
      roles: spec.roles,
      countries: spec.countries ?? [],
      categories: spec.categories,
      labels: spec.labels ?? [],
      maxDurationMinutes: spec.maxDurationMinutes,
    }),
  ),
  (spec) => {
    if (!spec.enabled) return undefined;
    if (spec.roles.length === 0) return { path: 'roles', reason: 'must name a role when enabled' };
    if (spec.categories.length === 0)
      return { path: 'categories', reason: 'must name a category when enabled' };
    return undefined;
  },
);

const recordRegistration: Decoder<RecordRegistration> = map(
  struct(
    { recordId: id, patientId, categories, contentHash: sha256Hex, effectiveDate: dateOrInstant },
    { labels, supersedes: id },
  ),
  (record): RecordRegistration => ({
    recordId: record.recordId,
    patientId: record.patientId,
    categories: record.categories,
    labels: record.labels ?? [],
    contentHash: record.contentHash,
    effectiveDate: record.effectiveDate,
    ...(record.supersedes === undefined ? {} : { supersedes: record.supersedes }),
  }),
);

const contributionSubmission: Decoder<ContributionSubmission> = map(
  struct({ patientId, categories, contentHash: sha256Hex }, { labels }),
  (submission): ContributionSubmission => ({
    patientId: submission.patientId,
    categories: submission.categories,
    labels: submission.labels ?? [],
    contentHash: submission.contentHash,
  }),
);

const contributionRequest: Decoder<ContributionRequest> = map(
  struct({ patientId, categories, contentHash: sha256Hex, requestId }, { labels }),
  (submission): ContributionRequest => ({
    patientId: submission.patientId,
    categories: submission.categories,
    labels: submission.labels ?? [],
    contentHash: submission.contentHash,
    requestId: submission.requestId,
  }),
);

const ruleCreation: Decoder<RuleCreation> = struct({ requestId, rule: ruleSpec });

const accessRequest: Decoder<AccessRequestInput> = refine(
  struct({ patientId, categories, purpose, requestId }, { reasonHash }),
  (request) =>
    request.purpose === EMERGENCY_PURPOSE
      ? { path: 'purpose', reason: 'ETREAT is requested through requestEmergencyAccess' }
      : undefined,
);

const emergencyRequest: Decoder<EmergencyRequestInput> = struct({
  patientId,
  categories,
  reasonCode,
  reasonHash,
  requestId,
});

/** A requester a patient describes to `previewAccess`; its country is its organisation's in the registry. */
const requester: Decoder<Requester> = struct({ mspId, role, id });

const identityRef: Decoder<IdentityRef> = struct({ role, id });
const identity: Decoder<IdentityRef & { readonly mspId: string }> = struct({ mspId, role, id });

const organisation: Decoder<Organisation> = struct({ mspId, country });
const sequence = integer(1, 999_999_999);
const members: Decoder<Organisation[]> = refine(
  map(list(organisation, { min: 1, max: LIMITS.maxOrganisations }), (entries) => [...entries].sort(byMspId)),
  (entries) =>
    entries.some((entry, i) => i > 0 && entries[i - 1]?.mspId === entry.mspId)
      ? { path: '', reason: 'must not repeat an organisation' }
      : undefined,
);
const registryChange: Decoder<RegistryChange> = tagged<'kind', RegistryChange>(
  'kind',
  {
    genesis: struct({ sequence, kind: literal('genesis'), members }),
    add: struct({ sequence, kind: literal('add'), mspId, country }),
    'change-country': struct({ sequence, kind: literal('change-country'), mspId, country }),
    remove: struct({ sequence, kind: literal('remove'), mspId }),
  },
  'change kind',
);

/** What a patient asks `previewAccess` about. */
export interface PreviewQuery {
  readonly requester: Requester;
  readonly categories: readonly Category[];
  readonly purpose: Purpose;
  /** Default: the transaction timestamp. */
  readonly at?: Instant;
}
const previewQuery: Decoder<PreviewQuery> = struct({ requester, categories, purpose }, { at: instant });

/** The order of a patient's or a requester's log: oldest first unless asked otherwise. */
export const LOG_ORDERS = ['oldest-first', 'newest-first'] as const;
export type LogOrder = (typeof LOG_ORDERS)[number];
export type AccessLogQuery =
  | { readonly by: 'patient'; readonly patientId: string; readonly order?: LogOrder }
  | {
      readonly by: 'requester';
      readonly mspId: string;
      readonly requesterId: string;
      readonly order?: LogOrder;
    }
  | { readonly by: 'time'; readonly from: Instant; readonly to?: Instant };
const logOrder = oneOf(LOG_ORDERS, 'log order');
const accessLogQuery: Decoder<AccessLogQuery> = tagged<'by', AccessLogQuery>(
  'by',
  {
    patient: struct({ by: literal('patient'), patientId }, { order: logOrder }),
    requester: struct({ by: literal('requester'), mspId, requesterId: id }, { order: logOrder }),
    time: refine(struct({ by: literal('time'), from: instant }, { to: instant }), (query) =>
      query.to !== undefined && toMillis(query.to) <= toMillis(query.from)
        ? { path: 'to', reason: 'must be after from' }
        : undefined,
    ),
  },
  'query kind',
);

/** Decoders of every argument shape, e.g. `parseArgument(json, decoders.ruleSpec, 'rule')`. */
export const decoders = {
  id,
  patientId,
  mspId,
  country,
  sha256Hex,
  reasonHash,
  requestId,
  purpose,
  role,
  categories,
  labels,
  reasonCode,
  grantee,
  ruleSpec,
  ruleCreation,
  emergencyPolicySpec,
  recordRegistration,
  contributionSubmission,
  contributionRequest,
  accessRequest,
  emergencyRequest,
  requester,
  previewQuery,
  accessLogQuery,
  identityRef,
  identity,
  organisation,
  registryChange,
} as const;

/** `pageSize` arrives as a transaction argument string. */
export function pageSize(value: string): Decoded<number> {
  if (!/^\d{1,4}$/.test(value)) return fail('pageSize', `must be an integer from 1 to ${LIMITS.maxPageSize}`);
  return integer(1, LIMITS.maxPageSize)(Number(value), 'pageSize');
}

/** A rule version number as a transaction argument string. */
export function versionNumber(value: string): Decoded<number> {
  if (!/^\d{1,9}$/.test(value)) return fail('version', 'must be a positive integer');
  return integer(1, LIMITS.maxRuleVersion)(Number(value), 'version');
}

/** Parses JSON and decodes it in one step, e.g. `parseArgument(json, ruleSpec, 'rule')`. */
export function parseArgument<T>(json: string, decoder: Decoder<T>, name: string): Decoded<T> {
  return decodeJson(json, decoder, name);
}

/** A single decoded string argument (e.g. a patient id). */
export function parseText<T>(value: string, decoder: Decoder<T>, name: string): Decoded<T> {
  return decoder(value, name);
}

/** Reads the identity a certificate claims from its attributes; undefined attributes are absent. */
export function callerFromAttributes(attributes: {
  mspId: string;
  role: string | undefined;
  id: string | undefined;
  country: string | undefined;
}): Decoded<Caller> {
  const decodedRole = role(attributes.role, 'custodia.role');
  if (!decodedRole.ok) return decodedRole;
  const decodedId = id(attributes.id, 'custodia.id');
  if (!decodedId.ok) return decodedId;
  const decodedMsp = mspId(attributes.mspId, 'mspId');
  if (!decodedMsp.ok) return decodedMsp;
  if (attributes.country === undefined) {
    return ok({ mspId: decodedMsp.value, role: decodedRole.value, id: decodedId.value });
  }
  const decodedCountry = country(attributes.country, 'custodia.country');
  if (!decodedCountry.ok) return decodedCountry;
  return ok({
    mspId: decodedMsp.value,
    role: decodedRole.value,
    id: decodedId.value,
    country: decodedCountry.value,
  });
}
