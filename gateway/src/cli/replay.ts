/** `custodia replay`: replay & verify the whole chain as an auditor, write the report, fail on discrepancies. */
import { writeFile } from 'node:fs/promises';
import type { ReplayReport } from '../audit/report';
import type { ApiClient } from './api-client';
import { write } from './io';
import type { CliIo } from './io';

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
  // Replay only reads the chain: repeating it after a transient failure is safe.
  const report = await client.json<ReplayReportView>('POST', '/audit/replay', {
    query: { format: 'json', toBlock: options.toBlock },
    retry: true,
  });
  if (options.json !== undefined) {
    await writeFile(options.json, `${JSON.stringify(report, null, 2)}\n`);
    write(io.stderr, `JSON report written to ${options.json}`);
  }
  if (options.csv !== undefined) {
    // The server's CSV of the same blocks (the chain may have grown since the JSON replay).
    const response = await client.call('POST', '/audit/replay', {
      query: { format: 'csv', toBlock: report.range.to >= 0 ? report.range.to : undefined },
      accept: 'text/csv',
      retry: true,
    });
    await writeFile(options.csv, await response.text());
    write(io.stderr, `CSV report written to ${options.csv}`);
  }
  write(io.stdout, formatReplay(report));
  return replayExitCode(report);
}
