/**
 * What to tell a person about a failed call, in their language: a message per stable problem code (the gateway's
 * `detail` is English and technical; it stays available as technical details), else one per HTTP status.
 */
import type { ApiProblem } from '../api/problem';
import type { Words } from '../i18n/i18n';
import { en } from '../i18n/messages/en';

export type ProblemCode = keyof typeof en.problem.code;

function isKnownCode(code: string): code is ProblemCode {
  return Object.prototype.hasOwnProperty.call(en.problem.code, code);
}

/** A view's own words for some codes (e.g. NOT_FOUND when looking a patient up). */
export type ProblemMessages = Partial<Record<string, string>>;

export function problemText({ t }: Words, problem: ApiProblem, messages: ProblemMessages = {}): string {
  const own = messages[problem.code];
  if (own !== undefined) return own;
  if (isKnownCode(problem.code)) return t(`problem.code.${problem.code}`);
  const { status } = problem;
  if (status === 401) return t('problem.status.unauthenticated');
  if (status === 403) return t('problem.status.forbidden');
  if (status === 404) return t('problem.status.notFound');
  if (status === 413) return t('problem.status.tooLarge');
  if (status === 429) return t('problem.status.tooMany');
  if (status >= 500) return t('problem.status.server');
  return t('problem.status.other');
}

export function problemTitle({ t }: Words, problem: ApiProblem): string {
  const { status } = problem;
  if (status === 0) return t('problem.title.unreachable');
  if (status === 401) return t('problem.title.signedOut');
  if (status === 403) return t('problem.title.notAllowed');
  if (status === 404) return t('problem.title.notFound');
  if (status >= 500) return t('problem.title.unavailable');
  return t('problem.title.refused');
}
