/**
 * The bot's three handoff rules as form fields: after how many replies without a source, and after how many "that
 * didn't help", the bot hands the conversation to an agent, and whether it does when the AI provider fails. Settings →
 * Widgets' Bot section (widget-settings.tsx) and a bot profile's form (bot-profiles.tsx) both show them; each page's
 * chunk gets its own copy of this small module's code, with no protocol value (and so no zod) in it.
 * @module
 */

/** The rules as the form holds them: the numbers as typed, sent as numbers (null when not a whole number). */
export interface HandoffDraft {
  afterRepliesWithoutSource: string;
  afterNotHelpful: string;
  onProviderFailure: boolean;
}

/** A rule's field. */
export type HandoffField = keyof HandoffDraft;

// The protocol's HANDOFF_LIMITS, copied: a value imported from its widget-admin module would bring zod into the
// chunks that show these fields. bot-profiles.test.tsx checks that they match.
export const HANDOFF_MAX = { afterRepliesWithoutSource: 20, afterNotHelpful: 10 } as const;

/** The rules as a form holds them. */
export function handoffDraft(handoff: {
  afterRepliesWithoutSource: number;
  afterNotHelpful: number;
  onProviderFailure: boolean;
}): HandoffDraft {
  return {
    afterRepliesWithoutSource: String(handoff.afterRepliesWithoutSource),
    afterNotHelpful: String(handoff.afterNotHelpful),
    onProviderFailure: handoff.onProviderFailure,
  };
}

/** A whole number typed in a field; anything else is sent as null, for the server to name the field. */
const count = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : null);

/** The rules to send, their numbers as typed (null, for the server to refuse, when not a whole number). */
export function handoffValues(draft: HandoffDraft) {
  return {
    afterRepliesWithoutSource: count(draft.afterRepliesWithoutSource) as number,
    afterNotHelpful: count(draft.afterNotHelpful) as number,
    onProviderFailure: draft.onProviderFailure,
  };
}

/** Props of {@link HandoffFields}. */
export interface HandoffFieldsProps {
  values: HandoffDraft;
  onChange: (change: Partial<HandoffDraft>) => void;
  /** The server's reasons for refusing a rule, by field. */
  errors?: Partial<Record<HandoffField, string | undefined>>;
  /** Starts the ids of the fields' hints and errors: unique on the page. */
  idPrefix: string;
}

const numberFields = [
  ['afterRepliesWithoutSource', 'Hand off after this many replies without a source'],
  ['afterNotHelpful', 'Hand off after the visitor says this many times it didn’t help'],
] as const;

/** The two numbers, each with its hint and the server's reason underneath, then the provider failure checkbox. */
export function HandoffFields({ values, onChange, errors = {}, idPrefix }: HandoffFieldsProps) {
  const describedBy = (key: HandoffField, hint: boolean) =>
    [hint ? `${idPrefix}-${key}-hint` : '', errors[key] ? `${idPrefix}-${key}-error` : ''].filter(Boolean).join(' ') || undefined;
  const error = (key: HandoffField) =>
    errors[key] && (
      <p id={`${idPrefix}-${key}-error`} class="field-error">
        {errors[key]}
      </p>
    );
  return (
    <>
      {numberFields.map(([key, label]) => (
        <div key={key} class="settings-field" data-field={key}>
          <label class="field">
            <span class="field-label">{label}</span>
            <input
              type="number"
              min={0}
              max={HANDOFF_MAX[key]}
              aria-invalid={errors[key] ? 'true' : undefined}
              aria-describedby={describedBy(key, true)}
              value={values[key]}
              onInput={(event) => onChange({ [key]: event.currentTarget.value })}
            />
          </label>
          <p id={`${idPrefix}-${key}-hint`} class="hint">
            0 turns the rule off; at most {HANDOFF_MAX[key]}.
          </p>
          {error(key)}
        </div>
      ))}
      <label class="checkbox-field">
        <input
          type="checkbox"
          checked={values.onProviderFailure}
          aria-invalid={errors.onProviderFailure ? 'true' : undefined}
          aria-describedby={describedBy('onProviderFailure', false)}
          onChange={(event) => onChange({ onProviderFailure: event.currentTarget.checked })}
        />
        Hand off when the AI provider fails
      </label>
      {error('onProviderFailure')}
    </>
  );
}
