/** Builds a rule with chips and plain choices, says it back as a sentence, and previews its effect. */
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { ROLES } from '@custodia/chaincode/model';
import type { Category, Decision, RuleSpec, StoredRule } from '../api/types';
import { Chips, CountryChips } from '../ui/Chips';
import { RadioGroup } from '../ui/RadioGroup';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import {
  capitalise,
  CATEGORY_NAMES,
  LABEL_NAMES,
  listInWords,
  PURPOSE_NAMES,
  ROLE_NAMES,
} from '../vocabulary/names';
import { CATEGORY_OPTIONS, LABEL_OPTIONS, NON_EMERGENCY_PURPOSES } from '../vocabulary/options';
import { draftToSpec, EMPTY_DRAFT, specToDraft } from './rule-draft';
import type { RuleDraft } from './rule-draft';
import { previewDraft } from './rule-preview';
import { describeRule } from './rule-sentence';

const purposeOptions = NON_EMERGENCY_PURPOSES.map((value) => ({
  value,
  label: capitalise(PURPOSE_NAMES[value]),
}));
const EFFECT_OPTIONS = [
  { value: 'permit', label: 'Allow' },
  { value: 'deny', label: 'Block (always wins over “allow”)' },
] as const;
const GRANTEE_OPTIONS = [
  { value: 'practitioner', label: 'A specific clinician' },
  { value: 'organization', label: 'Everyone at an organisation' },
  { value: 'role', label: 'Anyone with a role' },
] as const;

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
      <RadioGroup
        legend="Do you want to allow or block access?"
        name="effect"
        options={EFFECT_OPTIONS}
        value={draft.effect}
        onChange={(v) => set('effect', v)}
      />

      <RadioGroup
        legend="Who is this rule about?"
        name="grantee"
        options={GRANTEE_OPTIONS}
        value={draft.granteeKind}
        onChange={(v) => set('granteeKind', v)}
        describedBy={errors.grantee ? 'err-grantee' : undefined}
      >
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
        <CountryChips selected={draft.countries} onChange={(v) => set('countries', v)} />
      </RadioGroup>

      <Chips
        legend="Which information?"
        options={CATEGORY_OPTIONS}
        selected={draft.categories}
        onChange={(v) => set('categories', v)}
        error={errors.categories}
      />
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
        options={LABEL_OPTIONS}
        selected={draft.labels}
        onChange={(v) => set('labels', v)}
      />
      <Chips
        legend="For what reason?"
        options={purposeOptions}
        selected={draft.purposes}
        onChange={(v) => set('purposes', v)}
        error={errors.purposes}
      />
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
