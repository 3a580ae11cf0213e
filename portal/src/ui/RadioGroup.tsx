import type { ReactNode } from 'react';
import type { Option } from '../vocabulary/options';

/** One choice among a few, as radio buttons under a legend (keyboard: arrows move the choice). */
export function RadioGroup<T extends string>(props: {
  legend: string;
  name: string;
  options: readonly Option<T>[];
  value: T;
  onChange: (value: T) => void;
  describedBy?: string;
  children?: ReactNode;
}) {
  return (
    <fieldset aria-describedby={props.describedBy}>
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option.value} className="radio">
          <input
            type="radio"
            name={props.name}
            checked={props.value === option.value}
            onChange={() => props.onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
      {props.children}
    </fieldset>
  );
}
