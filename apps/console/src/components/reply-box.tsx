/**
 * The agent's reply box, with the saved replies picker: `/shortcut` (or the "Saved replies" button) inserts a reply with
 * its variables filled in; "Buttons" attaches quick replies to a reply. It also writes internal notes: a "Reply" /
 * "Internal note" toggle switches what it sends.
 * @module
 */
import { fillSavedReply, type SavedReply } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorMessage, type ConsoleFiles } from '../console-controller.js';
import { lazyLoadFailure, useLazyComponent } from '../use-lazy-component.js';
import type { AttachButtonProps } from './files.js';
import { loadFiles } from './load-files.js';
import type { QuickRepliesDraft } from './quick-replies-field.js';
import { findSlashQuery, matchSavedReplies, optionId, SavedReplyPicker, type SlashQuery } from './saved-reply-picker.js';

/** What the box writes: a reply the visitor reads, or an internal note only agents see. */
export type ComposerMode = 'reply' | 'note';

const noteLabel = 'Internal note — only agents see this';

// The "Buttons" field is in its own chunk, loaded when the agent first opens it.
const loadQuickRepliesField = () => import('./quick-replies-field.js').then((module) => module.QuickRepliesField);
const noButtons: QuickRepliesDraft = { text: '', replies: [] };
// So is the "Attach files" button, loaded once the box offers files.
const loadAttachButton = () => loadFiles().then((module) => module.AttachButton);

/** Props of {@link ReplyBox}. */
export interface ReplyBoxProps {
  /** The draft to start from (drafts survive switching conversations). */
  initialDraft?: string;
  /** Called with the draft on every change, to keep it. */
  onDraftChange?: (draft: string) => void;
  /**
   * Called with the reply to send and the quick replies (buttons) the agent attached, if any; the box empties itself and
   * closes its "Buttons" field. Files the agent attached are sent at once, on their own: named in the body, their ids in
   * `attachments`.
   */
  onSend: (body: string, quickReplies?: string[], attachments?: string[]) => void;
  /**
   * Uploads files; with it, replies offer an "Attach files" button, and why chosen files were not sent shows on a line of
   * its own atop the box's footer.
   */
  files?: ConsoleFiles;
  /**
   * Writes an internal note; resolves true once stored, and the box empties itself then (on false it keeps the text).
   * Without it the box writes replies only and has no toggle.
   */
  onWriteNote?: (body: string) => Promise<boolean>;
  /** What the box writes; replies unless told. The mode stays until the agent switches it (`onModeChange`). */
  mode?: ComposerMode;
  /** Called when the agent switches between replies and internal notes. */
  onModeChange?: (mode: ComposerMode) => void;
  /** Called on keystrokes that leave text in a reply; never for a note, which the visitor must not hear of. */
  onTyping?: () => void;
  /** Called when the box is emptied or left. */
  onStopTyping?: () => void;
  /** Ids of elements that describe the box (`aria-describedby`), e.g. a note next to it; space-separated. */
  describedBy?: string;
  /** Loads the saved replies, when the picker first opens; without it the box has no picker. */
  loadSavedReplies?: () => Promise<SavedReply[]>;
  /** The values of the variables a saved reply may name (`contact.name`, …), filled in when it is inserted. */
  savedReplyValues?: Readonly<Record<string, string | null | undefined>>;
  /**
   * Text to insert at the caret (replacing the selection), as a saved reply is: e.g. the AI's suggested reply. Each new
   * object is inserted once; the draft then goes on as the agent edits it.
   */
  insertion?: { text: string } | null;
}

/** An open picker: the text it replaces (the `/query`, or the selection when the button opened it). */
interface PickerRange extends SlashQuery {
  fromButton: boolean;
}

/**
 * A textarea labelled "Reply" and a "Send" button. A "Buttons" toggle opens a field for quick replies to send with the
 * reply (each line or comma-separated entry a button, checked with the server's limits; Send waits while one is not
 * valid); it is emptied and closed once sent. Enter sends; Shift+Enter starts a new line. With saved replies, `/`
 * followed by letters (at the start or after a space) opens a picker under the box: ArrowUp/ArrowDown move, Enter or Tab
 * inserts, Escape closes. With `onWriteNote`, two toggle buttons above the textarea ("Reply", "Internal note") switch
 * modes: in note mode the box is labelled "Internal note — only agents see this", takes the note colours, its button
 * says "Add note", and Enter writes the note instead of replying.
 */
export function ReplyBox(props: ReplyBoxProps) {
  const {
    initialDraft = '',
    onDraftChange,
    onSend,
    onWriteNote,
    onModeChange,
    onTyping,
    onStopTyping,
    describedBy,
    loadSavedReplies,
  } = props;
  const [draft, setDraft] = useState(initialDraft);
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();
  const empty = draft.trim() === '';
  const noteMode = props.mode === 'note' && onWriteNote !== undefined;
  // A note on its way: the text stays (read-only) until the server stored it, so a refusal loses nothing.
  const [writingNote, setWritingNote] = useState(false);
  const [picker, setPicker] = useState<PickerRange | null>(null);
  const [active, setActive] = useState(0);
  const [replies, setReplies] = useState<SavedReply[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const loading = useRef(false);
  // The slash of a `/query` the agent closed the picker on (Escape): it stays closed while they go on typing it.
  const dismissedAt = useRef<number | null>(null);
  // Where the caret goes once an inserted reply is rendered.
  const caretAfterRender = useRef<number | null>(null);
  const listboxId = `${id}-saved-replies`;
  // Quick replies to attach (replies only): the field's text, kept while the field is closed, and what it reads as.
  const [buttonsOpen, setButtonsOpen] = useState(false);
  const [buttons, setButtons] = useState(noButtons);
  const field = useLazyComponent(loadQuickRepliesField, buttonsOpen);
  const attach = useLazyComponent<AttachButtonProps>(loadAttachButton, !!props.files);
  const withButtons = buttonsOpen && !noteMode;
  // An entry the server would refuse (too many, too long, twice the same): nothing is sent until it is fixed.
  const buttonsInvalid = withButtons && buttons.replies === null;
  const matches = picker && replies ? matchSavedReplies(replies, picker.query) : [];
  const activeIndex = Math.max(0, Math.min(active, matches.length - 1));

  useEffect(() => textareaRef.current?.focus(), []);

  useEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null) return;
    caretAfterRender.current = null;
    textareaRef.current?.setSelectionRange(caret, caret);
  });

  function loadReplies() {
    if (!loadSavedReplies || loading.current || replies) return;
    loading.current = true;
    setLoadError(null);
    // After a failure, the next opening tries again.
    loadSavedReplies()
      .then(
        (list) => setReplies(list),
        (error: unknown) => setLoadError(errorMessage(error)),
      )
      .finally(() => {
        loading.current = false;
      });
  }

  function openPicker(range: PickerRange) {
    loadReplies();
    if (picker?.start !== range.start || picker.query !== range.query) setActive(0);
    setPicker(range);
  }

  /** Opens, follows or closes the picker for the `/query` at the caret. */
  function syncPicker(value: string, caret: number) {
    if (!loadSavedReplies) return;
    const found = findSlashQuery(value, caret);
    if (!found) dismissedAt.current = null;
    if (!found || found.start === dismissedAt.current) {
      if (picker) setPicker(null);
      return;
    }
    openPicker({ ...found, fromButton: false });
  }

  function togglePicker() {
    const textarea = textareaRef.current;
    if (picker) {
      setPicker(null);
    } else if (textarea) {
      openPicker({ start: textarea.selectionStart, end: textarea.selectionEnd, query: '', fromButton: true });
    }
    textarea?.focus();
  }

  /** Puts `text` in the draft in place of `start`–`end`, the caret after it: saved replies and `insertion` alike. */
  function insertText(text: string, start: number, end: number) {
    caretAfterRender.current = start + text.length;
    update(draft.slice(0, start) + text + draft.slice(end));
    if (!noteMode) onTyping?.();
    textareaRef.current?.focus();
  }

  function insert(reply: SavedReply) {
    if (!picker) return;
    setPicker(null);
    insertText(fillSavedReply(reply.body, props.savedReplyValues ?? {}), picker.start, picker.end);
  }

  useEffect(() => {
    const text = props.insertion?.text;
    if (!text) return;
    const textarea = textareaRef.current;
    insertText(text, textarea?.selectionStart ?? draft.length, textarea?.selectionEnd ?? draft.length);
    // Once per insertion object.
  }, [props.insertion]);

  function update(value: string) {
    setDraft(value);
    onDraftChange?.(value);
  }

  function send() {
    if (empty || writingNote || buttonsInvalid) return;
    setPicker(null);
    dismissedAt.current = null;
    textareaRef.current?.focus();
    if (noteMode) {
      void writeNote(onWriteNote, draft);
      return;
    }
    onSend(draft, (withButtons && buttons.replies?.length && buttons.replies) || undefined);
    update('');
    setButtons(noButtons);
    setButtonsOpen(false);
  }

  async function writeNote(write: (body: string) => Promise<boolean>, body: string) {
    setWritingNote(true);
    try {
      if (await write(body)) update('');
    } finally {
      setWritingNote(false);
    }
  }

  function switchMode(mode: ComposerMode) {
    if (mode === (noteMode ? 'note' : 'reply')) return;
    // The visitor may have been told the agent is typing a reply; a note is none of their business.
    if (mode === 'note') onStopTyping?.();
    onModeChange?.(mode);
    textareaRef.current?.focus();
  }

  /** The picker's keys, while it is open; true when the key was the picker's. */
  function handlePickerKey(event: KeyboardEvent): boolean {
    if (!picker || event.isComposing) return false;
    const count = matches.length;
    if (event.key === 'Escape') {
      if (!picker.fromButton) dismissedAt.current = picker.start;
      setPicker(null);
    } else if (count > 0 && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
      setActive((activeIndex + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
    } else if (count > 0 && (event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) {
      insert(matches[activeIndex]!);
    } else {
      return false;
    }
    event.preventDefault();
    event.stopPropagation();
    return true;
  }

  function handleKeyDown(event: KeyboardEvent) {
    if (handlePickerKey(event)) return;
    // `isComposing`: Enter that confirms an IME composition (Japanese, Chinese…) must not send half a word.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form
      class={`reply-box${noteMode ? ' is-note' : ''}`}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      {onWriteNote && (
        <div class="composer-mode" role="group" aria-label="Write">
          <button
            type="button"
            class="composer-mode-button"
            aria-pressed={!noteMode}
            // The focus goes to the box once switched: its label, read out then, says what it writes now.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => switchMode('reply')}
          >
            Reply
          </button>
          <button
            type="button"
            class="composer-mode-button composer-mode-note"
            aria-pressed={noteMode}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => switchMode('note')}
          >
            Internal note
          </button>
        </div>
      )}
      <label for={id} class="visually-hidden">
        {noteMode ? noteLabel : 'Reply'}
      </label>
      <textarea
        ref={textareaRef}
        id={id}
        class="reply-input"
        rows={2}
        placeholder={noteMode ? noteLabel : 'Write a reply…'}
        readOnly={writingNote}
        aria-describedby={(!noteMode && describedBy) || undefined}
        // No aria-expanded here: a textarea is a textbox, which doesn't take it (axe: aria-allowed-attr); the
        // "Saved replies" button carries it, and the active option is announced through aria-activedescendant.
        aria-autocomplete={loadSavedReplies ? 'list' : undefined}
        aria-controls={picker && matches.length > 0 ? listboxId : undefined}
        aria-activedescendant={picker && matches.length > 0 ? optionId(listboxId, activeIndex) : undefined}
        value={draft}
        onInput={(event) => {
          const { value, selectionStart } = event.currentTarget;
          update(value);
          syncPicker(value, selectionStart);
          if (value.trim() === '') onStopTyping?.();
          else if (!noteMode) onTyping?.();
        }}
        onKeyDown={handleKeyDown}
        onKeyUp={(event) => {
          // The caret moved along the text: the `/query` it is in now, if any.
          if (['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key)) {
            syncPicker(event.currentTarget.value, event.currentTarget.selectionStart);
          }
        }}
        onClick={(event) => syncPicker(event.currentTarget.value, event.currentTarget.selectionStart)}
        onBlur={() => {
          setPicker(null);
          onStopTyping?.();
        }}
      />
      {picker && (
        <SavedReplyPicker
          listboxId={listboxId}
          replies={replies}
          error={loadError}
          query={picker.query}
          matches={matches}
          active={activeIndex}
          onHover={setActive}
          onPick={insert}
        />
      )}
      {withButtons &&
        (field.Component ? (
          <field.Component value={buttons.text} onChange={setButtons} />
        ) : (
          <p class="muted">{field.failed ? lazyLoadFailure : 'Loading…'}</p>
        ))}
      <div class="reply-footer">
        <span class="reply-hint" aria-hidden="true">
          {noteMode ? 'Only agents see this · Enter to add the note' : 'Enter to send'} · Shift+Enter for a new line
          {loadSavedReplies ? ' · / for saved replies' : ''}
        </span>
        {loadSavedReplies && (
          <button
            type="button"
            class="button button-ghost reply-saved-replies"
            aria-haspopup="listbox"
            aria-expanded={picker !== null}
            aria-controls={picker && matches.length > 0 ? listboxId : undefined}
            // Keeps the focus in the box, so that the picker it opens isn't closed by the box losing it.
            onMouseDown={(event) => event.preventDefault()}
            onClick={togglePicker}
          >
            Saved replies
          </button>
        )}
        {/* Loaded only with `files`. */}
        {!noteMode && attach.Component && <attach.Component files={props.files!} onSend={onSend} />}
        {!noteMode && (
          <button type="button" class="button button-ghost" aria-expanded={buttonsOpen} onClick={() => setButtonsOpen(!buttonsOpen)}>
            Buttons
          </button>
        )}
        <button
          type="submit"
          class={`button ${noteMode ? 'button-note' : 'button-primary'}`}
          disabled={empty || writingNote || buttonsInvalid}
        >
          {noteMode ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
  );
}
