/**
 * Request shapes of the journeys, in TypeBox: one source for ajv validation and the OpenAPI document. Every bound,
 * form and vocabulary is the chaincode model's own (`LIMITS`, `FORMATS`, the vocabularies), so what the gateway
 * accepts is what the ledger accepts: a request the ledger would refuse is refused here, before any transaction.
 */
import { Type } from '@sinclair/typebox';
import type { TUnsafe } from '@sinclair/typebox';
import { CATEGORIES, EFFECTS, FORMATS, LABELS, LIMITS, PURPOSES, ROLES } from '@custodia/chaincode';

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
export const Category = oneOf(CATEGORIES);
export const Label = oneOf(LABELS);
export const Purpose = oneOf(PURPOSES);
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

export const Requester = Type.Object(
  { mspId: MspId, role: Role, id: Id, country: Type.Optional(Country) },
  { additionalProperties: false },
);

export const Paging = Type.Object(
  {
    pageSize: Type.Integer({ minimum: 1, maximum: LIMITS.maxPageSize, default: 50 }),
    bookmark: Type.String({ maxLength: LIMITS.maxBookmarkLength, default: '' }),
  },
  { additionalProperties: false },
);

export const PatientParams = Type.Object({ patientId: Id }, { additionalProperties: false });
export const RuleParams = Type.Object({ patientId: Id, ruleId: Id }, { additionalProperties: false });
export const GrantParams = Type.Object({ grantId: Id }, { additionalProperties: false });
export const PatientGrantParams = Type.Object(
  { patientId: Id, grantId: Id },
  { additionalProperties: false },
);

/** A requester's reason; required (at least one character) where emergency access asks for one. */
export const Reason = Type.String({ minLength: 1, maxLength: LIMITS.maxReasonLength });
export const OptionalReason = Type.Optional(Type.String({ maxLength: LIMITS.maxReasonLength }));
export const RuleVersionNumber = Type.Integer({ minimum: 1, maximum: LIMITS.maxRuleVersion });
