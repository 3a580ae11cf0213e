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
} as const;
