/** ajv validation of params, query and body from the routes' TypeBox schemas, compiled once at start. */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { GatewayError } from '../errors';

export type Part = 'params' | 'query' | 'headers' | 'body';

function createAjv(coerce: boolean): Ajv {
  // Query and path values arrive as strings: those two are coerced; a JSON body never is.
  const ajv = new Ajv({ allErrors: false, coerceTypes: coerce, useDefaults: true, strict: true });
  addFormats(ajv);
  return ajv;
}

const strings = createAjv(true);
const bodies = createAjv(false);

export function compile(part: Part, schema: TSchema): ValidateFunction {
  return (part === 'body' ? bodies : strings).compile(schema);
}

/** A message that names the field and the rule, never the submitted value. */
export function describe(part: Part, error: ErrorObject | undefined): string {
  if (error === undefined) return `${part} is invalid`;
  const where = `${part}${error.instancePath.replace(/\//g, '.')}`;
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown property '${String(error.params.additionalProperty)}'`;
  if (error.keyword === 'enum')
    return `${where} must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  if (error.keyword === 'required') return `${where}: '${String(error.params.missingProperty)}' is required`;
  return `${where} ${error.message ?? 'is invalid'}`;
}

/** Validates (and, for strings, coerces) in place; throws VALIDATION_FAILED naming the first problem. */
export function check(part: Part, validate: ValidateFunction, value: unknown): unknown {
  const copy = value === undefined ? (part === 'body' ? undefined : {}) : value;
  if (!validate(copy)) throw new GatewayError('VALIDATION_FAILED', describe(part, validate.errors?.[0]));
  return copy;
}
