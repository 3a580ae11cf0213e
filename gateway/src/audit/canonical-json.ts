/** JSON with object keys sorted, so two values are compared by content, not by the order keys were written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, entry: unknown) =>
    entry !== null && typeof entry === 'object' && !Array.isArray(entry)
      ? Object.fromEntries(Object.entries(entry).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : entry,
  );
}

/** The names of the fields whose values differ between two records, each with both values. */
export function differingFields<T extends object>(
  logged: T,
  derived: T,
  fields: readonly (keyof T & string)[],
): string[] {
  const differences: string[] = [];
  for (const field of fields) {
    const was = canonicalJson(logged[field]);
    const is = canonicalJson(derived[field]);
    if (was !== is) differences.push(`${field}: logged ${was ?? 'none'}, derived ${is ?? 'none'}`);
  }
  return differences;
}
