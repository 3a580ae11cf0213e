import type { ReactNode } from 'react';
import { ScrollBox } from './ScrollBox';

export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => ReactNode;
}

/** A data table with column headers, scrolling sideways on narrow screens. */
export function Table<T>(props: {
  rows: readonly T[];
  columns: readonly Column<T>[];
  rowKey: (row: T, index: number) => string;
  rowClass?: (row: T) => string | undefined;
  /** What the table is, for screen readers (and the visible caption unless `caption` says otherwise). */
  label: string;
  caption?: string;
}) {
  return (
    <ScrollBox label={props.label}>
      <table>
        {props.caption && <caption>{props.caption}</caption>}
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col" key={column.header}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((row, index) => (
            <tr key={props.rowKey(row, index)} className={props.rowClass?.(row)}>
              {props.columns.map((column) => (
                <td key={column.header}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollBox>
  );
}
