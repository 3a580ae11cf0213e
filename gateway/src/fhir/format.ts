/**
 * FHIR content negotiation (R4 http.html#mime-type): Custodia answers JSON only. `_format` (json,
 * application/json, application/fhir+json) overrides `Accept`; any other format, or an `Accept` that admits no
 * JSON, is 406 Not Acceptable. Unsupported request bodies are 415 at the route (`contentTypes`).
 */
import { GatewayError } from '../errors';

export const FHIR_JSON = 'application/fhir+json';
/** The request body types FHIR routes take. */
export const FHIR_BODY_TYPES = [FHIR_JSON, 'application/json'] as const;
export const FORMATS = ['json', 'application/json', FHIR_JSON] as const;

const ACCEPTED_RANGES = new Set(['*/*', 'application/*', 'application/json', FHIR_JSON]);

/** Throws NOT_ACCEPTABLE unless the answer (FHIR JSON) is acceptable to the client. */
export function negotiate(format: string | undefined, accept: string | undefined): void {
  if (format !== undefined) {
    // `+` in a query string is a space: `application/fhir json` is how `application/fhir+json` often arrives.
    const normalised = format.trim().toLowerCase().replace(/ /g, '+').split(';')[0]?.trim() ?? '';
    if (!(FORMATS as readonly string[]).includes(normalised))
      throw new GatewayError('NOT_ACCEPTABLE', `_format must be one of ${FORMATS.join(', ')}`);
    return;
  }
  if (accept === undefined || accept.trim() === '') return;
  const acceptable = accept.split(',').some((range) => {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    return ACCEPTED_RANGES.has(type) && (q === undefined || Number(q.slice(2)) > 0);
  });
  if (!acceptable)
    throw new GatewayError('NOT_ACCEPTABLE', `this server answers ${FHIR_JSON} only (Accept, _format)`);
}
