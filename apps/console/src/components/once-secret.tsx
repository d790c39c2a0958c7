/**
 * A secret the server answers once (a webhook's signing secret, an API token, a widget's identity secret): shown in a
 * read-only field with a Copy button until the admin is done with it.
 * @module
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { copyText } from '../copy-text.js';

/** Props of {@link OnceSecret}. */
export interface OnceSecretProps {
  title: string;
  /** The read-only field's label. */
  label: string;
  secret: string;
  /** Says that it won't be shown again, and where to keep it. */
  note: string;
  onDone: () => void;
}

/** A secret the server answered this once (a signing secret, an API token), in a read-only field with a Copy button. */
export function OnceSecret({ title, label, secret, note, onDone }: OnceSecretProps) {
  const [copyStatus, setCopyStatus] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const noteId = useId();
  // Brought to the admin's attention, wherever on the page they asked for it (a rotation is far down the list).
  useEffect(() => inputRef.current?.focus(), [secret]);

  async function copy() {
    setCopyStatus(await copyText(secret, inputRef.current, 'the secret'));
  }

  return (
    <section class="settings-section invitation-link" aria-labelledby={titleId}>
      <h3 id={titleId} class="team-settings-name">
        {title}
      </h3>
      <label class="field">
        <span class="field-label">{label}</span>
        <input
          ref={inputRef}
          class="invitation-link-url"
          readOnly
          value={secret}
          aria-describedby={noteId}
          onFocus={(event) => event.currentTarget.select()}
        />
      </label>
      <p id={noteId} class="hint">
        {note}
      </p>
      <div class="settings-actions">
        <button type="button" class="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" class="button button-ghost" onClick={onDone}>
          Done
        </button>
        <span class="settings-saved" role="status">
          {copyStatus}
        </span>
      </div>
    </section>
  );
}
