/**
 * Chaincode errors carry a stable machine-readable code. The transaction fails with a message that
 * is the JSON `{"code": …, "message": …}`; clients recover it with `parseChaincodeError` and map
 * the code, never the text. Messages name fields and reasons, never submitted values.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'FAILED_PRECONDITION',
  'RESOURCE_EXHAUSTED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
}

export class ChaincodeError extends Error {
  readonly code: ErrorCode;
  readonly reason: string;

  constructor(code: ErrorCode, reason: string) {
    super(JSON.stringify({ code, message: reason } satisfies ErrorBody));
    this.name = 'ChaincodeError';
    this.code = code;
    this.reason = reason;
  }

  static from(body: ErrorBody): ChaincodeError {
    return new ChaincodeError(body.code, body.message);
  }
}

const MARKER = '{"code":"';

/**
 * Recovers the error body from a failed transaction's message. Peers and gateways wrap the
 * chaincode's message (e.g. `chaincode response 500, {...}`), so the body is looked for inside it.
 * Returns undefined when the message does not carry a Custodia error (e.g. a peer-side failure).
 */
export function parseChaincodeError(message: string): ErrorBody | undefined {
  for (let start = message.indexOf(MARKER); start >= 0; start = message.indexOf(MARKER, start + 1)) {
    const body = parseBody(message.slice(start));
    if (body) return body;
  }
  return undefined;
}

function parseBody(text: string): ErrorBody | undefined {
  // The body is the shortest balanced JSON object at the start of text.
  for (let end = text.indexOf('}'); end >= 0; end = text.indexOf('}', end + 1)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(0, end + 1));
    } catch {
      continue;
    }
    if (isErrorBody(parsed)) return { code: parsed.code, message: parsed.message };
    return undefined;
  }
  return undefined;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Record<string, unknown>;
  return (ERROR_CODES as readonly unknown[]).includes(code) && typeof message === 'string';
}
