/** The replay & verify report an auditor receives, as JSON and as CSV (one line per discrepancy). */
import type { Discrepancy } from './discrepancy';

export interface ReplayReport {
  /** Blocks walked, both ends included; `to` is -1 for an empty chain. */
  readonly range: { readonly from: number; readonly to: number };
  readonly blocksChecked: number;
  readonly transactionsChecked: number;
  readonly decisionsChecked: number;
  readonly deliveriesChecked: number;
  /** Delivery manifests fetched from the data lake and checked (0 when no manifest source was given). */
  readonly manifestsChecked: number;
  readonly discrepancies: readonly Discrepancy[];
  readonly ok: boolean;
}

export const REPORT_CSV_HEADER = ['kind', 'block', 'txId', 'detail'] as const;

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break, quotes doubled. A field that a spreadsheet
 * would run as a formula (leading = + - @ tab or CR) is prefixed with an apostrophe.
 */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a header line, CRLF line ends (RFC 4180). */
export function reportCsv(report: Pick<ReplayReport, 'discrepancies'>): string {
  const lines = [
    REPORT_CSV_HEADER.join(','),
    ...report.discrepancies.map((each) =>
      [each.kind, each.block, each.txId, each.detail].map(csvField).join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
