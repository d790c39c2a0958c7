/**
 * The agent's reply box.
 * @module
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';

/** Props of {@link ReplyBox}. */
export interface ReplyBoxProps {
  /** The draft to start from (drafts survive switching conversations). */
  initialDraft?: string;
  /** Called with the draft on every change, to keep it. */
  onDraftChange?: (draft: string) => void;
  /** Called with the text to send; the box empties itself. */
  onSend: (body: string) => void;
  /** Called on keystrokes that leave text in the box. */
  onTyping?: () => void;
  /** Called when the box is emptied or left. */
  onStopTyping?: () => void;
  /** Ids of elements that describe the box (`aria-describedby`), e.g. a note next to it; space-separated. */
  describedBy?: string;
}

/** A textarea labelled "Reply" and a "Send" button. Enter sends; Shift+Enter starts a new line. */
export function ReplyBox({ initialDraft = '', onDraftChange, onSend, onTyping, onStopTyping, describedBy }: ReplyBoxProps) {
  const [draft, setDraft] = useState(initialDraft);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const empty = draft.trim() === '';

  useEffect(() => textareaRef.current?.focus(), []);

  function update(value: string) {
    setDraft(value);
    onDraftChange?.(value);
  }

  function send() {
    if (empty) return;
    onSend(draft);
    update('');
    textareaRef.current?.focus();
  }

  function handleKeyDown(event: KeyboardEvent) {
    // `isComposing`: Enter that confirms an IME composition (Japanese, Chinese…) must not send half a word.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form
      class="reply-box"
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label for={id} class="visually-hidden">
        Reply
      </label>
      <textarea
        ref={textareaRef}
        id={id}
        class="reply-input"
        rows={2}
        placeholder="Write a reply…"
        aria-describedby={describedBy || undefined}
        value={draft}
        onInput={(event) => {
          const { value } = event.currentTarget;
          update(value);
          if (value.trim() === '') onStopTyping?.();
          else onTyping?.();
        }}
        onKeyDown={handleKeyDown}
        onBlur={() => onStopTyping?.()}
      />
      <div class="reply-footer">
        <span class="reply-hint" aria-hidden="true">
          Enter to send · Shift+Enter for a new line
        </span>
        <button type="submit" class="button button-primary" disabled={empty}>
          Send
        </button>
      </div>
    </form>
  );
}
