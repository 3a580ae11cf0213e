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
  'CONFLICT',
  'INTEGRITY_FAILED',
  'GRANT_NOT_ACTIVE',
  'STORAGE_UNAVAILABLE',
  'LEDGER_UNAVAILABLE',
  'INTERNAL',
] as const;
export type DatalakeErrorCode = (typeof DATALAKE_ERROR_CODES)[number];

export class DatalakeError extends Error {
  readonly code: DatalakeErrorCode;
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
    if (details !== undefined) this.details = details;
  }
}

export function isDatalakeError(value: unknown, code?: DatalakeErrorCode): value is DatalakeError {
  return value instanceof DatalakeError && (code === undefined || value.code === code);
}
