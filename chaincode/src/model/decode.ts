/**
 * Small composable decoders for untrusted JSON: each checks shape, bounds and vocabulary and
 * builds a fresh value (unknown properties are rejected, so nothing unvetted reaches the ledger).
 * Failures name the path and the reason, never the submitted value.
 */
import { canonical } from './vocabulary';

export interface ValidationError {
  readonly code: 'INVALID_ARGUMENT';
  readonly path: string;
  readonly message: string;
}

export type Decoded<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ValidationError };

export type Decoder<T> = (input: unknown, path: string) => Decoded<T>;

export function ok<T>(value: T): Decoded<T> {
  return { ok: true, value };
}

export function fail<T>(path: string, reason: string): Decoded<T> {
  return {
    ok: false,
    error: { code: 'INVALID_ARGUMENT', path, message: `${path || 'argument'}: ${reason}` },
  };
}

export function text(options: {
  min?: number;
  max: number;
  pattern?: RegExp;
  patternName?: string;
}): Decoder<string> {
  const min = options.min ?? 1;
  return (input, path) => {
    if (typeof input !== 'string') return fail(path, 'must be a string');
    if (input.length < min)
      return fail(path, min === 1 ? 'is required' : `must have at least ${min} characters`);
    if (input.length > options.max) return fail(path, `must have at most ${options.max} characters`);
    if (options.pattern && !options.pattern.test(input)) {
      return fail(path, `must be ${options.patternName ?? 'well-formed'}`);
    }
    return ok(input);
  };
}

export function oneOf<T extends string>(list: readonly T[], what: string): Decoder<T> {
  return (input, path) =>
    typeof input === 'string' && (list as readonly string[]).includes(input)
      ? ok(input as T)
      : fail(path, `unknown ${what}`);
}

export function literal<T extends string>(value: T): Decoder<T> {
  return (input, path) => (input === value ? ok(value) : fail(path, `must be "${value}"`));
}

export const bool: Decoder<boolean> = (input, path) =>
  typeof input === 'boolean' ? ok(input) : fail(path, 'must be true or false');

export function integer(min: number, max: number): Decoder<number> {
  return (input, path) =>
    typeof input === 'number' && Number.isInteger(input) && input >= min && input <= max
      ? ok(input)
      : fail(path, `must be an integer from ${min} to ${max}`);
}

export function list<T>(item: Decoder<T>, bounds: { min?: number; max: number }): Decoder<T[]> {
  const min = bounds.min ?? 0;
  return (input, path) => {
    if (!Array.isArray(input)) return fail(path, 'must be an array');
    if (input.length < min) return fail(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
    if (input.length > bounds.max) return fail(path, `must have at most ${bounds.max} items`);
    const values: T[] = [];
    for (let i = 0; i < input.length; i++) {
      const decoded = item(input[i], `${path}[${i}]`);
      if (!decoded.ok) return decoded;
      values.push(decoded.value);
    }
    return ok(values);
  };
}

/** A set drawn from a vocabulary, returned de-duplicated in canonical order. */
export function setOf<T extends string>(
  vocabulary: readonly T[],
  what: string,
  bounds: { min?: number } = {},
): Decoder<T[]> {
  const items = list(oneOf(vocabulary, what), { min: bounds.min, max: vocabulary.length });
  return (input, path) => {
    const decoded = items(input, path);
    if (!decoded.ok) return decoded;
    if (new Set(decoded.value).size !== decoded.value.length) return fail(path, `must not repeat a ${what}`);
    return ok(canonical(vocabulary, decoded.value));
  };
}

/** A set of free-form strings (e.g. country codes), returned de-duplicated and sorted. */
export function sortedSet(item: Decoder<string>, bounds: { min?: number; max: number }): Decoder<string[]> {
  const items = list(item, bounds);
  return (input, path) => {
    const decoded = items(input, path);
    if (!decoded.ok) return decoded;
    if (new Set(decoded.value).size !== decoded.value.length) return fail(path, 'must not repeat an entry');
    return ok([...decoded.value].sort());
  };
}

type Decoders<T> = { readonly [K in keyof T]-?: Decoder<T[K]> };

/**
 * An object with required and optional properties, rebuilt in declaration order. An optional
 * property given as null counts as absent.
 */
export function struct<R extends object, O extends object = Record<never, never>>(
  required: Decoders<R>,
  optional?: Decoders<O>,
): Decoder<R & Partial<O>> {
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  return (input, path) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return fail(path, 'must be an object');
    const source = input as Record<string, unknown>;
    for (const key of Object.keys(source).sort()) {
      if (!known.has(key)) return fail(join(path, key), 'is not a known property');
    }
    const result: Record<string, unknown> = {};
    for (const [key, decoder] of Object.entries(required) as [string, Decoder<unknown>][]) {
      if (source[key] === undefined || source[key] === null) return fail(join(path, key), 'is required');
      const decoded = decoder(source[key], join(path, key));
      if (!decoded.ok) return decoded;
      result[key] = decoded.value;
    }
    for (const [key, decoder] of Object.entries(optional ?? {}) as [string, Decoder<unknown>][]) {
      if (source[key] === undefined || source[key] === null) continue;
      const decoded = decoder(source[key], join(path, key));
      if (!decoded.ok) return decoded;
      result[key] = decoded.value;
    }
    return ok(result as R & Partial<O>);
  };
}

/** Chooses the object decoder by a discriminating property. */
export function tagged<K extends string, T>(
  tag: K,
  cases: Record<string, Decoder<T>>,
  what: string,
): Decoder<T> {
  return (input, path) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input))
      return fail(path, 'must be an object');
    const value = (input as Record<string, unknown>)[tag];
    const decoder = typeof value === 'string' && Object.hasOwn(cases, value) ? cases[value] : undefined;
    return decoder ? decoder(input, path) : fail(join(path, tag), `unknown ${what}`);
  };
}

export function refine<T>(
  decoder: Decoder<T>,
  check: (value: T) => { path: string; reason: string } | undefined,
): Decoder<T> {
  return (input, path) => {
    const decoded = decoder(input, path);
    if (!decoded.ok) return decoded;
    const problem = check(decoded.value);
    return problem ? fail(join(path, problem.path), problem.reason) : decoded;
  };
}

export function map<A, B>(decoder: Decoder<A>, transform: (value: A) => B): Decoder<B> {
  return (input, path) => {
    const decoded = decoder(input, path);
    return decoded.ok ? ok(transform(decoded.value)) : decoded;
  };
}

/** Parses a JSON argument and decodes it. */
export function decodeJson<T>(json: string, decoder: Decoder<T>, name: string): Decoded<T> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return fail(name, 'must be valid JSON');
  }
  return decoder(parsed, name);
}

function join(path: string, key: string): string {
  if (!key) return path;
  return path ? `${path}.${key}` : key;
}
