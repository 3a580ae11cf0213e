import { BACKSLASH, CLOSE_ARRAY, CLOSE_OBJECT, OPEN_ARRAY, OPEN_OBJECT, QUOTE } from './bytes';

/**
 * The bound on JSON nesting, checked on the raw bytes before anything parses or walks them: validators,
 * canonicalisers and serialisers recurse, so a body nested 100,000 deep would exhaust the stack (a 500) where
 * it should be a 400. FHIR resources nest a few dozen levels; 400 leaves room and stays far from the stack.
 */
export const MAX_JSON_DEPTH = 400;

/** True when the JSON text nests objects/arrays deeper than `max` (strings are skipped, escapes honoured). */
export function jsonDepthExceeds(bytes: Uint8Array, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (inString) {
      if (byte === BACKSLASH) index += 1;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
      depth += 1;
      if (depth > max) return true;
    } else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) depth -= 1;
  }
  return false;
}
