/**
 * Fabric orders keys by their UTF-8 bytes (LevelDB, Go string comparison). JavaScript compares UTF-16 code
 * units, which disagrees for characters above U+FFFF against U+E000–U+FFFF — and composite-key range ends are
 * exactly U+10FFFF. Comparing code points equals comparing UTF-8 bytes.
 */
export function compareKeys(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (D800–DFFF, i.e. code points ≥ 0x10000) above E000–FFFF so unit order becomes code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

/** Is `key` inside [startKey, endKey)? An empty endKey means no upper bound (Fabric's convention). */
export function inRange(key: string, startKey: string, endKey: string): boolean {
  return compareKeys(key, startKey) >= 0 && (endKey === '' || compareKeys(key, endKey) < 0);
}

/** Index of the first key in `sorted` (byte order) that is not below `key`. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(sorted[middle] as string, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
