/** A rule's versions as field-by-field diffs: looked up by id, or opened from an access-log entry. */
import { useState } from 'react';
import type { FormEvent } from 'react';
import type { AuditorApi } from '../api/endpoints';
import type { RuleVersion } from '../api/types';
import { formatWhen } from '../ui/format';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { short } from './hash-text';
import { historyDiffs } from './rule-diff';

export function RuleHistoryDiff({ versions }: { versions: readonly RuleVersion[] }) {
  return (
    <ol className="rule-diffs">
      {historyDiffs(versions).map(({ version, changes }) => (
        <li key={version.version} className="card">
          <h4>
            Version {version.version} · {version.change} · {formatWhen(version.updatedAt)} ·{' '}
            <code>{short(version.txId)}</code>
          </h4>
          <table className="diff">
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Before</th>
                <th scope="col">After</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((c) => (
                <tr key={c.field}>
                  <th scope="row">{c.field}</th>
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
  const [ruleId, setRuleId] = useState('');
  const [versions, setVersions] = useState<readonly RuleVersion[] | undefined>();
  const find = useAction(async () => setVersions((await api.ruleHistory(ruleId.trim())).items));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void find.run();
  };
  return (
    <div>
      <h2>Rule history</h2>
      <form className="inline-form" onSubmit={submit}>
        <label>
          Rule id
          <input value={ruleId} onChange={(e) => setRuleId(e.target.value)} />
        </label>
        <button type="submit" disabled={!ruleId.trim() || find.pending}>
          Show history
        </button>
      </form>
      <ProblemAlert problem={find.problem} />
      {versions && <RuleHistoryDiff versions={versions} />}
    </div>
  );
}

/** The history of one rule, loaded when shown. */
export function RuleHistoryPanel({ api, ruleId }: { api: AuditorApi; ruleId: string }) {
  const history = useLoad(() => api.ruleHistory(ruleId), [ruleId]);
  return (
    <section aria-label={`History of rule ${ruleId}`}>
      <h2>
        History of rule <code className="break">{short(ruleId)}</code>
      </h2>
      <ProblemAlert problem={history.problem} />
      {history.data && <RuleHistoryDiff versions={history.data.items} />}
    </section>
  );
}
