/**
 * A conversation's messages, oldest first, then the bot's replies being streamed and the agent's pending replies.
 * @module
 */
import type { BotDraft, PendingMessage } from '@parley/client/thread';
import { citationHref, citationLabel, systemEventText, type Message } from '@parley/protocol';
import { Fragment } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import { authorLabel, formatFullTime, formatMessageTime } from '../format.js';

/** Props of {@link MessageList}. */
export interface MessageListProps {
  messages: readonly Message[];
  pending?: readonly PendingMessage[];
  /** The bot's replies being streamed, shown after the stored messages. */
  botReplies?: readonly BotDraft[];
  /** Name shown on the visitor's messages. */
  visitorName?: string;
  /** The signed-in agent's id, to label their own messages "You". */
  agentId?: string;
  onRetry?: (clientId: string) => void;
  onDiscard?: (clientId: string) => void;
}

// Within this distance of the bottom the list follows new messages; further up, the agent is reading history.
const STICKY_DISTANCE_PX = 80;

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });

function dayKey(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : date.toDateString();
}

function dayLabel(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return 'Today';
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (date.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return dayFormat.format(date);
}

/** The "Bot" tag after the bot's name, so its messages are not mistaken for a person's. */
function BotTag() {
  return <span class="author-tag">Bot</span>;
}

/**
 * A system message as a centered status line ("Robin joined the conversation."), worded from its event; the body is for
 * an event this build doesn't know.
 */
function SystemLine({ message }: { message: Message }) {
  return (
    <div class="message message-system" data-seq={message.seq} title={formatFullTime(message.createdAt)}>
      <p class="message-body">{(message.event && systemEventText(message.event)) || message.body}</p>
    </div>
  );
}

function MessageItem({ message, visitorName, agentId }: { message: Message; visitorName?: string; agentId?: string }) {
  const { kind } = message.author;
  if (kind === 'system') return <SystemLine message={message} />;
  const own = kind === 'agent' && agentId !== undefined && message.author.id === agentId;
  return (
    <div class={`message message-${kind}${own ? ' message-own' : ''}`} data-seq={message.seq}>
      <div class="message-meta">
        <span class="message-author">{own ? 'You' : authorLabel(message.author, visitorName)}</span>
        {kind === 'bot' && <BotTag />}
        <time dateTime={message.createdAt} title={formatFullTime(message.createdAt)}>
          {formatMessageTime(message.createdAt)}
        </time>
      </div>
      {/* Text child only: Preact sets it as a text node, so markup in a message is shown, never interpreted. */}
      <p class="message-body">{message.body}</p>
      {message.citations && <MessageSources citations={message.citations} />}
    </div>
  );
}

/** The knowledge-base passages a bot reply cited, numbered as in its text, so the agent can check what it relied on. */
function MessageSources({ citations }: { citations: NonNullable<Message['citations']> }) {
  return (
    <ol class="message-sources" aria-label="Sources">
      {citations.map((citation) => {
        const href = citationHref(citation);
        return (
          <li key={citation.index} value={citation.index}>
            {href ? (
              <a href={href} target="_blank" rel="noopener noreferrer">
                {citationLabel(citation)}
              </a>
            ) : (
              citationLabel(citation)
            )}
          </li>
        );
      })}
    </ol>
  );
}

/**
 * A bot reply as it streams in. `aria-busy` asks screen readers to hold off announcing every delta; the stored message
 * that replaces it is announced once, whole.
 */
function BotReplyItem({ draft }: { draft: BotDraft }) {
  const { streaming } = draft;
  return (
    <div class="message message-bot message-streaming" aria-busy={streaming ? 'true' : undefined} data-message-id={draft.messageId}>
      <div class="message-meta">
        <span class="message-author">{authorLabel(draft.author)}</span>
        <BotTag />
        {streaming && <span class="message-state">Replying…</span>}
      </div>
      {/* Text child only, like stored messages: the model's output is shown, never interpreted. */}
      <p class="message-body">
        {draft.text}
        {streaming && <span class="stream-caret" aria-hidden="true" />}
      </p>
    </div>
  );
}

function PendingItem({
  item,
  onRetry,
  onDiscard,
}: {
  item: PendingMessage;
  onRetry?: (clientId: string) => void;
  onDiscard?: (clientId: string) => void;
}) {
  const failed = item.status === 'failed';
  return (
    <div class={`message message-agent message-own message-pending${failed ? ' message-failed' : ''}`}>
      <div class="message-meta">
        <span class="message-author">You</span>
        <span class="message-state">{failed ? 'Not sent' : 'Sending…'}</span>
      </div>
      <p class="message-body">{item.body}</p>
      {failed && (
        <div class="message-error">
          <span>{item.error}</span>
          <button type="button" class="link-button" onClick={() => onRetry?.(item.clientId)}>
            Retry
          </button>
          <button type="button" class="link-button" onClick={() => onDiscard?.(item.clientId)}>
            Discard
          </button>
        </div>
      )}
    </div>
  );
}

/**
 * The message log (`role="log"`). Visitor, agent, bot and system messages are styled apart, the bot's with its name and a
 * "Bot" tag; its replies show as they stream. Bodies render as text.
 * Keeps the newest message in view while the agent is at the bottom, and leaves the scroll alone while they read
 * further up.
 */
export function MessageList({ messages, pending = [], botReplies = [], visitorName, agentId, onRetry, onDiscard }: MessageListProps) {
  const listRef = useRef<HTMLDivElement>(null);
  const sticky = useRef(true);
  const last = messages.at(-1);
  // Grows with every delta, so the list also follows a reply while it streams.
  let streamedLength = 0;
  for (const draft of botReplies) streamedLength += draft.text.length + 1;

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && sticky.current) list.scrollTop = list.scrollHeight;
  }, [last?.id, messages.length, pending.length, streamedLength]);

  function handleScroll() {
    const list = listRef.current;
    if (list) sticky.current = list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_DISTANCE_PX;
  }

  let previousDay = '';
  return (
    <div ref={listRef} class="message-list" role="log" aria-label="Messages" onScroll={handleScroll}>
      {messages.map((message) => {
        const day = dayKey(message.createdAt);
        const separator = day !== previousDay;
        previousDay = day;
        return (
          <Fragment key={message.id}>
            {separator && (
              <div class="day-separator" aria-hidden="true">
                <span>{dayLabel(message.createdAt)}</span>
              </div>
            )}
            <MessageItem message={message} visitorName={visitorName} agentId={agentId} />
          </Fragment>
        );
      })}
      {botReplies.map((draft) => (
        <BotReplyItem key={draft.messageId} draft={draft} />
      ))}
      {pending.map((item) => (
        <PendingItem key={item.clientId} item={item} onRetry={onRetry} onDiscard={onDiscard} />
      ))}
    </div>
  );
}
