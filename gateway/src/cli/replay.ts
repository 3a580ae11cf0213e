/** `custodia replay`: replay & verify the whole chain as an auditor, write the report, fail on discrepancies. */
import { writeFile } from 'node:fs/promises';
// Pure formatting only (no server code): the CSV is the same one the gateway answers.
import { reportCsv } from '../audit/report';
import type { ReplayReport } from '../audit/report';
import type { ApiClient } from './api-client';
import { write } from './io';
import type { CliIo } from './io';
import { NDJSON, progressResult } from './progress-stream';

export interface ReplayOptions {
  readonly json?: string;
  readonly csv?: string;
  readonly toBlock?: number;
}

/** The report as the gateway sends it (a type only: the CLI loads no server code). */
export type ReplayReportView = ReplayReport;

export function formatReplay(report: ReplayReportView): string {
  const lines = [
    `blocks ${report.range.from}..${report.range.to}: ${report.blocksChecked} blocks, ` +
      `${report.transactionsChecked} transactions, ${report.decisionsChecked} decisions, ` +
      `${report.deliveriesChecked} deliveries, ${report.manifestsChecked} manifests checked`,
    report.ok ? 'no discrepancies' : `${report.discrepancies.length} discrepancies:`,
    ...report.discrepancies.map(
      (each) =>
        `  ${each.kind} block ${each.block}${each.txId === '' ? '' : ` tx ${each.txId}`}: ${each.detail}`,
    ),
  ];
  return lines.join('\n');
}

/** Non-zero when the chain does not check out, so that a scheduled audit fails visibly. */
export function replayExitCode(report: ReplayReportView): number {
  return report.ok && report.discrepancies.length === 0 ? 0 : 1;
}

export async function replay(client: ApiClient, options: ReplayOptions, io: CliIo): Promise<number> {
  // Replay only reads the chain: repeating it after a transient failure is safe. Asked as a progress stream:
  // a long chain takes minutes, and a plain JSON answer would send nothing until the end.
  const response = await client.call('POST', '/audit/replay', {
    query: { format: 'ndjson', toBlock: options.toBlock },
    accept: NDJSON,
    retry: true,
  });
  const report = await progressResult<unknown, ReplayReportView>(response);
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    write(io.stderr, `JSON report written to ${options.json}`);
  }
  if (options.csv !== undefined) {
    // The CSV of this very report (the same blocks, no second replay): the gateway's own pure formatter.
    await writeFile(options.csv, reportCsv(report));
    write(io.stderr, `CSV report written to ${options.csv}`);
  }
  write(io.stdout, formatReplay(report));
  return replayExitCode(report);
}
