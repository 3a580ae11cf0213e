/** Bounds on what a transaction accepts; anything beyond them is INVALID_ARGUMENT. */
export const LIMITS = {
  /** Per transaction argument, in bytes (UTF-8). */
  maxArgumentBytes: 64 * 1024,
  maxIdLength: 128,
  maxMspIdLength: 64,
  maxCountries: 60,
  maxBookmarkLength: 2048,
  maxPageSize: 100,
  /** Regular grants never outlive this, whatever the rules' notAfter. */
  grantDurationMs: 24 * 60 * 60 * 1000,
  /** Upper bound a patient may set for emergency grants. */
  maxEmergencyMinutes: 24 * 60,
  /** Members of the organisation registry (the registry is one world-state value read by every transaction). */
  maxOrganisations: 64,
  /** Contributions one clinician may have awaiting patients' decisions at once. */
  maxPendingContributionsPerClinician: 20,
  /** Emergency requests one clinician may make in any rolling hour (by transaction timestamps). */
  maxEmergencyRequestsPerHour: 5,
  emergencyRateWindowMs: 60 * 60 * 1000,
  /** The window over which each emergency log entry counts its requester's emergency requests. */
  emergencyReportWindowMs: 24 * 60 * 60 * 1000,
  /** Highest rule version number a restore may name. */
  maxRuleVersion: 999_999_999,
} as const;

/** The forms of identifiers every transaction checks (clients validate their inputs against the same ones). */
export const FORMATS = {
  /** Pseudonymous ids of users, rules, grants, records. */
  id: /^[A-Za-z0-9][A-Za-z0-9._@-]*$/,
  /**
   * Patients appear on the ledger only as opaque pseudonyms the platform generates: `pt-` and 26
   * lowercase RFC 4648 base32 characters (130 random bits).
   */
  patientId: /^pt-[a-z2-7]{26}$/,
  mspId: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
  /** ISO 3166-1 alpha-2. */
  country: /^[A-Z]{2}$/,
  /** A SHA-256 digest in lowercase hex (content hashes; Fabric transaction ids have the same form). */
  sha256Hex: /^[0-9a-f]{64}$/,
} as const;
