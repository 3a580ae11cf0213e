import type { ReactNode } from 'react';
import type { ApiProblem } from '../api/problem';
import { useWords } from '../i18n/use-words';
import { problemText, problemTitle } from './problem-text';
import type { ProblemMessages } from './problem-text';

/**
 * What went wrong, in the reader's language, announced to screen readers; the gateway's own (English) detail and
 * code stay one click away for whoever has to fix it.
 */
export function ProblemAlert({
  problem,
  messages,
  children,
}: {
  problem: ApiProblem | undefined;
  messages?: ProblemMessages;
  /** More about this failure (e.g. a refused file's issues). */
  children?: ReactNode;
}) {
  const words = useWords();
  if (!problem) return null;
  return (
    <div className="alert alert-error" role="alert">
      <strong>{problemTitle(words, problem)}</strong>
      <p>{problemText(words, problem, messages)}</p>
      {children}
      <details className="technical">
        <summary>{words.t('problem.technical')}</summary>
        <p>
          <code>{problem.code}</code>
          {problem.status > 0 && ` (${problem.status})`}: <span lang="en">{problem.detail}</span>
        </p>
      </details>
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="alert alert-ok" role="status">
      {children}
    </div>
  );
}
