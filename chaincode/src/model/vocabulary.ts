/** The closed vocabularies of the rule model. Lists are in canonical order: outputs are sorted by it. */

/** IPS sections a record and a rule are tagged with. */
export const CATEGORIES = [
  'allergies',
  'medications',
  'problems',
  'immunizations',
  'results',
  'procedures',
  'devices',
  'vital-signs',
  'care-plan',
  'social-history',
  'pregnancy',
  'imaging',
  'documents',
] as const;
export type Category = (typeof CATEGORIES)[number];

/**
 * FHIR security labels: confidentiality R (restricted) and V (very restricted), and the
 * sensitivity codes. A record carrying one is released only by a permit that names it.
 */
export const LABELS = ['R', 'V', 'HIV', 'PSY', 'SUD', 'ETH', 'STD', 'SDV'] as const;
export type Label = (typeof LABELS)[number];

/** HL7 PurposeOfUse codes a request states and a rule allows. */
export const PURPOSES = ['TREAT', 'ETREAT', 'CAREMGT', 'PATRQT', 'PUBHLTH', 'HRESCH'] as const;
export type Purpose = (typeof PURPOSES)[number];
/** Emergency treatment: only through `requestEmergencyAccess`, always flagged. */
export const EMERGENCY_PURPOSE = 'ETREAT' satisfies Purpose;

/** Values of the `custodia.role` certificate attribute. */
export const ROLES = ['patient', 'clinician', 'centre', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const EFFECTS = ['permit', 'deny'] as const;
export type Effect = (typeof EFFECTS)[number];

export const GRANTEE_KINDS = ['practitioner', 'organization', 'role'] as const;
export type GranteeKind = (typeof GRANTEE_KINDS)[number];

export const RULE_STATUSES = ['active', 'revoked'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export const RULE_CHANGES = ['created', 'updated', 'revoked', 'restored'] as const;
export type RuleChange = (typeof RULE_CHANGES)[number];

/**
 * `narrowed`: not revoked nor expired, but the rules (and, for emergency grants, the emergency policy)
 * in force now no longer grant everything it holds, or its requester's organisation left the registry.
 * Only `active` releases data.
 */
export const GRANT_STATUSES = ['active', 'expired', 'revoked', 'narrowed'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export const CONTRIBUTION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];

/**
 * Why a clinician breaks the glass: a closed list, so no free text goes on-chain (the clinician's own
 * words stay off-chain; only their salted hash is recorded).
 */
export const EMERGENCY_REASONS = [
  'unconscious',
  'life-threatening',
  'unable-to-consent',
  'severe-trauma',
  'time-critical-treatment',
] as const;
export type EmergencyReason = (typeof EMERGENCY_REASONS)[number];

/**
 * Why an emergency request released nothing, so the clinician is told what stands in the way: the patient never set
 * an emergency policy, switched it off, does not admit the requester's role or country, or (admitted) neither the
 * policy nor the patient's rules release any category asked (`not-covered`).
 */
export const EMERGENCY_REFUSALS = [
  'no-policy',
  'policy-disabled',
  'role-not-admitted',
  'country-not-admitted',
  'not-covered',
] as const;
export type EmergencyRefusal = (typeof EMERGENCY_REFUSALS)[number];

/** Changes to the organisation registry; `genesis` founds it, the others need a majority of members. */
export const REGISTRY_CHANGE_KINDS = ['genesis', 'add', 'change-country', 'remove'] as const;
export type RegistryChangeKind = (typeof REGISTRY_CHANGE_KINDS)[number];

/** Certificate attribute names (Fabric CA `attrs`) that carry a caller's Custodia identity. */
export const IDENTITY_ATTRIBUTES = {
  role: 'custodia.role',
  id: 'custodia.id',
  country: 'custodia.country',
} as const;

export function isMember<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}

/** Sorts and de-duplicates by the vocabulary's canonical order. */
export function canonical<T extends string>(list: readonly T[], values: Iterable<T>): T[] {
  const present = new Set(values);
  return list.filter((value) => present.has(value));
}
