/** What an upload run did, file by file, and the summary and exit code the command ends with. */

export type FileStatus = 'stored' | 'skipped' | 'failed';

export interface FileOutcome {
  /** Relative path in the folder (file names are the operator's own; no content is ever shown). */
  readonly file: string;
  /** stored: new records; skipped: everything was already stored (same source id and content); failed. */
  readonly status: FileStatus;
  readonly created: number;
  readonly existing: number;
  /** Entries the data lake did not store (no category they belong to). */
  readonly ignoredEntries: number;
  /** The problem code of a failure. */
  readonly code?: string;
}

export interface IngestAnswer {
  readonly records?: readonly { readonly outcome: string }[];
  readonly skipped?: readonly unknown[];
}

/** A file's outcome from the data lake's answer (records created or already there). */
export function outcomeOf(file: string, answer: IngestAnswer): FileOutcome {
  const records = answer.records ?? [];
  const created = records.filter((record) => record.outcome === 'created').length;
  return {
    file,
    status: created > 0 ? 'stored' : 'skipped',
    created,
    existing: records.length - created,
    ignoredEntries: answer.skipped?.length ?? 0,
  };
}

export function failed(file: string, code: string): FileOutcome {
  return { file, status: 'failed', created: 0, existing: 0, ignoredEntries: 0, code };
}

export interface UploadSummary {
  readonly files: number;
  readonly stored: number;
  readonly skipped: number;
  readonly failed: number;
  readonly recordsCreated: number;
  readonly recordsExisting: number;
  readonly entriesIgnored: number;
  /** Failed files per problem code. */
  readonly failures: Readonly<Record<string, number>>;
  readonly retries: number;
}

export function summarise(outcomes: readonly FileOutcome[], retries: number): UploadSummary {
  const failures: Record<string, number> = {};
  for (const outcome of outcomes)
    if (outcome.status === 'failed') {
      const code = outcome.code ?? 'UNKNOWN';
      failures[code] = (failures[code] ?? 0) + 1;
    }
  const count = (status: FileStatus): number => outcomes.filter((each) => each.status === status).length;
  const sum = (pick: (outcome: FileOutcome) => number): number =>
    outcomes.reduce((total, outcome) => total + pick(outcome), 0);
  return {
    files: outcomes.length,
    stored: count('stored'),
    skipped: count('skipped'),
    failed: count('failed'),
    recordsCreated: sum((outcome) => outcome.created),
    recordsExisting: sum((outcome) => outcome.existing),
    entriesIgnored: sum((outcome) => outcome.ignoredEntries),
    failures,
    retries,
  };
}

export function formatSummary(summary: UploadSummary, outcomes: readonly FileOutcome[]): string {
  const lines = [
    `${summary.files} files: ${summary.stored} stored, ${summary.skipped} skipped (already stored), ${summary.failed} failed`,
    `records: ${summary.recordsCreated} new, ${summary.recordsExisting} already stored` +
      (summary.entriesIgnored > 0 ? `, ${summary.entriesIgnored} entries without a category ignored` : '') +
      (summary.retries > 0 ? `; ${summary.retries} retries` : ''),
  ];
  for (const outcome of outcomes)
    if (outcome.status === 'failed') lines.push(`  failed ${outcome.file}: ${outcome.code ?? 'UNKNOWN'}`);
  return `${lines.join('\n')}\n`;
}

/** Non-zero when any file failed: scripts and schedulers see the failure. */
export function uploadExitCode(summary: UploadSummary): number {
  return summary.failed > 0 ? 1 : 0;
}
