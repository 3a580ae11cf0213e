/** What changed between two versions of a rule, field by field, for the auditor's history view. */
import type { RuleVersion } from '@custodia/chaincode/model';

export interface FieldChange {
  readonly field: string;
  readonly before: string;
  readonly after: string;
}

function granteeText(v: RuleVersion): string {
  const g = v.grantee;
  const who =
    g.kind === 'practitioner'
      ? `practitioner ${g.id}@${g.mspId}`
      : g.kind === 'organization'
        ? `organisation ${g.mspId}`
        : `role ${g.role}`;
  return g.countries && g.countries.length > 0 ? `${who} in ${g.countries.join(', ')}` : who;
}

const FIELDS: readonly [string, (v: RuleVersion) => string][] = [
  ['status', (v) => v.status],
  ['effect', (v) => v.effect],
  ['grantee', granteeText],
  ['categories', (v) => v.categories.join(', ')],
  ['labels', (v) => v.labels.join(', ')],
  ['purposes', (v) => v.purposes.join(', ')],
  ['notBefore', (v) => v.notBefore ?? ''],
  ['notAfter', (v) => v.notAfter ?? ''],
];

/** Changes from `before` to `after`; for the first version, every non-empty field counts as added. */
export function ruleDiff(before: RuleVersion | undefined, after: RuleVersion): FieldChange[] {
  return FIELDS.map(([field, read]) => ({
    field,
    before: before ? read(before) : '',
    after: read(after),
  })).filter((c) => c.before !== c.after);
}

/** Each version with its changes from the one before, oldest first. */
export function historyDiffs(
  versions: readonly RuleVersion[],
): { version: RuleVersion; changes: FieldChange[] }[] {
  const sorted = [...versions].sort((a, b) => a.version - b.version);
  return sorted.map((version, i) => ({ version, changes: ruleDiff(sorted[i - 1], version) }));
}
