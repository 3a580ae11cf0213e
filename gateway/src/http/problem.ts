/**
 * Every failure leaves the gateway as RFC 9457 problem+json, mapped once here by code — never by message
 * text. Internal failures get a generic detail; their codes (not their messages) are logged.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ChaincodeCallError, LedgerClientError, LedgerClientErrorCode } from '@custodia/ledger';
import type { ErrorCode as ChaincodeErrorCode } from '@custodia/chaincode';
import { GatewayError, HttpError } from '../errors';
import { API_BASE, FHIR_BASE } from './route';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly [member: string]: unknown;
}

export const PROBLEM_TYPE_BASE = 'urn:custodia:problem:';

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad request',
  401: 'Not signed in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict',
  410: 'Gone',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Unprocessable',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'Bad gateway',
  503: 'Service unavailable',
  504: 'Gateway timeout',
};

/**
 * Outages of the ledger, each with its own code and how long to wait before trying again (RFC 9110 Retry-After):
 * a frozen or crashed peer is left within seconds, endorsers and orderers take longer to come back.
 */
const LEDGER_OUTAGES: Readonly<
  Partial<Record<LedgerClientErrorCode, { code: string; detail: string; retryAfterSeconds: number }>>
> = {
  [LedgerClientErrorCode.Unavailable]: {
    code: 'LEDGER_UNAVAILABLE',
    detail: 'the ledger cannot be reached right now; try again shortly',
    retryAfterSeconds: 5,
  },
  [LedgerClientErrorCode.Timeout]: {
    code: 'LEDGER_UNAVAILABLE',
    detail: 'the ledger did not answer in time; nothing was recorded; try again shortly',
    retryAfterSeconds: 5,
  },
  [LedgerClientErrorCode.Closed]: {
    code: 'LEDGER_UNAVAILABLE',
    detail: 'the ledger cannot be reached right now; try again shortly',
    retryAfterSeconds: 5,
  },
  [LedgerClientErrorCode.EndorsersUnavailable]: {
    code: 'LEDGER_ENDORSERS_UNAVAILABLE',
    detail: 'the organisations that must approve this change cannot be reached; nothing was recorded',
    retryAfterSeconds: 10,
  },
  [LedgerClientErrorCode.QuorumLost]: {
    code: 'LEDGER_QUORUM_LOST',
    detail: 'too few organisations answer to approve this change; nothing was recorded',
    retryAfterSeconds: 30,
  },
  [LedgerClientErrorCode.OrdererUnavailable]: {
    code: 'LEDGER_ORDERER_UNAVAILABLE',
    detail: 'the ledger’s ordering service is not taking transactions; nothing was recorded',
    retryAfterSeconds: 15,
  },
};

/** Where a client asks whether a transaction of unknown outcome committed. */
export function transactionStatusPath(transactionId: string): string {
  return `${API_BASE}/transactions/${transactionId}`;
}

const CHAINCODE_STATUS: Readonly<Record<ChaincodeErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
};

/**
 * When a caller over one of the chaincode's quotas may try again: the chaincode does not say when a slot frees (its
 * windows roll with transaction time), so a minute — an emergency slot frees within the hour, a pending
 * contribution when the patient decides.
 */
export const RESOURCE_EXHAUSTED_RETRY_SECONDS = 60;

/** Errors of other packages that already know their HTTP status (the data-lake client). */
interface StatusCarrier {
  readonly code: string;
  readonly message: string;
  readonly status?: number;
  readonly httpStatus?: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

function statusOf(error: unknown): StatusCarrier | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as Partial<StatusCarrier>;
  const status = candidate.httpStatus ?? candidate.status;
  if (typeof candidate.code !== 'string' || typeof status !== 'number' || status < 400 || status > 599)
    return undefined;
  return candidate as StatusCarrier;
}

/** body-parser's own failures, which the caller caused. */
const BODY_ERRORS: Readonly<Record<string, GatewayError>> = {
  'entity.too.large': new GatewayError('PAYLOAD_TOO_LARGE', 'the JSON body exceeds the size limit'),
  'entity.parse.failed': new GatewayError('VALIDATION_FAILED', 'the body is not valid JSON'),
  'encoding.unsupported': new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding'),
  'charset.unsupported': new GatewayError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body charset'),
  'request.aborted': new GatewayError('VALIDATION_FAILED', 'the request was aborted'),
};

function problem(
  status: number,
  code: string,
  detail: string,
  extra?: Readonly<Record<string, unknown>>,
): Problem {
  return {
    ...(extra ?? {}),
    type: `${PROBLEM_TYPE_BASE}${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
  };
}

const INTERNAL = problem(500, 'INTERNAL', 'the request could not be completed; it has been logged');

/** The problem for any thrown value; unknown failures become a bare 500. */
export function toProblem(error: unknown): Problem {
  if (error instanceof HttpError)
    return error.status >= 500 && error.code === 'INTERNAL'
      ? INTERNAL
      : problem(error.status, error.code, error.message, error.details);
  if (error instanceof ChaincodeCallError) {
    const status = CHAINCODE_STATUS[error.code];
    if (status >= 500) return INTERNAL;
    return error.code === 'RESOURCE_EXHAUSTED'
      ? problem(status, error.code, error.reason, { retryAfterSeconds: RESOURCE_EXHAUSTED_RETRY_SECONDS })
      : problem(status, error.code, error.reason);
  }
  if (error instanceof LedgerClientError) {
    const outage = LEDGER_OUTAGES[error.code];
    if (outage !== undefined)
      return problem(503, outage.code, outage.detail, { retryAfterSeconds: outage.retryAfterSeconds });
    switch (error.code) {
      case LedgerClientErrorCode.OutcomeUnknown: {
        // Sent for ordering, fate unknown: the caller must ask, not resend — a resent request would be a new one.
        const transactionId = error.details.transactionId ?? '';
        return problem(
          504,
          'LEDGER_OUTCOME_UNKNOWN',
          'the change was sent to the ledger but whether it was recorded is not known yet; ask for its status before trying again',
          { transactionId, transactionStatus: transactionStatusPath(transactionId), retryAfterSeconds: 5 },
        );
      }
      case LedgerClientErrorCode.TransactionInvalid:
        return error.details.validationCode === 'MVCC_READ_CONFLICT'
          ? problem(409, 'CONFLICT', 'the data changed while this request was processed; try again')
          : problem(
              409,
              'TRANSACTION_INVALID',
              `the ledger refused the transaction (${error.details.validationCode ?? 'invalid'})`,
            );
      case LedgerClientErrorCode.Rejected:
        return problem(403, 'LEDGER_REJECTED', 'the ledger refused this identity or request');
      case LedgerClientErrorCode.AnswerInvalid:
        return problem(
          502,
          'LEDGER_ANSWER_INVALID',
          'the ledger answered in a form this gateway does not accept',
        );
      default:
        return INTERNAL;
    }
  }
  const bodyType =
    typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  if (typeof bodyType === 'string' && BODY_ERRORS[bodyType] !== undefined)
    return toProblem(BODY_ERRORS[bodyType]);
  // The router could not percent-decode a path parameter (its message quotes the value: never echoed).
  if (error instanceof URIError)
    return problem(400, 'VALIDATION_FAILED', 'a path parameter is not valid percent-encoding');
  const carrier = statusOf(error);
  if (carrier !== undefined) {
    const status = carrier.httpStatus ?? carrier.status ?? 500;
    // 502/503/504 say which dependency failed (a CA, the lake); other 5xx stay generic.
    if (status >= 500 && status !== 502 && status !== 503 && status !== 504) return INTERNAL;
    return problem(status, carrier.code, carrier.message, carrier.details);
  }
  return INTERNAL;
}

export function sendProblem(res: Response, value: Problem): void {
  // A problem that says when to try again says it in the header too (RFC 9110 Retry-After), for clients and proxies.
  if (typeof value.retryAfterSeconds === 'number') res.set('Retry-After', String(value.retryAfterSeconds));
  res.status(value.status).type('application/problem+json').json(value);
}

const ISSUE_CODES: Readonly<Record<number, string>> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  406: 'not-supported',
  409: 'conflict',
  410: 'deleted',
  413: 'too-costly',
  415: 'not-supported',
  429: 'throttled',
  503: 'transient',
  504: 'timeout',
};

/** FHIR clients get an OperationOutcome carrying the same code and detail. */
export function toOperationOutcome(value: Problem): Record<string, unknown> {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: ISSUE_CODES[value.status] ?? 'exception',
        details: {
          coding: [{ system: PROBLEM_TYPE_BASE.slice(0, -1), code: value.code }],
          text: value.detail,
        },
        diagnostics: value.detail,
      },
    ],
  };
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const mapped = toProblem(error);
    if (mapped.status >= 500) {
      // Names and codes only: messages of lower layers may quote stored values.
      const code =
        typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
      // A system error's code under it (ECONNRESET, ETIMEDOUT) names no one and says which failure it was.
      const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
      logger.error(
        {
          code: typeof code === 'string' ? code : mapped.code,
          err: (error as Error)?.name,
          ...(typeof cause === 'string' && /^E[A-Z_]+$/.test(cause) ? { cause } : {}),
        },
        'request failed',
      );
    }
    if (res.headersSent) {
      // A streamed answer that reported its own failure has ended cleanly; any other is cut short.
      if (!res.writableEnded) res.destroy();
      return;
    }
    if (req.originalUrl.startsWith(`${FHIR_BASE}/`))
      res.status(mapped.status).type('application/fhir+json').json(toOperationOutcome(mapped));
    else sendProblem(res, mapped);
  };
}
