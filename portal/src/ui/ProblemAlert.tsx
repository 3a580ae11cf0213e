import type { ReactNode } from 'react';
import type { ApiProblem } from '../api/problem';

/** Shows what went wrong in the gateway's own words (`detail`), announced to screen readers. */
export function ProblemAlert({ problem }: { problem: ApiProblem | undefined }) {
  if (!problem) return null;
  return (
    <div className="alert alert-error" role="alert">
      <strong>{problem.body.title ?? 'Something went wrong'}</strong>
      <p>{problem.detail}</p>
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
