/** Builds a rule with chips and plain choices, says it back as a sentence, and previews its effect. */
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { ROLES } from '@custodia/chaincode/model';
import type { Category, Decision, RuleSpec, StoredRule } from '../api/types';
import { PartyPicker } from '../directory/PartyPicker';
import { useNames } from '../directory/use-names';
import { useWords } from '../i18n/use-words';
import { Chips, CountryChips } from '../ui/Chips';
import { RadioGroup } from '../ui/RadioGroup';
import { ProblemAlert } from '../ui/ProblemAlert';
import { useAction } from '../ui/use-async';
import { capitalise, categoryList, categoryName, labelList, purposeForPatient } from '../vocabulary/words';
import { categoryOptions, labelOptions, NON_EMERGENCY_PURPOSES } from '../vocabulary/options';
import { draftToSpec, EMPTY_DRAFT, specToDraft } from './rule-draft';
import type { RuleDraft } from './rule-draft';
import { previewDraft } from './rule-preview';
import { describeRule } from './rule-sentence';

/** What the grantee would receive; `asked` are the rule's categories, named when they are not shared. */
export function PreviewSummary({ decision, asked }: { decision: Decision; asked: readonly Category[] }) {
  const words = useWords();
  const { t } = words;
  const withheld = asked.filter((c) => !decision.granted.includes(c));
  const granted = decision.categories.filter((c) => c.granted);
  return (
    <div className="preview" aria-live="polite">
      <h3>{t('builder.previewTitle')}</h3>
      {granted.length === 0 ? (
        <p>{t('builder.previewNothing')}</p>
      ) : (
        <ul>
          {granted.map((c) => (
            <li key={c.category}>
              {capitalise(categoryName(words, c.category))}
              {c.labels.length > 0 && (
                <> — {t('builder.previewIncluding', { labels: labelList(words, c.labels) })}</>
              )}
            </li>
          ))}
        </ul>
      )}
      {withheld.length > 0 && (
        <p className="muted">{t('builder.previewWithheld', { what: categoryList(words, withheld) })}</p>
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
  const words = useWords();
  const { t } = words;
  const [draft, setDraft] = useState<RuleDraft>(props.editing ? specToDraft(props.editing) : EMPTY_DRAFT);
  const [showErrors, setShowErrors] = useState(false);
  // The grantee chosen (or of the rule being changed) is named in the picker and the sentence.
  const names = useNames(
    draft.granteeKind === 'role' || draft.mspId === ''
      ? []
      : [
          draft.granteeKind === 'practitioner'
            ? { mspId: draft.mspId, id: draft.practitionerId }
            : { mspId: draft.mspId },
        ],
  );
  const save = useAction(props.onSave);
  const result = useMemo(() => draftToSpec(draft), [draft]);
  const set = <K extends keyof RuleDraft>(key: K, value: RuleDraft[K]) =>
    setDraft((d) => ({ ...d, [key]: value }));
  const errors = showErrors && !result.ok ? result.errors : {};
  const purposeOptions = NON_EMERGENCY_PURPOSES.map((value) => ({
    value,
    label: capitalise(purposeForPatient(words, value)),
  }));
  const effectOptions = [
    { value: 'permit', label: t('builder.permit') },
    { value: 'deny', label: t('builder.deny') },
  ] as const;
  const granteeOptions = [
    { value: 'practitioner', label: t('builder.practitioner') },
    { value: 'organization', label: t('builder.organisation') },
    { value: 'role', label: t('builder.role') },
  ] as const;
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
      <h2 id="builder-title">{props.editing ? t('builder.editTitle') : t('builder.newTitle')}</h2>
      <RadioGroup
        legend={t('builder.effectLegend')}
        name="effect"
        options={effectOptions}
        value={draft.effect}
        onChange={(v) => set('effect', v)}
      />

      <RadioGroup
        legend={t('builder.granteeLegend')}
        name="grantee"
        options={granteeOptions}
        value={draft.granteeKind}
        onChange={(v) => set('granteeKind', v)}
        describedBy={errors.grantee ? 'err-grantee' : undefined}
      >
        {draft.granteeKind !== 'role' && (
          <PartyPicker
            key={draft.granteeKind}
            kind={draft.granteeKind}
            names={names}
            value={
              draft.mspId === ''
                ? undefined
                : draft.granteeKind === 'practitioner'
                  ? { mspId: draft.mspId, id: draft.practitionerId }
                  : { mspId: draft.mspId }
            }
            onChange={(party) =>
              setDraft((d) => ({ ...d, mspId: party.mspId, practitionerId: party.id ?? '' }))
            }
          />
        )}
        {draft.granteeKind === 'role' && (
          <label>
            {t('builder.roleLabel')}
            <select value={draft.role} onChange={(e) => set('role', e.target.value as RuleDraft['role'])}>
              {ROLES.filter((r) => r !== 'patient').map((r) => (
                <option key={r} value={r}>
                  {capitalise(t(`vocabulary.roles.${r}`))}
                </option>
              ))}
            </select>
          </label>
        )}
        {errors.grantee && (
          <p className="field-error" id="err-grantee">
            {t(errors.grantee)}
          </p>
        )}
        <CountryChips selected={draft.countries} onChange={(v) => set('countries', v)} />
      </RadioGroup>

      <Chips
        legend={t('builder.categoriesLegend')}
        options={categoryOptions(words)}
        selected={draft.categories}
        onChange={(v) => set('categories', v)}
        error={errors.categories && t(errors.categories)}
      />
      <Chips
        legend={draft.effect === 'permit' ? t('builder.labelsPermitLegend') : t('builder.labelsDenyLegend')}
        hint={draft.effect === 'permit' ? t('builder.labelsPermitHint') : t('builder.labelsDenyHint')}
        options={labelOptions(words)}
        selected={draft.labels}
        onChange={(v) => set('labels', v)}
      />
      <Chips
        legend={t('builder.purposesLegend')}
        options={purposeOptions}
        selected={draft.purposes}
        onChange={(v) => set('purposes', v)}
        error={errors.purposes && t(errors.purposes)}
      />
      <fieldset className="period">
        <legend>{t('builder.periodLegend')}</legend>
        <label>
          {t('builder.from')}
          <input type="date" value={draft.from} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label>
          {t('builder.until')}
          <input type="date" value={draft.until} onChange={(e) => set('until', e.target.value)} />
        </label>
        {errors.period && <p className="field-error">{t(errors.period)}</p>}
      </fieldset>

      <div className="sentence" aria-live="polite">
        <h3>{t('builder.sentenceTitle')}</h3>
        <p>{result.ok ? describeRule(words, result.spec, names) : t('builder.sentenceIncomplete')}</p>
      </div>
      {preview && result.ok && <PreviewSummary decision={preview} asked={result.spec.categories} />}
      <ProblemAlert problem={save.problem} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.pending}>
          {save.pending ? t('builder.saving') : t('builder.save')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
