/** What a centre needs to know of an upload: records stored (new or already there), entries left out, issues. */
import type { ApiProblem } from '../api/problem';
import type { IngestResult, UploadIssue } from '../api/types';

export interface UploadReport {
  readonly created: number;
  readonly existing: number;
  readonly skipped: readonly {
    readonly index: number;
    readonly resourceType: string;
    readonly reason: string;
  }[];
}

export function uploadReport(result: IngestResult | undefined): UploadReport | undefined {
  if (!result) return undefined;
  const records = result.records ?? [];
  const created = records.filter((r) => r.outcome === 'created').length;
  return { created, existing: records.length - created, skipped: result.skipped ?? [] };
}

/** The validator's issues a refusal carries (`issues` of the problem), each with a reason. */
export function problemIssues(problem: ApiProblem | undefined): UploadIssue[] {
  const raw = problem?.body.issues;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { expression, reason } = item as { expression?: unknown; reason?: unknown };
    if (typeof reason !== 'string') return [];
    return [typeof expression === 'string' ? { expression, reason } : { reason }];
  });
}
