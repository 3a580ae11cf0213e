/** Bounds on what a transaction accepts; anything beyond them is INVALID_ARGUMENT. */
export const LIMITS = {
  /** Per transaction argument, in bytes (UTF-8). */
  maxArgumentBytes: 64 * 1024,
  maxIdLength: 128,
  maxMspIdLength: 64,
  maxCountries: 60,
  maxReasonLength: 500,
  maxBookmarkLength: 2048,
  maxPageSize: 100,
  /** Regular grants never outlive this, whatever the rules' notAfter. */
  grantDurationMs: 24 * 60 * 60 * 1000,
  /** Upper bound a patient may set for emergency grants. */
  maxEmergencyMinutes: 24 * 60,
  /** Highest rule version number a restore may name. */
  maxRuleVersion: 999_999_999,
} as const;

/** The forms of identifiers every transaction checks (clients validate their inputs against the same ones). */
export const FORMATS = {
  /** Pseudonymous ids of patients, users, rules, grants, records. */
  id: /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
  mspId: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
  /** ISO 3166-1 alpha-2. */
  country: /^[A-Z]{2}$/,
  /** A SHA-256 digest in lowercase hex (content hashes; Fabric transaction ids have the same form). */
  sha256Hex: /^[0-9a-f]{64}$/,
} as const;
