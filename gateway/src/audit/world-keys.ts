/**
 * The chaincode's world-state keys as they appear in read-write sets: Fabric composite keys
 * (`\u0000` objectType `\u0000` (attribute `\u0000`)*) over the chaincode's own OBJECT_TYPES.
 */
import type { ObjectType } from '@custodia/chaincode';

const SEPARATOR = '\u0000';
/** The highest code point: a prefix followed by it bounds a partial composite key scan, as fabric-shim does. */
const MAX_RUNE = '\u{10ffff}';

export interface SplitKey {
  readonly objectType: string;
  readonly attributes: readonly string[];
}

export function compositeKey(type: ObjectType, attributes: readonly string[]): string {
  return `${SEPARATOR}${type}${SEPARATOR}${attributes.map((attribute) => `${attribute}${SEPARATOR}`).join('')}`;
}

/** [start, end) of every key under a partial composite key. */
export function partialKeyRange(
  type: ObjectType,
  attributes: readonly string[],
): { start: string; end: string } {
  const start = compositeKey(type, attributes);
  return { start, end: `${start}${MAX_RUNE}` };
}

/** The parts of a composite key; undefined for a simple key (e.g. the access log's time index). */
export function splitKey(key: string): SplitKey | undefined {
  if (!key.startsWith(SEPARATOR) || !key.endsWith(SEPARATOR) || key.length < 3) return undefined;
  const [objectType = '', ...attributes] = key.slice(1, -1).split(SEPARATOR);
  return { objectType, attributes };
}
