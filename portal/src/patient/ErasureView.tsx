/**
 * "Erase my data": what an erasure erases and what stays on the ledger (and why that is no longer personal data),
 * then the patient's confirmed request, which an administrator of their hospital carries out.
 */
import { useState } from 'react';
import type { PatientApi } from '../api/endpoints';
import { useWords } from '../i18n/use-words';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';

/** The statement's item codes the portal has words for (the gateway's `ERASURE_STATEMENT`). */
const ERASED = ['records', 'access', 'gateway', 'identity'] as const;
const REMAINS = ['pseudonym', 'log', 'hashes'] as const;

function known<T extends string>(codes: readonly T[], code: string): code is T {
  return (codes as readonly string[]).includes(code);
}

export function ErasureView({ api }: { api: PatientApi }) {
  const { t, format } = useWords();
  const current = useLoad(() => api.erasureRequest(), [api]);
  const [understood, setUnderstood] = useState(false);
  const ask = useAction(async () => {
    await api.requestErasure();
    current.reload();
  });
  const request = current.data?.request ?? null;
  const statement = current.data?.statement;
  return (
    <div>
      <h1>{t('erasure.title')}</h1>
      <p className="lead">{t('erasure.lead')}</p>
      <ProblemAlert problem={current.problem ?? ask.problem} />
      {statement && (
        <>
          <h2>{t('erasure.erasedTitle')}</h2>
          <ul>
            {statement.erased
              .map((item) => item.code)
              .filter((code) => known(ERASED, code))
              .map((code) => (
                <li key={code}>{t(`erasure.erased.${code}`)}</li>
              ))}
          </ul>
          <h2>{t('erasure.remainsTitle')}</h2>
          <ul>
            {statement.remains
              .map((item) => item.code)
              .filter((code) => known(REMAINS, code))
              .map((code) => (
                <li key={code}>{t(`erasure.remains.${code}`)}</li>
              ))}
          </ul>
          <p>{t('erasure.why')}</p>
        </>
      )}
      {request !== null ? (
        <p className="alert" role="status">
          {request.status === 'requested'
            ? t('erasure.requested', { when: format.dateTime(request.openedAt) })
            : t('erasure.underWay')}
        </p>
      ) : (
        current.data && (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (understood) void ask.run();
            }}
          >
            <label>
              <input
                type="checkbox"
                checked={understood}
                onChange={(event) => setUnderstood(event.target.checked)}
              />{' '}
              {t('erasure.confirm')}
            </label>
            <div className="actions">
              <button type="submit" className="danger" disabled={!understood || ask.pending}>
                {t('erasure.ask')}
              </button>
            </div>
          </form>
        )
      )}
    </div>
  );
}
