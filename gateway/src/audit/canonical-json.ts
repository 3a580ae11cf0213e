import { canonicalJson } from '@custodia/datalake';

/** One definition, the data lake's (it deduplicates records by their canonical content). */
export { canonicalJson };

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
