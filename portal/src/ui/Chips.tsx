import { useId } from 'react';
import { useWords } from '../i18n/use-words';
import { countryOptions } from '../vocabulary/options';
import type { Option } from '../vocabulary/options';

/**
 * A group of toggle chips: real checkboxes (keyboard, screen readers) drawn as chips, under a legend.
 */
export function Chips<T extends string>(props: {
  legend: string;
  hint?: string;
  options: readonly Option<T>[];
  selected: readonly T[];
  onChange: (selected: T[]) => void;
  /** What is wrong with the choice, said inside the group so screen readers announce it with it. */
  error?: string;
}) {
  const id = useId();
  const toggle = (value: T) => {
    const next = props.selected.includes(value)
      ? props.selected.filter((v) => v !== value)
      : [...props.selected, value];
    // Keep the options' order, whatever order they were clicked in.
    props.onChange(props.options.map((o) => o.value).filter((v) => next.includes(v)));
  };
  return (
    <fieldset
      className="chips"
      aria-describedby={
        [props.hint && `${id}-hint`, props.error && `${id}-error`].filter(Boolean).join(' ') || undefined
      }
    >
      <legend>{props.legend}</legend>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.options.map((option) => (
        <label key={option.value} className={props.selected.includes(option.value) ? 'chip chip-on' : 'chip'}>
          <input
            type="checkbox"
            checked={props.selected.includes(option.value)}
            onChange={() => toggle(option.value)}
          />
          {option.label}
        </label>
      ))}
      {props.error && (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

/** "Only in some countries": country chips folded away, since most choices apply everywhere. */
export function CountryChips(props: { selected: readonly string[]; onChange: (selected: string[]) => void }) {
  const words = useWords();
  const { t } = words;
  return (
    <details>
      <summary>
        {props.selected.length > 0
          ? t('ui.countries.some', { count: props.selected.length })
          : t('ui.countries.any')}
      </summary>
      <Chips
        legend={t('ui.countries.legend')}
        hint={t('ui.countries.hint')}
        options={countryOptions(words)}
        selected={props.selected}
        onChange={props.onChange}
      />
    </details>
  );
}
