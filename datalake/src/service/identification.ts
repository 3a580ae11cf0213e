/**
 * The identification set in a patient registration's body, checked once at the lake's edge: names of 1–100
 * printable characters (at most 5 given names), a real calendar date of birth not in the future, FHIR
 * administrative gender, at most 10 identifiers (an absolute URI system and a value). Error messages name the
 * field, never the value.
 */
import type { PatientIdentification } from '../assembly/patient';
import { DatalakeError } from '../errors';

const GENDERS = ['male', 'female', 'other', 'unknown'] as const;
const FIELDS = new Set(['given', 'family', 'birthDate', 'gender', 'identifiers']);
const MAX_GIVEN = 5;
const MAX_IDENTIFIERS = 10;
// Printable text with something visible in it: no control characters (they would break narrative and logs).
const NAME = /^(?=.*\S)[^\p{Cc}]{1,100}$/u;
const SYSTEM = /^[a-z][a-z0-9+.-]*:[^\s]{1,250}$/i;
const VALUE = /^[^\p{Cc}]{1,100}$/u;

function invalid(field: string, reason: string): DatalakeError {
  return new DatalakeError('INVALID_INPUT', `identification.${field} ${reason}`, { field });
}

function name(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value))
    throw invalid(field, 'must be 1–100 printable characters');
  return value;
}

function birthDate(value: unknown, now: Date): string {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  const date = match === null ? undefined : new Date(`${value as string}T00:00:00Z`);
  if (
    match === null ||
    date === undefined ||
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== value ||
    date.getTime() > now.getTime() ||
    Number(match[1]) < 1850
  )
    throw invalid('birthDate', 'must be a date YYYY-MM-DD, not in the future');
  return value as string;
}

export function decodeIdentification(value: unknown, now: Date): PatientIdentification {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid('', 'must be an object');
  const fields = value as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw invalid(unknown, 'is not a field of an identification set');
  const { given, gender, identifiers } = fields;
  if (!Array.isArray(given) || given.length === 0 || given.length > MAX_GIVEN)
    throw invalid('given', `must list 1–${MAX_GIVEN} given names`);
  if (!GENDERS.includes(gender as (typeof GENDERS)[number]))
    throw invalid('gender', `must be one of ${GENDERS.join(', ')}`);
  if (identifiers !== undefined && (!Array.isArray(identifiers) || identifiers.length > MAX_IDENTIFIERS))
    throw invalid('identifiers', `must list at most ${MAX_IDENTIFIERS} identifiers`);
  return {
    given: given.map((each, index) => name(each, `given[${index}]`)),
    family: name(fields.family, 'family'),
    birthDate: birthDate(fields.birthDate, now),
    gender: gender as PatientIdentification['gender'],
    ...(identifiers === undefined
      ? {}
      : {
          identifiers: (identifiers as unknown[]).map((each, index) => {
            const {
              system,
              value: id,
              ...rest
            } = (typeof each === 'object' && each !== null ? each : {}) as Record<string, unknown>;
            if (
              typeof system !== 'string' ||
              !SYSTEM.test(system) ||
              typeof id !== 'string' ||
              !VALUE.test(id) ||
              Object.keys(rest).length > 0
            )
              throw invalid(
                `identifiers[${index}]`,
                'must be {system: an absolute URI, value: 1–100 characters}',
              );
            return { system, value: id };
          }),
        }),
  };
}
