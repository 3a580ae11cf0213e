/** The patient's rules: what each means, its status and versions; create, change, revoke, restore. */
import { useState } from 'react';
import type { PatientApi } from '../api/endpoints';
import type { RuleVersion, StoredRule } from '../api/types';
import { formatWhen } from '../ui/format';
import { Notice, ProblemAlert } from '../ui/ProblemAlert';
import { useAction, useLoad } from '../ui/use-async';
import { RuleBuilder } from './RuleBuilder';
import { describeRule } from './rule-sentence';
import { shownStatus, sortRules, STATUS_NAMES } from './rule-status';

const CHANGE_NAMES: Readonly<Record<RuleVersion['change'], string>> = {
  created: 'Created',
  updated: 'Changed',
  revoked: 'Revoked',
  restored: 'Restored',
};

function RuleHistory({
  api,
  rule,
  onRestored,
}: {
  api: PatientApi;
  rule: StoredRule;
  onRestored: () => void;
}) {
  const history = useLoad(() => api.history(rule.ruleId), [rule.ruleId, rule.version]);
  const restore = useAction(async (version: number) => {
    await api.restore(rule.ruleId, version);
    onRestored();
  });
  return (
    <div className="history">
      <h4>Versions</h4>
      <ProblemAlert problem={history.problem ?? restore.problem} />
      <ol>
        {(history.data?.items ?? []).map((v) => (
          <li key={v.version}>
            <span className="version">
              Version {v.version} · {CHANGE_NAMES[v.change]}
              {v.restoredFrom !== undefined && ` from version ${v.restoredFrom}`} · {formatWhen(v.updatedAt)}
            </span>
            <p>{describeRule(v)}</p>
            {v.version !== rule.version && v.change !== 'revoked' && (
              <button type="button" disabled={restore.pending} onClick={() => void restore.run(v.version)}>
                Restore version {v.version}
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
  now: string;
  onEdit: () => void;
  onChanged: (message: string) => void;
}) {
  const { rule, api } = props;
  const [confirming, setConfirming] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  const status = shownStatus(rule, props.now);
  const revoke = useAction(async () => {
    await api.revokeRule(rule.ruleId);
    props.onChanged('The rule is revoked. Nobody can use it from now on.');
  });
  return (
    <li className={`card rule rule-${status}`}>
      <div className="rule-head">
        <span className={`status status-${status}`}>{STATUS_NAMES[status]}</span>
        <span className={rule.effect === 'deny' ? 'effect effect-deny' : 'effect'}>
          {rule.effect === 'deny' ? 'Block' : 'Allow'}
        </span>
        <span className="muted">
          Version {rule.version} · {formatWhen(rule.updatedAt)}
        </span>
      </div>
      <p className="rule-sentence">{describeRule(rule)}</p>
      <ProblemAlert problem={revoke.problem} />
      <div className="actions">
        {rule.status === 'active' && (
          <button type="button" onClick={props.onEdit}>
            Change
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
                Yes, revoke this rule
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setConfirming(true)}>
              Revoke
            </button>
          ))}
        <button type="button" aria-expanded={showHistory} onClick={() => setShowHistory((s) => !s)}>
          {showHistory ? 'Hide versions' : 'Versions'}
        </button>
      </div>
      {showHistory && (
        <RuleHistory
          api={api}
          rule={rule}
          onRestored={() => props.onChanged('The earlier version is restored.')}
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
  const rules = useLoad(() => api.rules(), []);
  const [editing, setEditing] = useState<StoredRule | 'new' | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const list = rules.data?.items ?? [];
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
          changed(editing === 'new' ? 'Your new rule is saved.' : 'Your rule is changed.');
        }}
      />
    );
  }
  return (
    <div>
      <div className="view-head">
        <h1>My sharing rules</h1>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New rule
        </button>
      </div>
      <p className="lead">
        Nobody sees your record unless a rule allows it. A “block” rule always wins over an “allow” rule.
      </p>
      {message && <Notice>{message}</Notice>}
      <ProblemAlert problem={rules.problem} />
      {rules.loading && !rules.data && <p>Loading your rules…</p>}
      {rules.data && list.length === 0 && <p>You have no rules yet: nobody can see your record.</p>}
      <ul className="rules">
        {sortRules(list, now()).map((rule) => (
          <RuleCard
            key={rule.ruleId}
            api={api}
            rule={rule}
            now={now()}
            onEdit={() => setEditing(rule)}
            onChanged={changed}
          />
        ))}
      </ul>
    </div>
  );
}
