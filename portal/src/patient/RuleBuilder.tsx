/** Builds a rule with chips and plain choices, says it back as a sentence, and previews its effect. */
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { CATEGORIES, LABELS, PURPOSES, ROLES } from '@custodia/chaincode/model';
import type { Category, Decision, RuleSpec, StoredRule } from '../api/types';
import { Chips } from '../ui/Chips';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import {
  capitalise,
  CATEGORY_NAMES,
  COUNTRIES,
  countryName,
  LABEL_NAMES,
  listInWords,
  PURPOSE_NAMES,
  ROLE_NAMES,
} from '../vocabulary/names';
import { draftToSpec, EMPTY_DRAFT, specToDraft } from './rule-draft';
import type { RuleDraft } from './rule-draft';
import { previewDraft } from './rule-preview';
import { describeRule } from './rule-sentence';

const categoryOptions = CATEGORIES.map((value) => ({ value, label: capitalise(CATEGORY_NAMES[value]) }));
const labelOptions = LABELS.map((value) => ({ value, label: capitalise(LABEL_NAMES[value]) }));
// Emergency access is governed by the emergency policy, never by a rule.
const purposeOptions = PURPOSES.filter((p) => p !== 'ETREAT').map((value) => ({
  value,
  label: capitalise(PURPOSE_NAMES[value]),
}));
const countryOptions = COUNTRIES.map((value) => ({ value, label: countryName(value) }));

/** What the grantee would receive; `asked` are the rule's categories, named when they are not shared. */
export function PreviewSummary({ decision, asked }: { decision: Decision; asked: readonly Category[] }) {
  const withheld = asked.filter((c) => !decision.granted.includes(c));
  const granted = decision.categories.filter((c) => c.granted);
  return (
    <div className="preview" aria-live="polite">
      <h3>What they would receive</h3>
      {granted.length === 0 ? (
        <p>Nothing from your record.</p>
      ) : (
        <ul>
          {granted.map((c) => (
            <li key={c.category}>
              {capitalise(CATEGORY_NAMES[c.category])}
              {c.labels.length > 0 && <> — including {listInWords(c.labels.map((l) => LABEL_NAMES[l]))}</>}
            </li>
          ))}
        </ul>
      )}
      {withheld.length > 0 && (
        <p className="muted">Not shared: {listInWords(withheld.map((c) => CATEGORY_NAMES[c]))}.</p>
      )}
    </div>
  );
}

export function RuleBuilder(props: {
  rules: readonly StoredRule[];
  editing?: StoredRule;
  now: () => string;
  onSave: (spec: RuleSpec) => Promise<unknown>;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<RuleDraft>(props.editing ? specToDraft(props.editing) : EMPTY_DRAFT);
  const [showErrors, setShowErrors] = useState(false);
  const save = useAction(props.onSave);
  const result = useMemo(() => draftToSpec(draft), [draft]);
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const errors = showErrors && !result.ok ? result.errors : {};
  const preview = useMemo(
    () =>
      result.ok ? previewDraft(props.rules, result.spec, props.now(), props.editing?.ruleId) : undefined,
    [result, props],
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    if (result.ok) await save.run(result.spec);
  };

  return (
    <form className="card rule-builder" onSubmit={submit} aria-labelledby="builder-title" noValidate>
      <h2 id="builder-title">{props.editing ? 'Change this rule' : 'New rule'}</h2>
      <fieldset>
        <legend>Do you want to allow or block access?</legend>
        <label className="radio">
          <input
            type="radio"
            name="effect"
            checked={draft.effect === 'permit'}
            onChange={() => set('effect', 'permit')}
          />
          Allow
        </label>
        <label className="radio">
          <input
            type="radio"
            name="effect"
            checked={draft.effect === 'deny'}
            onChange={() => set('effect', 'deny')}
          />
          Block (always wins over “allow”)
        </label>
      </fieldset>

      <fieldset aria-describedby={errors.grantee ? 'err-grantee' : undefined}>
        <legend>Who is this rule about?</legend>
        <label className="radio">
          <input
            type="radio"
            name="grantee"
            checked={draft.granteeKind === 'practitioner'}
            onChange={() => set('granteeKind', 'practitioner')}
          />
          A specific clinician
        </label>
        <label className="radio">
          <input
            type="radio"
            name="grantee"
            checked={draft.granteeKind === 'organization'}
            onChange={() => set('granteeKind', 'organization')}
          />
          Everyone at an organisation
        </label>
        <label className="radio">
          <input
            type="radio"
            name="grantee"
            checked={draft.granteeKind === 'role'}
            onChange={() => set('granteeKind', 'role')}
          />
          Anyone with a role
        </label>
        {draft.granteeKind === 'practitioner' && (
          <label>
            Clinician’s identifier
            <input value={draft.practitionerId} onChange={(e) => set('practitionerId', e.target.value)} />
          </label>
        )}
        {draft.granteeKind !== 'role' && (
          <label>
            Organisation code
            <input
              value={draft.mspId}
              placeholder="e.g. HospitalDEMSP"
              onChange={(e) => set('mspId', e.target.value)}
            />
          </label>
        )}
        {draft.granteeKind === 'role' && (
          <label>
            Role
            <select value={draft.role} onChange={(e) => set('role', e.target.value as RuleDraft['role'])}>
              {ROLES.filter((r) => r !== 'patient').map((r) => (
                <option key={r} value={r}>
                  {capitalise(ROLE_NAMES[r])}
                </option>
              ))}
            </select>
          </label>
        )}
        {errors.grantee && (
          <p className="field-error" id="err-grantee">
            {errors.grantee}
          </p>
        )}
        <details>
          <summary>Only in some countries ({draft.countries.length || 'any'})</summary>
          <Chips
            legend="Countries"
            hint="Leave all unselected for any country."
            options={countryOptions}
            selected={draft.countries}
            onChange={(v) => set('countries', v)}
          />
        </details>
      </fieldset>

      <Chips
        legend="Which information?"
        options={categoryOptions}
        selected={draft.categories}
        onChange={(v) => set('categories', v)}
      />
      {errors.categories && <p className="field-error">{errors.categories}</p>}
      <Chips
        legend={
          draft.effect === 'permit'
            ? 'Also share sensitive information'
            : 'Block only this sensitive information'
        }
        hint={
          draft.effect === 'permit'
            ? 'Sensitive information is never shared unless you choose it here.'
            : 'Leave all unselected to block the information above entirely.'
        }
        options={labelOptions}
        selected={draft.labels}
        onChange={(v) => set('labels', v)}
      />
      <Chips
        legend="For what reason?"
        options={purposeOptions}
        selected={draft.purposes}
        onChange={(v) => set('purposes', v)}
      />
      {errors.purposes && <p className="field-error">{errors.purposes}</p>}
      <fieldset className="period">
        <legend>When? (optional)</legend>
        <label>
          From
          <input type="date" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          Until (included)
          <input type="date" value={draft.until} onChange={(e) => set('until', e.target.value)} />
        </label>
        {errors.period && <p className="field-error">{errors.period}</p>}
      </fieldset>

      <div className="sentence" aria-live="polite">
        <h3>In plain words</h3>
        <p>
          {result.ok ? describeRule(result.spec) : 'Complete the choices above to see what this rule means.'}
        </p>
      </div>
      {preview && result.ok && <PreviewSummary decision={preview} asked={result.spec.categories} />}
      <ProblemAlert problem={save.problem} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.pending}>
          {save.pending ? 'Saving…' : 'Save rule'}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
