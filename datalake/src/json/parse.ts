/** JSON from a request, parsed only once its nesting is known to be within bounds (see depth.ts). */
import { DatalakeError } from '../errors';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './depth';

/** `what` names the body in errors ("body", "documentReference"). */
export function parseBoundedJson(bytes: Buffer, what: string): unknown {
  if (jsonDepthExceeds(bytes))
    throw new DatalakeError('INVALID_INPUT', `${what} nests deeper than ${MAX_JSON_DEPTH} levels`, {
      maxDepth: MAX_JSON_DEPTH,
    });
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    throw new DatalakeError('NOT_FHIR', `${what} is not valid JSON`);
  }
}
