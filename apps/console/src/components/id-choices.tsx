/**
 * A group of checkboxes picking some ids among options (a team's members, an invitation's teams), in a fieldset named
 * by its legend.
 * @module
 */
import type { ComponentChildren } from 'preact';

/** Props of {@link IdChoices}. */
export interface IdChoicesProps {
  legend: string;
  options: ReadonlyArray<{ id: string; label: string; note?: ComponentChildren }>;
  /** The ids ticked. */
  selected: readonly string[];
  onChange: (selected: string[]) => void;
}

/** One checkbox per option; ticking adds its id to `selected`, unticking removes it. */
export function IdChoices({ legend, options, selected, onChange }: IdChoicesProps) {
  return (
    <fieldset class="member-choices">
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.id} class="checkbox-field">
          <input
            type="checkbox"
            checked={selected.includes(option.id)}
            onChange={(event) =>
              onChange(event.currentTarget.checked ? [...selected, option.id] : selected.filter((id) => id !== option.id))
            }
          />
          {option.label}
          {option.note}
        </label>
      ))}
    </fieldset>
  );
}
