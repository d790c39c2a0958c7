/**
 * The top bar's "Approvals" button and its panel: the bot's calls waiting for an agent's approval, each linking to its
 * conversation, where its card has Approve and Reject. In a chunk of its own, which the workspace loads once the first
 * call is waiting: most consoles never need it.
 * @module
 */
import type { PendingAction } from '@parley/protocol';
import { useId, useState } from 'preact/hooks';

/** Props of {@link ApprovalsMenu}. */
export interface ApprovalsMenuProps {
  /** The pending actions the console holds, by id (the controller's state): those waiting for approval are listed. */
  actions: Readonly<Record<string, PendingAction>>;
  /** The address of a conversation, for the links. */
  conversationHref: (conversationId: string) => string;
  /** Opens a conversation in the console (the links' clicks, without reloading the page). */
  onOpenConversation: (conversationId: string) => void;
}

/** "1 approval waiting", "3 approvals waiting". */
export function approvalsWaitingText(count: number): string {
  return `${count} approval${count === 1 ? '' : 's'} waiting`;
}

/** The calls of `actions` waiting for an agent's approval, the oldest first. */
export function approvalsWaiting(actions: ApprovalsMenuProps['actions']): PendingAction[] {
  return Object.values(actions)
    .filter((action) => action.status === 'pending' && action.policy === 'approve')
    .toSorted((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
}

/** The button, which says how many calls wait, and when open the list of them; nothing while none waits. */
export function ApprovalsMenu({ actions: held, conversationHref, onOpenConversation }: ApprovalsMenuProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const actions = approvalsWaiting(held);
  if (actions.length === 0) return null;
  return (
    <div class="alerts-menu">
      <button type="button" class="button button-ghost" aria-expanded={open} aria-controls={`${id}-panel`} onClick={() => setOpen(!open)}>
        Approvals <span class="inbox-view-count">{actions.length}</span>
        <span class="visually-hidden"> waiting</span>
      </button>
      {open && (
        <div id={`${id}-panel`} class="alerts-panel" role="group" aria-label={approvalsWaitingText(actions.length)}>
          <ul>
            {actions.map((action) => (
              <li key={action.id}>
                <a
                  href={conversationHref(action.conversationId)}
                  onClick={(event) => {
                    // A plain click opens it here; a modified one (new tab) is the browser's.
                    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
                    event.preventDefault();
                    setOpen(false);
                    onOpenConversation(action.conversationId);
                  }}
                >
                  {action.summary}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
