/** A rule's versions as field-by-field diffs: looked up by id, or opened from an access-log entry. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { RuleVersion } from '../api/types';
import { useWords } from '../i18n/use-words';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { short } from './hash-text';
import { historyDiffs } from './rule-diff';

export function RuleHistoryDiff({ versions }: { versions: readonly RuleVersion[] }) {
  const { t, format } = useWords();
  return (
    <ol className="rule-diffs">
      {historyDiffs(versions).map(({ version, changes }) => (
        <li key={version.version} className="card">
          <h3>
            {t('ruleHistory.version', {
              version: version.version,
              change: t(`vocabulary.ruleChange.${version.change}`),
              when: format.dateTime(version.updatedAt),
            })}{' '}
            · <code>{short(version.txId)}</code>
          </h3>
          <table className="diff">
            <thead>
              <tr>
                <th scope="col">{t('ruleHistory.field')}</th>
                <th scope="col">{t('ruleHistory.before')}</th>
                <th scope="col">{t('ruleHistory.after')}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.field}>
                  <th scope="row">
                    <code>{c.field}</code>
                  </th>
                  <td>
                    <del>{c.before || '—'}</del>
                  </td>
                  <td>
                    <ins>{c.after || '—'}</ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </li>
      ))}
    </ol>
  );
}

export function RuleHistoryLookup({ api }: { api: AuditorApi }) {
  const { t } = useWords();
  const [ruleId, setRuleId] = useState('');
  const [versions, setVersions] = useState<readonly RuleVersion[] | undefined>();
  const find = useAction(async () => setVersions((await api.ruleHistory(ruleId.trim())).items));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void find.run();
  };
  return (
    <div>
      <h2>{t('ruleHistory.title')}</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          {t('ruleHistory.ruleId')}
          <input value={ruleId} onChange={(e) => setRuleId(e.target.value)} />
        </label>
        <button type="submit" disabled={!ruleId.trim() || find.pending}>
          {t('ruleHistory.show')}
        </button>
      </form>
      <ProblemAlert problem={find.problem} />
      {versions && <RuleHistoryDiff versions={versions} />}
    </div>
  );
}

/** The history of one rule, loaded when shown. */
export function RuleHistoryPanel({ api, ruleId }: { api: AuditorApi; ruleId: string }) {
  const { t } = useWords();
  const history = useLoad(() => api.ruleHistory(ruleId), [ruleId]);
  return (
    <section aria-label={t('ruleHistory.of', { rule: ruleId })}>
      <h2>
        {t('ruleHistory.ofShort')} <code className="break">{short(ruleId)}</code>
      </h2>
      <ProblemAlert problem={history.problem} />
      {history.data && <RuleHistoryDiff versions={history.data.items} />}
    </section>
  );
}
