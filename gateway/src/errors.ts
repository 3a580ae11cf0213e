/**
 * The gateway's own typed errors. Each code has one HTTP status; the edge (`http/problem.ts`) turns
 * these — and the ledger's, the data lake's and the identity service's coded errors — into problem+json.
 */
export const GATEWAY_ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_OWNER: 403,
  LOCATION_NOT_ALLOWED: 403,
  /** An organisation's administrator acts on their own organisation only. */
  OTHER_ORGANISATION: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** The answer cannot be given in a format the client accepts (FHIR `_format`, `Accept`). */
  NOT_ACCEPTABLE: 406,
  /** The patient's data was erased (or is being erased): nothing more is recorded, stored or released for them. */
  PATIENT_ERASED: 410,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  LEDGER_UNAVAILABLE: 503,
  DATALAKE_UNAVAILABLE: 503,
} as const;
export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_STATUS;

/** An error that knows its stable code and the HTTP status it answers with. */
export class HttpError<C extends string> extends Error {
  constructor(
    readonly code: C,
    readonly status: number,
    message: string,
    /** Extra problem members (field names, limits, a retry delay) — never submitted values. */
    readonly details?: Readonly<Record<string, unknown>>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class GatewayError extends HttpError<GatewayErrorCode> {
  override readonly name = 'GatewayError';

  constructor(code: GatewayErrorCode, message: string, details?: Readonly<Record<string, unknown>>) {
    super(code, GATEWAY_ERROR_STATUS[code], message, details);
  }
}

/** The stable `code` a thrown value carries (our errors, the ledger's, the lake client's); undefined when none. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
