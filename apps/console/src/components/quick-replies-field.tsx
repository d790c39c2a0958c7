/**
 * The reply box's quick replies ("Buttons"): a field where each line or comma-separated entry becomes a button the
 * visitor can click instead of typing, shown as removable chips and checked with the server's limits. Loaded on first
 * use (the reply box's "Buttons" toggle), so that it stays out of the bundle every agent loads.
 * @module
 */
import { QUICK_REPLIES_MAX, QUICK_REPLY_MAX_LENGTH } from '@parley/protocol';
import { useId } from 'preact/hooks';

/** The field's text and the buttons it reads as; `replies` is null while an entry is not valid (nothing may be sent). */
export interface QuickRepliesDraft {
  text: string;
  replies: string[] | null;
}

/** What {@link readQuickReplies} makes of the field's text. */
export interface QuickRepliesReading {
  /** The entries, trimmed, empty ones left out, in order. */
  entries: string[];
  /** Why they cannot be sent, for people; null when they can (no entry at all: a reply without buttons). */
  error: string | null;
}

/**
 * Reads the field: each line or comma-separated entry is a button. Checked as the server's `quickRepliesSchema` does:
 * at most {@link QUICK_REPLIES_MAX}, each at most {@link QUICK_REPLY_MAX_LENGTH} characters (code points), all different.
 */
export function readQuickReplies(text: string): QuickRepliesReading {
  const entries = text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const tooLong = entries.find((entry) => Array.from(entry).length > QUICK_REPLY_MAX_LENGTH);
  let error: string | null = null;
  if (entries.length > QUICK_REPLIES_MAX) error = `At most ${QUICK_REPLIES_MAX} buttons: remove ${entries.length - QUICK_REPLIES_MAX}.`;
  else if (tooLong !== undefined) error = `A button has at most ${QUICK_REPLY_MAX_LENGTH} characters: shorten “${tooLong}”.`;
  else if (new Set(entries).size !== entries.length) error = 'Each button must differ from the others.';
  return { entries, error };
}

/** The draft for `text`, as the reply box keeps it. */
export function quickRepliesDraft(text: string): QuickRepliesDraft {
  const { entries, error } = readQuickReplies(text);
  return { text, replies: error === null ? entries : null };
}

/** Props of {@link QuickRepliesField}. */
export interface QuickRepliesFieldProps {
  /** The field's text (kept by the reply box, so that it survives closing the field). */
  value: string;
  onChange: (draft: QuickRepliesDraft) => void;
}

/**
 * A labelled textarea with the buttons it makes as chips under it, each with a "Remove" button; the first problem (too
 * many, too long, twice the same) is said in words next to it, and the field is marked invalid.
 */
export function QuickRepliesField({ value, onChange }: QuickRepliesFieldProps) {
  const id = useId();
  const { entries, error } = readQuickReplies(value);
  const change = (text: string) => onChange(quickRepliesDraft(text));
  return (
    <div class="quick-replies-field">
      <label for={id} class="reply-hint">
        Buttons the visitor can click instead of typing
      </label>
      <textarea
        id={id}
        class="reply-input"
        rows={2}
        placeholder="One per line, or separated by commas"
        aria-describedby={`${id}-hint`}
        aria-invalid={error !== null}
        value={value}
        onInput={(event) => change(event.currentTarget.value)}
      />
      <p id={`${id}-hint`} class={error ? 'field-error' : 'reply-hint'} aria-live="polite">
        {error ?? `Up to ${QUICK_REPLIES_MAX} buttons, each up to ${QUICK_REPLY_MAX_LENGTH} characters.`}
      </p>
      {entries.length > 0 && (
        <ul class="quick-reply-chips" aria-label="Buttons to send">
          {entries.map((entry, index) => (
            <li key={index} class="chip">
              {entry}{' '}
              <button
                type="button"
                class="link-button"
                aria-label={`Remove ${entry}`}
                onClick={() => change(entries.filter((_, other) => other !== index).join('\n'))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
