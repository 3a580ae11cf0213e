/** Maps typed errors to RFC 9457 problem+json once, at the edge. Unknown failures are a bare 500. */
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { DatalakeError } from '../errors';
import type { DatalakeErrorCode } from '../errors';

/** Errors whose message is about our internals, not the request: the caller gets a generic text. */
const INTERNAL_CODES = new Set<DatalakeErrorCode>(['INTEGRITY_FAILED', 'INTERNAL']);

export const PROBLEM_TYPE_BASE = 'urn:custodia:datalake:problem:';

export function sendProblem(res: Response, error: DatalakeError): void {
  const { status } = error;
  const internal = INTERNAL_CODES.has(error.code);
  res
    .status(status)
    .type('application/problem+json')
    .json({
      type: `${PROBLEM_TYPE_BASE}${error.code.toLowerCase()}`,
      title: error.code,
      status,
      code: error.code,
      detail: internal ? 'the data lake could not complete the request' : error.message,
      ...(internal || error.details === undefined ? {} : error.details),
    });
}

/** body-parser reports its failures with a `type`; these are the ones a caller caused. */
const BODY_ERRORS: Readonly<Record<string, DatalakeError>> = {
  'entity.too.large': new DatalakeError('PAYLOAD_TOO_LARGE', 'JSON body exceeds the size limit'),
  'entity.parse.failed': new DatalakeError('NOT_FHIR', 'body is not valid JSON'),
  'encoding.unsupported': new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding'),
  'charset.unsupported': new DatalakeError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body charset'),
  'request.aborted': new DatalakeError('INVALID_INPUT', 'request aborted'),
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    const bodyType =
      typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
    const mapped =
      error instanceof DatalakeError
        ? error
        : typeof bodyType === 'string'
          ? BODY_ERRORS[bodyType]
          : undefined;
    if (mapped === undefined || INTERNAL_CODES.has(mapped.code)) {
      // Codes and error names only: messages may quote stored content.
      logger.error({ code: mapped?.code ?? 'INTERNAL', error: (error as Error)?.name }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendProblem(res, mapped ?? new DatalakeError('INTERNAL', 'internal error'));
  };
}
