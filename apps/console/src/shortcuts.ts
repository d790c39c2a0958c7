/**
 * The workspace's keyboard shortcuts: which key does what, and when a key is the agent typing rather than a shortcut.
 * Pure; `components/workspace.tsx` listens and acts.
 * @module
 */

/** What a shortcut does. */
export type ShortcutAction = 'next-waiting' | 'saved-replies' | 'help' | 'close';

const typingInputTypes = new Set([
  'text',
  'search',
  'email',
  'url',
  'tel',
  'password',
  'number',
  'date',
  'datetime-local',
  'month',
  'time',
  'week',
]);

/** Whether keys pressed in `target` are typing: a text field, a textarea, a select or editable content. */
export function isTextEntry(target: EventTarget | null): boolean {
  if (typeof Element === 'undefined' || !(target instanceof Element)) return false;
  if (target.closest('[contenteditable]:not([contenteditable="false"])')) return true;
  switch (target.tagName) {
    case 'TEXTAREA':
    case 'SELECT':
      return true;
    case 'INPUT':
      return typingInputTypes.has((target as HTMLInputElement).type || 'text');
    default:
      return false;
  }
}

/** The parts of a keydown that decide the shortcut. */
export type ShortcutKey = Pick<KeyboardEvent, 'key' | 'altKey' | 'ctrlKey' | 'metaKey' | 'isComposing' | 'target' | 'defaultPrevented'>;

/**
 * The shortcut a keydown is, or null. Escape always closes; the single keys (`n`, `/`, `?`) only count outside text
 * fields and without Ctrl, Alt or Meta, so typing (and the browser's own shortcuts) is never taken over.
 */
export function shortcutFor(event: ShortcutKey): ShortcutAction | null {
  if (event.defaultPrevented || event.isComposing) return null;
  if (event.key === 'Escape') return 'close';
  if (event.ctrlKey || event.metaKey || event.altKey || isTextEntry(event.target)) return null;
  switch (event.key) {
    case 'n':
    case 'N':
      return 'next-waiting';
    case '/':
      return 'saved-replies';
    case '?':
      return 'help';
    default:
      return null;
  }
}

/** The list the `?` dialog shows. */
export const shortcutList: ReadonlyArray<{ keys: readonly string[]; description: string }> = [
  { keys: ['Enter'], description: 'Send the reply (in the reply box)' },
  { keys: ['Shift', 'Enter'], description: 'New line in the reply' },
  { keys: ['N'], description: 'Open the next waiting conversation' },
  { keys: ['/'], description: 'Saved replies: focus the reply box and pick one' },
  { keys: ['Esc'], description: 'Close the open panel, or leave the text box so that shortcuts work' },
  { keys: ['?'], description: 'Show this list' },
];
