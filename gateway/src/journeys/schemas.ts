/**
 * Request shapes of the journeys, in TypeBox: one source for ajv validation and the OpenAPI document. Every bound,
 * form and vocabulary is the chaincode model's own (`LIMITS`, `FORMATS`, the vocabularies), so what the gateway
 * accepts is what the ledger accepts: a request the ledger would refuse is refused here, before any transaction.
 */
import { Type } from '@sinclair/typebox';
import type { TUnsafe } from '@sinclair/typebox';
import {
  CATEGORIES,
  EFFECTS,
  EMERGENCY_PURPOSE,
  EMERGENCY_REASONS,
  FORMATS,
  LABELS,
  LIMITS,
  LOG_ORDERS,
  PURPOSES,
  ROLES,
} from '@custodia/chaincode';

/** A closed vocabulary as a JSON Schema enum (one clear error naming the allowed values). */
function oneOf<T extends string>(values: readonly T[], description?: string): TUnsafe<T> {
  return Type.Unsafe<T>({
    type: 'string',
    enum: [...values],
    ...(description === undefined ? {} : { description }),
  });
}

/** Pseudonymous ids as the ledger accepts them. */
export const Id = Type.String({
  pattern: FORMATS.id.source,
  maxLength: LIMITS.maxIdLength,
  description: 'a pseudonymous identifier',
});
export const MspId = Type.String({
  pattern: FORMATS.mspId.source,
  maxLength: LIMITS.maxMspIdLength,
});
export const Country = Type.String({ pattern: FORMATS.country.source, description: 'ISO 3166-1 alpha-2' });
export const Sha256Hex = Type.String({ pattern: FORMATS.sha256Hex.source });
export const Instant = Type.String({ format: 'date-time' });
/** A patient's ledger id: an opaque pseudonym the platform generated (`pt-` + 26 base32 characters). */
export const PatientId = Type.String({
  pattern: FORMATS.patientId.source,
  maxLength: LIMITS.maxIdLength,
  description: 'a patient pseudonym',
});
export const Category = oneOf(CATEGORIES);
export const Label = oneOf(LABELS);
export const Purpose = oneOf(PURPOSES);
/** What an ordinary access request may state: emergency treatment goes through /emergency-access. */
export const RequestPurpose = oneOf(PURPOSES.filter((purpose) => purpose !== EMERGENCY_PURPOSE));
export const EmergencyReasonCode = oneOf(EMERGENCY_REASONS, 'why the glass is broken');
export const Role = oneOf(ROLES);

const CountryList = Type.Array(Country, { maxItems: LIMITS.maxCountries, uniqueItems: true });
const Countries = Type.Optional(CountryList);

export const Grantee = Type.Union([
  Type.Object(
    { kind: Type.Literal('practitioner'), id: Id, mspId: MspId, countries: Countries },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('organization'), mspId: MspId, countries: Countries },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('role'), role: Role, countries: Countries },
    { additionalProperties: false },
  ),
]);

export const RuleSpec = Type.Object(
  {
    effect: oneOf(EFFECTS),
    grantee: Grantee,
    categories: Type.Array(Category, { minItems: 1, uniqueItems: true }),
    labels: Type.Array(Label, { uniqueItems: true, default: [] }),
    purposes: Type.Array(Purpose, { minItems: 1, uniqueItems: true }),
    notBefore: Type.Optional(Instant),
    notAfter: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const EmergencyPolicySpec = Type.Object(
  {
    enabled: Type.Boolean(),
    roles: Type.Array(Role, { uniqueItems: true }),
    countries: CountryList,
    categories: Type.Array(Category, { uniqueItems: true }),
    labels: Type.Array(Label, { uniqueItems: true }),
    maxDurationMinutes: Type.Integer({ minimum: 1, maximum: LIMITS.maxEmergencyMinutes }),
  },
  { additionalProperties: false },
);

/** A requester a patient describes: its country is its organisation's in the registry, never stated here. */
export const Requester = Type.Object({ mspId: MspId, role: Role, id: Id }, { additionalProperties: false });

export const Paging = Type.Object(
  {
    pageSize: Type.Integer({ minimum: 1, maximum: LIMITS.maxPageSize, default: 50 }),
    bookmark: Type.String({ maxLength: LIMITS.maxBookmarkLength, default: '' }),
  },
  { additionalProperties: false },
);

/** A patient's or requester's log: `newest-first` or `oldest-first`. */
export const LogOrder = oneOf(LOG_ORDERS, 'the order of the entries');

export const PatientParams = Type.Object({ patientId: PatientId }, { additionalProperties: false });
export const RuleParams = Type.Object({ patientId: PatientId, ruleId: Id }, { additionalProperties: false });
export const GrantParams = Type.Object({ grantId: Id }, { additionalProperties: false });
export const PatientGrantParams = Type.Object(
  { patientId: PatientId, grantId: Id },
  { additionalProperties: false },
);

/**
 * A clinician's own words: they never go on-chain (only a salted hash of them does); they are kept sealed and
 * erasable, and shown to the patient and auditors with the access-log entry.
 */
export const REASON_TEXT = {
  maxLength: 500,
  /** Breaking the glass takes at least a sentence. */
  emergencyMinLength: 20,
  emergencyMinWords: 4,
} as const;
export const Reason = Type.String({
  minLength: 1,
  maxLength: REASON_TEXT.maxLength,
  pattern: '\\S',
  description: 'why the record is asked for (kept off-chain)',
});
export const EmergencyReasonText = Type.String({
  minLength: REASON_TEXT.emergencyMinLength,
  maxLength: REASON_TEXT.maxLength,
  pattern: `^\\s*\\S+(\\s+\\S+){${REASON_TEXT.emergencyMinWords - 1},}\\s*$`,
  description: `what happened, in at least a sentence (${REASON_TEXT.emergencyMinLength} characters, ${REASON_TEXT.emergencyMinWords} words; kept off-chain)`,
});

/**
 * Creating journeys take an `Idempotency-Key`: the chaincode's client request id, so a retry with the same key
 * answers what the first attempt created, and nothing is created twice. Without one, every request is new.
 */
export const IdempotencyHeaders = Type.Object(
  {
    'idempotency-key': Type.Optional(
      Type.String({
        pattern: FORMATS.id.source,
        maxLength: LIMITS.maxIdLength,
        description:
          'a key of the client’s own (e.g. a UUID) for this request: the same key again returns the first answer',
      }),
    ),
  },
  { additionalProperties: false },
);
export const RuleVersionNumber = Type.Integer({ minimum: 1, maximum: LIMITS.maxRuleVersion });
