/** The patient's rules: what each means, its status and versions; create, change, revoke, restore. */
import { useState } from 'react';
import type { PatientApi } from '../api/endpoints';
import type { StoredRule } from '../api/types';
import { granteeParty } from '../directory/names';
import type { Directory } from '../directory/names';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { RuleBuilder } from './RuleBuilder';
import { describeRule } from './rule-sentence';
import { shownStatus, sortRules } from './rule-status';

function RuleHistory({
  api,
  rule,
  names,
  onRestored,
}: {
  api: PatientApi;
  rule: StoredRule;
  names: Directory;
  onRestored: () => void;
}) {
  const words = useWords();
  const { t, format } = words;
  const history = useLoad(() => api.history(rule.ruleId), [rule.ruleId, rule.version]);
  const restore = useAction(async (version: number) => {
    await api.restore(rule.ruleId, version);
    onRestored();
  });
  return (
    <div className="history">
      <h3>{t('rules.versions')}</h3>
      <ProblemAlert problem={history.problem ?? restore.problem} />
      <ol>
        {(history.data?.items ?? []).map((v) => (
          <li key={v.version}>
            <span className="version">
              {t('rules.versionLine', {
                version: v.version,
                change: t(`vocabulary.ruleChange.${v.change}`),
                when: format.dateTime(v.updatedAt),
              })}
              {v.restoredFrom !== undefined && ` ${t('rules.restoredFrom', { version: v.restoredFrom })}`}
            </span>
            <p>{describeRule(words, v, names)}</p>
            {v.version !== rule.version && v.change !== 'revoked' && (
              <button type="button" disabled={restore.pending} onClick={() => void restore.run(v.version)}>
                {t('rules.restore', { version: v.version })}
              </button>
            )}
          </li>
        ))}
      </ol>
    </div>
  );
}

function RuleCard(props: {
  api: PatientApi;
  rule: StoredRule;
  names: Directory;
  now: string;
  onEdit: () => void;
  onChanged: (message: string) => void;
}) {
  const { rule, api } = props;
  const words = useWords();
  const { t, format } = words;
  const [confirming, setConfirming] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  const status = shownStatus(rule, props.now);
  const revoke = useAction(async () => {
    await api.revokeRule(rule.ruleId);
    props.onChanged(t('rules.revoked'));
  });
  return (
    <li className={`card rule rule-${status}`}>
      <div className="rule-head">
        <span className={`status status-${status}`}>{t(`vocabulary.ruleStatus.${status}`)}</span>
        <span className={rule.effect === 'deny' ? 'effect effect-deny' : 'effect'}>
          {t(`vocabulary.effect.${rule.effect}`)}
        </span>
        <span className="muted">
          {t('rules.versionOf', { version: rule.version, when: format.dateTime(rule.updatedAt) })}
        </span>
      </div>
      <p className="rule-sentence">{describeRule(words, rule, props.names)}</p>
      <ProblemAlert problem={revoke.problem} />
      <div className="actions">
        {rule.status === 'active' && (
          <button type="button" onClick={props.onEdit}>
            {t('rules.change')}
          </button>
        )}
        {rule.status === 'active' &&
          (confirming ? (
            <>
              <button
                type="button"
                className="danger"
                disabled={revoke.pending}
                onClick={() => void revoke.run()}
              >
                {t('rules.confirmRevoke')}
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                {t('rules.keep')}
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>
              {t('rules.revoke')}
            </button>
          ))}
        <button type="button" aria-expanded={showHistory} onClick={() => setShowHistory((s) => !s)}>
          {showHistory ? t('rules.hideVersions') : t('rules.versions')}
        </button>
      </div>
      {showHistory && (
        <RuleHistory
          api={api}
          rule={rule}
          names={props.names}
          onRestored={() => props.onChanged(t('rules.restored'))}
        />
      )}
    </li>
  );
}

export function RulesView({
  api,
  now = () => new Date().toISOString(),
}: {
  api: PatientApi;
  now?: () => string;
}) {
  const { t } = useWords();
  const rules = useLoad(() => api.rules(), []);
  const [editing, setEditing] = useState<StoredRule | 'new' | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const list = rules.data?.items ?? [];
  const names = useNames(list.flatMap((rule) => granteeParty(rule.grantee) ?? []));
  const changed = (text: string) => {
    setMessage(text);
    setEditing(undefined);
    rules.reload();
  };

  if (editing) {
    return (
      <RuleBuilder
        rules={list}
        editing={editing === 'new' ? undefined : editing}
        now={now}
        onCancel={() => setEditing(undefined)}
        onSave={async (spec) => {
          if (editing === 'new') await api.createRule(spec);
          else await api.updateRule(editing.ruleId, spec);
          changed(editing === 'new' ? t('rules.saved') : t('rules.changed'));
        }}
      />
    );
  }
  return (
    <div>
      <div className="view-head">
        <h1>{t('rules.title')}</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          {t('rules.new')}
        </button>
      </div>
      <p className="lead">{t('rules.lead')}</p>
      {message && <Notice>{message}</Notice>}
      <ProblemAlert problem={rules.problem} />
      {rules.loading && !rules.data && <p>{t('rules.loading')}</p>}
      {rules.data && list.length === 0 && <p>{t('rules.none')}</p>}
      <ul className="rules">
        {sortRules(list, now()).map((rule) => (
          <RuleCard
            key={rule.ruleId}
            api={api}
            rule={rule}
            names={names}
            now={now()}
            onEdit={() => setEditing(rule)}
            onChanged={changed}
          />
        ))}
      </ul>
    </div>
  );
}
