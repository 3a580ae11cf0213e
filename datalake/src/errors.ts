/**
 * The data lake's typed errors. Every failure carries a stable code; the HTTP edge maps codes to
 * statuses once (`service/problem.ts`). Messages name fields and reasons, never patient data.
 */
export const DATALAKE_ERROR_CODES = [
  'INVALID_INPUT',
  'NOT_FHIR',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'UNKNOWN_PATIENT',
  /** The patient's data was erased: nothing more is stored or released for them. */
  'PATIENT_ERASED',
  /** An erasure asked of the lake that the ledger does not record (the patient is not marked erased on-chain). */
  'ERASURE_NOT_RECORDED',
  /** The acting organisation is not in the lake's registry of organisations (so its country is unknown). */
  'UNKNOWN_ORGANISATION',
  /** The lake holds no storage location for the country the data belongs to: it stores it nowhere else. */
  'NO_LOCATION',
  'CONFLICT',
  /** An upload holds resources about someone other than the patient it was sent for (422). */
  'WRONG_PATIENT',
  'INTEGRITY_FAILED',
  /** The ledger has no such grant (never requested, or a request the rules denied entirely). */
  'GRANT_NOT_FOUND',
  /** The grant exists but names another requester: only its requester receives its data. */
  'NOT_REQUESTER',
  /** The grant is not active now (expired, revoked, or no longer what the rules release). */
  'GRANT_NOT_ACTIVE',
  /** The requester's certificate country is not the one the grant was decided for. */
  'COUNTRY_NOT_ALLOWED',
  'STORAGE_UNAVAILABLE',
  'LEDGER_UNAVAILABLE',
  /** Client side: the data-lake service could not be reached (connection refused, reset, timed out). */
  'DATALAKE_UNAVAILABLE',
  'INTERNAL',
] as const;
export type DatalakeErrorCode = (typeof DATALAKE_ERROR_CODES)[number];

/** The HTTP status of each code: the service answers with it, and the client's callers (the gateway) reuse it. */
export const DATALAKE_ERROR_STATUS: Readonly<Record<DatalakeErrorCode, number>> = {
  INVALID_INPUT: 400,
  NOT_FHIR: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_PATIENT: 404,
  PATIENT_ERASED: 410,
  ERASURE_NOT_RECORDED: 409,
  UNKNOWN_ORGANISATION: 403,
  NO_LOCATION: 409,
  CONFLICT: 409,
  WRONG_PATIENT: 422,
  INTEGRITY_FAILED: 500,
  GRANT_NOT_FOUND: 404,
  NOT_REQUESTER: 403,
  GRANT_NOT_ACTIVE: 403,
  COUNTRY_NOT_ALLOWED: 403,
  STORAGE_UNAVAILABLE: 503,
  LEDGER_UNAVAILABLE: 503,
  DATALAKE_UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function isDatalakeErrorCode(value: unknown): value is DatalakeErrorCode {
  return typeof value === 'string' && (DATALAKE_ERROR_CODES as readonly string[]).includes(value);
}

export class DatalakeError extends Error {
  readonly code: DatalakeErrorCode;
  /** The HTTP status this failure answers with. */
  readonly status: number;
  /** Machine-readable details safe to return to the caller (paths, limits — never content). */
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(
    code: DatalakeErrorCode,
    message: string,
    details?: Record<string, unknown>,
    /** The underlying failure, for server-side logs only. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'DatalakeError';
    this.code = code;
    this.status = DATALAKE_ERROR_STATUS[code];
    if (details !== undefined) this.details = details;
  }
}

export function isDatalakeError(value: unknown, code?: DatalakeErrorCode): value is DatalakeError {
  return value instanceof DatalakeError && (code === undefined || value.code === code);
}
