/**
 * The inbox list.
 * @module
 */
import type { AuthorKind, ConversationSummary, SlaClock } from '@parley/protocol';
import { useId } from 'preact/hooks';
import { activeTicketStatuses } from '../conversation-store.js';
import { contactLabel, formatFullTime, formatListTime, slaStateLabel, statusLabel } from '../format.js';

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  conversations: readonly ConversationSummary[];
  /** The conversation on screen. */
  openId: string | null;
  /** Visitor messages the agent has not read, per conversation id (none: 0). */
  unread: ReadonlyMap<string, number>;
  /** Ids of conversations where the visitor is typing. */
  typing: ReadonlySet<string>;
  onOpen: (conversationId: string) => void;
}

const previewPrefixes: Record<AuthorKind, string> = { visitor: '', agent: 'Agent: ', bot: 'Bot: ', system: '' };

function preview(conversation: ConversationSummary): string {
  const { lastMessage } = conversation;
  return lastMessage ? `${previewPrefixes[lastMessage.authorKind]}${lastMessage.body}` : 'No messages yet';
}

/** The most urgent state among a follow-up's clocks: breached before warning; null when all are on time. */
function worstClockState(clocks: readonly SlaClock[]): 'breached' | 'warning' | null {
  if (clocks.some((clock) => clock.state === 'breached')) return 'breached';
  return clocks.some((clock) => clock.state === 'warning') ? 'warning' : null;
}

/** "Follow-up" on an open or pending follow-up, with "Overdue" or "Due soon" when one of its clocks says so. */
function TicketBadges({ ticket }: { ticket: ConversationSummary['ticket'] }) {
  if (!ticket || !activeTicketStatuses.has(ticket.status)) return null;
  const alert = worstClockState(ticket.sla);
  return (
    <>
      <span class="ticket-badge">Follow-up</span>
      {alert && <span class={`sla-badge sla-badge-${alert}`}>{slaStateLabel(alert)}</span>}
    </>
  );
}

function ConversationItem({
  conversation,
  open,
  unread,
  typing,
  onOpen,
}: {
  conversation: ConversationSummary;
  open: boolean;
  /** Visitor messages the agent has not read. */
  unread: number;
  typing: boolean;
  onOpen: (conversationId: string) => void;
}) {
  const id = useId();
  const activity = conversation.lastMessageAt ?? conversation.updatedAt;
  // Queued conversations need a human: they stand out whatever their unread state.
  const waiting = conversation.status === 'queued';
  return (
    <li class={`conversation-item${open ? ' is-open' : ''}${unread > 0 ? ' is-unread' : ''}${waiting ? ' is-waiting' : ''}`}>
      {/* The button is named by the contact alone, its visible text; time, status, follow-up badges, preview and unread
          count are its description. Its ::after covers the row, so a click anywhere on the row opens it. */}
      <span class="conversation-item-top">
        <button
          type="button"
          class="conversation-open"
          aria-current={open ? 'true' : undefined}
          aria-describedby={`${id}-time ${id}-details`}
          onClick={() => onOpen(conversation.id)}
        >
          <span class="conversation-name">{contactLabel(conversation.contact)}</span>
        </button>
        <time id={`${id}-time`} class="conversation-time" dateTime={activity} title={formatFullTime(activity)}>
          {formatListTime(activity)}
        </time>
      </span>
      <span id={`${id}-details`} class="conversation-item-bottom">
        <span class={`status-badge status-${conversation.status}`}>{statusLabel(conversation.status)}</span>
        <TicketBadges ticket={conversation.ticket} />
        <span class={`conversation-preview${typing ? ' is-typing' : ''}`}>{typing ? 'Typing…' : preview(conversation)}</span>
        {unread > 0 && (
          <span class="unread-badge">
            {unread}
            <span class="visually-hidden"> unread</span>
          </span>
        )}
      </span>
    </li>
  );
}

/**
 * Conversations as buttons named after their contact, with status, follow-up badges, last message preview, time and
 * the number of unread visitor messages ("3 unread" in the row's description); those waiting for a human are
 * highlighted.
 */
export function ConversationList({ conversations, openId, unread, typing, onOpen }: ConversationListProps) {
  return (
    <ul class="conversation-list">
      {conversations.map((conversation) => (
        <ConversationItem
          key={conversation.id}
          conversation={conversation}
          open={conversation.id === openId}
          unread={unread.get(conversation.id) ?? 0}
          typing={typing.has(conversation.id)}
          onOpen={onOpen}
        />
      ))}
    </ul>
  );
}
