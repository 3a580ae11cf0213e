/** A refused file's issues: where in the file, and why (the FHIR validator's words, which are technical). */
import type { UploadIssue } from '../api/types';
import { useWords } from '../i18n/use-words';

export function UploadIssues({ issues }: { issues: readonly UploadIssue[] }) {
  const { t } = useWords();
  if (issues.length === 0) return null;
  return (
    <div className="issues">
      <p>{t('upload.issuesTitle', { count: issues.length })}</p>
      <ul lang="en">
        {issues.map((issue, i) => (
          <li key={i}>
            {issue.expression && <code className="break">{issue.expression}</code>}
            {issue.expression && ': '}
            {issue.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
