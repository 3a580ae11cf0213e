/** Aligned text columns for the CLI's listings: a header row, then a row per item, cells padded to the widest. */
export type Columns<T> = readonly (readonly [string, (item: T) => string])[];

export function formatTable<T>(columns: Columns<T>, items: readonly T[]): string {
  const rows = [
    columns.map(([title]) => title),
    ...items.map((item) => columns.map(([, cell]) => cell(item))),
  ];
  const widths = columns.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
