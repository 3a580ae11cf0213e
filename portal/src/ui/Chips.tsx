import { useId } from 'react';

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
    <fieldset className="chips" aria-describedby={props.hint ? `${id}-hint` : undefined}>
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
    </fieldset>
  );
}
