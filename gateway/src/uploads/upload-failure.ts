/**
 * What the upload history keeps of a refused upload: its stable code and the validator's issues (where in the
 * resource, and why — never values), so a centre sees later what to fix in each file.
 */
import { errorCode } from '../errors';

export interface UploadIssue {
  /** Where, as a FHIRPath expression or an entry index. */
  readonly expression?: string;
  readonly reason: string;
}

export interface UploadFailure {
  readonly error: string;
  readonly issues?: readonly UploadIssue[];
}

/** At most this many issues are kept per upload, each text cut to ISSUE_TEXT_MAX characters. */
export const MAX_KEPT_ISSUES = 20;
export const ISSUE_TEXT_MAX = 300;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.slice(0, ISSUE_TEXT_MAX) : undefined;
}

/** The failure of an upload from what was thrown (the data lake's coded errors carry `details.issues`). */
export function uploadFailure(error: unknown): UploadFailure {
  const code = errorCode(error) ?? 'INTERNAL';
  const details =
    typeof error === 'object' && error !== null ? (error as { details?: unknown }).details : undefined;
  const raw =
    typeof details === 'object' && details !== null ? (details as { issues?: unknown }).issues : undefined;
  if (!Array.isArray(raw)) return { error: code };
  const issues: UploadIssue[] = [];
  for (const item of raw.slice(0, MAX_KEPT_ISSUES)) {
    if (typeof item !== 'object' || item === null) continue;
    const reason = text((item as { reason?: unknown }).reason);
    if (reason === undefined) continue;
    const expression = text((item as { expression?: unknown }).expression);
    issues.push(expression === undefined ? { reason } : { expression, reason });
  }
  return issues.length > 0 ? { error: code, issues } : { error: code };
}
