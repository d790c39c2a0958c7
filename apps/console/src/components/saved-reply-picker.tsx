/**
 * The saved replies picker under the reply box: which `/query` the caret is in, which replies match it, and the
 * listbox that shows them. The reply box keeps the focus and drives it (`aria-activedescendant`).
 * @module
 */
import type { SavedReply } from '@parley/protocol';

/** A `/query` being typed: the slash at `start`, the caret at `end`. */
export interface SlashQuery {
  start: number;
  end: number;
  query: string;
}

// A slash at the start of the box or after whitespace, then letters, digits or dashes up to the caret.
const slashQueryPattern = /(?:^|\s)\/([\p{L}\p{N}][\p{L}\p{N}-]*)$/u;

/** The `/query` that ends at `caret` in `text`, or null: `/re` opens the picker, `/` alone and `a/re` don't. */
export function findSlashQuery(text: string, caret: number): SlashQuery | null {
  const match = slashQueryPattern.exec(text.slice(0, caret));
  if (!match) return null;
  const query = match[1]!;
  return { start: caret - query.length - 1, end: caret, query };
}

/**
 * The replies whose shortcut or title contains `query` (any case): shortcuts that start with it first, then other
 * shortcuts that contain it, then titles, each group in the list's order (by shortcut).
 */
export function matchSavedReplies(replies: readonly SavedReply[], query: string): SavedReply[] {
  const wanted = query.toLowerCase();
  if (wanted === '') return [...replies];
  const rank = (reply: SavedReply) => {
    const shortcut = reply.shortcut.toLowerCase();
    if (shortcut.startsWith(wanted)) return 0;
    if (shortcut.includes(wanted)) return 1;
    return reply.title.toLowerCase().includes(wanted) ? 2 : 3;
  };
  return replies
    .map((reply, index) => ({ reply, index, rank: rank(reply) }))
    .filter((entry) => entry.rank < 3)
    .toSorted((a, b) => a.rank - b.rank || a.index - b.index)
    .map((entry) => entry.reply);
}

/** The id of option `index` of the listbox `listboxId`. */
export function optionId(listboxId: string, index: number): string {
  return `${listboxId}-option-${index}`;
}

/** Props of {@link SavedReplyPicker}. */
export interface SavedReplyPickerProps {
  listboxId: string;
  /** The saved replies; null while they load. */
  replies: SavedReply[] | null;
  /** Why they could not be loaded. */
  error: string | null;
  /** What is typed after the slash; empty when the button opened the picker. */
  query: string;
  /** The replies that match, as {@link matchSavedReplies} gives them. */
  matches: SavedReply[];
  active: number;
  onHover: (index: number) => void;
  onPick: (reply: SavedReply) => void;
}

/** The first line of a body, for the preview under the title. */
function preview(body: string): string {
  return body.trim().split('\n', 1)[0]!;
}

/** The popup: a listbox of matching replies, or why there is none. */
export function SavedReplyPicker({ listboxId, replies, error, query, matches, active, onHover, onPick }: SavedReplyPickerProps) {
  let status: string | null = null;
  if (error) status = `Saved replies could not be loaded: ${error}`;
  else if (replies === null) status = 'Loading saved replies…';
  else if (replies.length === 0) status = 'No saved replies yet. Add them on the Saved replies page.';
  else if (matches.length === 0) status = `No saved reply matches /${query}.`;

  return (
    // The reply box keeps the focus: a click here (an option, the scrollbar) doesn't blur it, which would close this.
    <div class="saved-reply-picker" onMouseDown={(event) => event.preventDefault()}>
      {status !== null ? (
        <p class={`saved-reply-status${error ? ' is-error' : ''}`} role={error ? 'alert' : 'status'}>
          {status}
        </p>
      ) : (
        <ul id={listboxId} class="saved-reply-options" role="listbox" aria-label="Saved replies">
          {matches.map((reply, index) => (
            <li
              key={reply.id}
              id={optionId(listboxId, index)}
              role="option"
              aria-selected={index === active}
              class={`saved-reply-option${index === active ? ' is-active' : ''}`}
              onMouseMove={() => {
                if (index !== active) onHover(index);
              }}
              onClick={() => onPick(reply)}
            >
              <span class="saved-reply-shortcut">/{reply.shortcut}</span>
              <span class="saved-reply-title">{reply.title}</span>
              {reply.scope === 'personal' && <span class="saved-reply-scope">Personal</span>}
              <span class="saved-reply-preview">{preview(reply.body)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
