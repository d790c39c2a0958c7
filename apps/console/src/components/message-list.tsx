/**
 * A conversation's messages, oldest first, with the agents' internal notes among them, the bot's tool calls under the
 * replies they led to, under each bot message its details (model, bot profile, passages) and, under a bot message that
 * asked for a decision before an action, its card (approve, reject, or where the decision stands); then the bot's replies being streamed and the agent's pending replies.
 * @module
 */
import type { BotDraft, PendingMessage } from '@parley/client/thread';
import { citationHref, citationLabel, systemEventText, type Message, type Note, type ToolCall } from '@parley/protocol';
import { Fragment, type ComponentType, type JSX } from 'preact';
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { ConsoleFiles } from '../console-controller.js';
import { authorLabel, formatFullTime, formatMessageTime } from '../format.js';
import { useLazyComponent } from '../use-lazy-component.js';
import type { MessageFilesProps } from './files.js';
import { loadFiles } from './load-files.js';
import type { BotReplyDetailsProps } from './bot-reply-details.js';
import type { Approvals, PendingActionCardProps } from './pending-action-card.js';
import type { ToolCallListProps } from './tool-call-details.js';

/** Props of {@link MessageList}. */
export interface MessageListProps {
  messages: readonly Message[];
  /** The agents' internal notes, in `createdAt` order; each shows after the message with `seq === afterSeq`. */
  notes?: readonly Note[];
  /**
   * The bot's tool calls, in the order it made them; each folds under the message it led to (`messageId`), or sits in
   * the transcript by time when there is none.
   */
  toolCalls?: readonly ToolCall[];
  pending?: readonly PendingMessage[];
  /** The bot's replies being streamed, shown after the stored messages. */
  botReplies?: readonly BotDraft[];
  /** Name shown on the visitor's messages. */
  visitorName?: string;
  /** The signed-in agent's id, to label their own messages "You". */
  agentId?: string;
  /**
   * How far the visitor has read (the conversation's `visitorSeenSeq`): "Seen" goes under the newest agent or bot message
   * up to it; nothing when it is 0 or before every such message.
   */
  visitorSeenSeq?: number;
  onRetry?: (clientId: string) => void;
  onDiscard?: (clientId: string) => void;
  /** Signed URLs of the files messages carry; without it their files are not shown. */
  files?: ConsoleFiles;
  /** The pending actions and their decision: a bot message that asked for one shows its card; without it, none. */
  approvals?: Approvals;
}

/** A component from a chunk of its own, loaded when it is first shown; nothing until then. */
function lazily<Props>(load: () => Promise<ComponentType<Props>>) {
  return function Lazy(props: Props) {
    const { Component } = useLazyComponent(load);
    return Component && <Component {...(props as Props & JSX.IntrinsicAttributes)} />;
  };
}

// A message's files (previews, download links), the bot's tool calls and a pending action's card are in chunks of their
// own: folded or rare, they make room in the bundle every agent loads for what every conversation needs at once.
const loadBotTurnDetails = () => import('./bot-turn-details.js');
const ToolCallList = lazily<ToolCallListProps>(() => loadBotTurnDetails().then((module) => module.ToolCallList));
const LazyMessageFiles = lazily<MessageFilesProps>(() => loadFiles().then((module) => module.MessageFiles));
const LazyPendingActionCard = lazily<PendingActionCardProps>(() => loadBotTurnDetails().then((module) => module.PendingActionCard));
const LazyBotReplyDetails = lazily<BotReplyDetailsProps>(() => loadBotTurnDetails().then((module) => module.BotReplyDetails));

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
      {/* What the visitor saw, in their language (the server writes the line in the widget's); the English wording of the
          event only when a line has no body. */}
      <p class="message-body">{message.body || (message.event && systemEventText(message.event))}</p>
    </div>
  );
}

function MessageItem({
  message,
  toolCalls,
  visitorName,
  agentId,
  seen,
  files,
  approvals,
}: {
  message: Message;
  files?: ConsoleFiles;
  approvals?: Approvals;
  /** The tool calls this message was the outcome of. */
  toolCalls?: readonly ToolCall[];
  visitorName?: string;
  agentId?: string;
  /** The newest message the visitor has seen of the agents' and the bot's: it carries the read receipt. */
  seen?: boolean;
}) {
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
      {message.quickReplies && (
        // What the visitor was offered: shown as the buttons looked, but not buttons here.
        <ul class="quick-reply-chips" aria-label="Quick replies offered">
          {message.quickReplies.map((reply) => (
            <li key={reply} class="chip">
              {reply}
            </li>
          ))}
        </ul>
      )}
      {files && message.attachments?.[0] && <LazyMessageFiles files={files} attachments={message.attachments} />}
      {message.citations && <MessageSources citations={message.citations} />}
      {approvals && message.action && <LazyPendingActionCard action={message.action} approvals={approvals} />}
      {toolCalls && <ToolCallList toolCalls={toolCalls} />}
      {/* How it was produced (model, profile, passages): the approvals carry the API's request, for agents' consoles. */}
      {kind === 'bot' && approvals && (
        <LazyBotReplyDetails conversationId={message.conversationId} messageId={message.id} request={approvals.request} />
      )}
      {seen && (
        <p class="message-seen">
          Seen<span class="visually-hidden"> by the visitor</span>
        </p>
      )}
    </div>
  );
}

/**
 * A transcript entry: a stored message (with the tool calls it was the outcome of), an internal note placed after one,
 * or tool calls that led to no message on screen.
 */
type TranscriptItem =
  | { kind: 'message'; message: Message; toolCalls?: readonly ToolCall[] }
  | { kind: 'note'; note: Note }
  | { kind: 'tool-calls'; toolCalls: readonly ToolCall[] };

/** The transcript before the tool calls are placed: messages and notes. */
type MessageOrNote = Extract<TranscriptItem, { kind: 'message' | 'note' }>;

/**
 * Messages in order with each note after the message with `seq === afterSeq` (afterSeq 0: before the first), notes
 * after the same message in `createdAt` order. A note whose message is not loaded (a gap being filled, a message still
 * on its way) goes after the last message before it, so that none is ever left out.
 */
export function interleaveNotes(messages: readonly Message[], notes: readonly Note[]): MessageOrNote[] {
  // Stable: notes after the same message keep their `createdAt` order.
  const placed = notes.toSorted((a, b) => a.afterSeq - b.afterSeq);
  const items: MessageOrNote[] = [];
  let next = 0;
  for (const message of messages) {
    while (next < placed.length && placed[next]!.afterSeq < message.seq) items.push({ kind: 'note', note: placed[next++]! });
    items.push({ kind: 'message', message });
  }
  while (next < placed.length) items.push({ kind: 'note', note: placed[next++]! });
  return items;
}

function createdAtOf(item: TranscriptItem): string {
  if (item.kind === 'message') return item.message.createdAt;
  if (item.kind === 'note') return item.note.createdAt;
  return item.toolCalls[0]!.createdAt;
}

/** A key that stays with an entry across renders, so a tool call opened by the agent stays open. */
function transcriptKey(item: TranscriptItem): string {
  if (item.kind === 'message') return item.message.id;
  if (item.kind === 'note') return `note:${item.note.id}`;
  return `tool-calls:${item.toolCalls[0]!.id}`;
}

/**
 * The transcript with the bot's tool calls placed: each under the message it led to, when that message is in it; the
 * others (their turn stored no reply, or the reply is not loaded yet) by time, before the first entry that came later,
 * those in a row as one group. Calls keep the order given (the order the bot made them); none is ever left out.
 */
export function interleaveToolCalls(items: readonly TranscriptItem[], toolCalls: readonly ToolCall[]): TranscriptItem[] {
  if (toolCalls.length === 0) return [...items];
  const messageIds = new Set(items.flatMap((item) => (item.kind === 'message' ? [item.message.id] : [])));
  const underMessage = new Map<string, ToolCall[]>();
  const unattached: ToolCall[] = [];
  for (const toolCall of toolCalls) {
    if (toolCall.messageId !== null && messageIds.has(toolCall.messageId)) {
      const calls = underMessage.get(toolCall.messageId) ?? [];
      calls.push(toolCall);
      underMessage.set(toolCall.messageId, calls);
    } else unattached.push(toolCall);
  }
  const placed: TranscriptItem[] = [];
  let next = 0;
  for (const item of items) {
    const startedAt = Date.parse(createdAtOf(item));
    const before: ToolCall[] = [];
    while (next < unattached.length && Date.parse(unattached[next]!.createdAt) < startedAt) before.push(unattached[next++]!);
    if (before.length > 0) placed.push({ kind: 'tool-calls', toolCalls: before });
    const calls = item.kind === 'message' ? underMessage.get(item.message.id) : undefined;
    placed.push(item.kind === 'message' && calls ? { ...item, toolCalls: calls } : item);
  }
  if (next < unattached.length) placed.push({ kind: 'tool-calls', toolCalls: unattached.slice(next) });
  return placed;
}

/**
 * An internal note: set apart by its label as well as its colours, and named "Internal note" for screen readers. Only
 * agents ever see it.
 */
function NoteItem({ note }: { note: Note }) {
  return (
    <div class="note" role="note" aria-label="Internal note" data-after-seq={note.afterSeq}>
      <p class="note-meta">
        <span class="note-label">Internal note</span>
        {' · '}
        <span class="note-author">{note.author?.name ?? 'Former agent'}</span>
        {' · '}
        <time dateTime={note.createdAt} title={formatFullTime(note.createdAt)}>
          {formatMessageTime(note.createdAt)}
        </time>
      </p>
      {/* Text child only, like messages: markup in a note is shown, never interpreted. */}
      <p class="note-body">{note.body}</p>
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
 * "Bot" tag; its replies show as they stream, and the tools it called fold under them. Internal notes sit among them,
 * labelled "Internal note". Bodies render as text. The quick replies a message offered show under it as plain chips,
 * and "Seen" under the newest agent or bot message the visitor has seen (read receipts).
 * Keeps the newest message in view while the agent is at the bottom, and leaves the scroll alone while they read
 * further up.
 */
export function MessageList({
  messages,
  notes = [],
  toolCalls = [],
  pending = [],
  botReplies = [],
  visitorName,
  agentId,
  visitorSeenSeq = 0,
  onRetry,
  onDiscard,
  files,
  approvals,
}: MessageListProps) {
  const listRef = useRef<HTMLDivElement>(null);
  const seenId = messages.findLast(
    (message) => message.seq <= visitorSeenSeq && (message.author.kind === 'agent' || message.author.kind === 'bot'),
  )?.id;
  const sticky = useRef(true);
  const last = messages.at(-1);
  // Grows with every delta, so the list also follows a reply while it streams.
  let streamedLength = 0;
  for (const draft of botReplies) streamedLength += draft.text.length + 1;

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list && sticky.current) list.scrollTop = list.scrollHeight;
  }, [last?.id, messages.length, notes.length, toolCalls.length, pending.length, streamedLength, seenId]);

  function handleScroll() {
    const list = listRef.current;
    if (list) sticky.current = list.scrollHeight - list.scrollTop - list.clientHeight < STICKY_DISTANCE_PX;
  }

  let previousDay = '';
  return (
    // Focusable, so that keyboard users can scroll the transcript (arrow keys, Page Up/Down).
    <div ref={listRef} class="message-list" role="log" aria-label="Messages" tabIndex={0} onScroll={handleScroll}>
      {interleaveToolCalls(interleaveNotes(messages, notes), toolCalls).map((item) => {
        const createdAt = createdAtOf(item);
        const day = dayKey(createdAt);
        const separator = day !== previousDay;
        previousDay = day;
        return (
          <Fragment key={transcriptKey(item)}>
            {separator && (
              <div class="day-separator" aria-hidden="true">
                <span>{dayLabel(createdAt)}</span>
              </div>
            )}
            {item.kind === 'message' && (
              <MessageItem
                message={item.message}
                toolCalls={item.toolCalls}
                visitorName={visitorName}
                agentId={agentId}
                seen={item.message.id === seenId}
                files={files}
                approvals={approvals}
              />
            )}
            {item.kind === 'note' && <NoteItem note={item.note} />}
            {item.kind === 'tool-calls' && <ToolCallList toolCalls={item.toolCalls} unattached />}
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
