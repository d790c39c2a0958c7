/**
 * One conversation's messages as the console holds them: pure functions over an immutable {@link MessageThread}.
 * Messages arrive from three places (REST pages, `message:created`, send acks) in any order and more than once; the
 * thread keeps each once, ordered by `seq`, plus the agent's sends that the server has not confirmed yet and the bot's
 * replies that are still being streamed.
 * @module
 */
import type { BotReplyDelta, BotReplyEnd, BotReplyStart, Message, MessageSent } from '@parley/protocol';

/** A reply the agent sent that is not stored yet (or failed). It is shown after the stored messages. */
export interface PendingMessage {
  /** The idempotency key sent with the message; retries reuse it so the server stores the reply once. */
  readonly clientId: string;
  readonly body: string;
  /** When the agent pressed Send (ISO 8601). */
  readonly createdAt: string;
  readonly status: 'sending' | 'failed';
  /** Why the last attempt failed, for people; null while sending. */
  readonly error: string | null;
}

/**
 * A bot reply being streamed (`bot:reply-start`, then `bot:reply-delta`s). It is shown after the stored messages until
 * the stored message with the same id replaces it, or disappears when the reply is cancelled or fails.
 */
export interface BotReplyDraft {
  /** The id the stored message will have. */
  readonly messageId: string;
  readonly author: BotReplyStart['author'];
  /** The text received so far: the deltas, in order. */
  readonly body: string;
  readonly createdAt: string;
  /**
   * `streaming` while deltas arrive; `complete` once `bot:reply-end` said so but `message:created` has not arrived yet
   * (the text is final, so it stays on screen rather than blinking out until the stored copy lands).
   */
  readonly status: 'streaming' | 'complete';
}

/** Messages of one conversation. Never mutated: every function returns a new thread (or the same one if unchanged). */
export interface MessageThread {
  /** Stored messages, each `seq` once, ascending. */
  readonly messages: readonly Message[];
  /** The agent's unconfirmed sends, oldest first. */
  readonly pending: readonly PendingMessage[];
  /** The bot's replies not stored yet, oldest first. Never holds the id of a stored message. */
  readonly botReplies: readonly BotReplyDraft[];
  /** True once the history was fetched from the server at least once. */
  readonly loaded: boolean;
}

/** A thread with nothing in it. */
export const emptyThread: MessageThread = { messages: [], pending: [], botReplies: [], loaded: false };

function removeConfirmedPending(pending: readonly PendingMessage[], messages: readonly Message[]): readonly PendingMessage[] {
  if (pending.length === 0) return pending;
  const confirmed = new Set<string>();
  for (const message of messages) {
    if (message.clientId !== null && message.author.kind === 'agent') confirmed.add(message.clientId);
  }
  if (confirmed.size === 0) return pending;
  const rest = pending.filter((item) => !confirmed.has(item.clientId));
  return rest.length === pending.length ? pending : rest;
}

function removeStoredBotReplies(drafts: readonly BotReplyDraft[], messages: readonly Message[]): readonly BotReplyDraft[] {
  if (drafts.length === 0) return drafts;
  const stored = new Set(messages.map((message) => message.id));
  const rest = drafts.filter((draft) => !stored.has(draft.messageId));
  return rest.length === drafts.length ? drafts : rest;
}

/**
 * Merges `incoming` messages into `thread`: a message whose `id` or `seq` is already held replaces the held copy (the
 * server's copy wins over one built from an ack), the result is sorted by `seq`, and pending sends that now appear as
 * stored agent messages (same `clientId`) and bot drafts that now appear as stored messages (same id) are dropped.
 */
export function mergeMessages(thread: MessageThread, incoming: readonly Message[]): MessageThread {
  if (incoming.length === 0) return thread;
  const held = thread.messages;
  const last = held.at(-1);
  let messages: readonly Message[];
  // The usual case, one new message after the last one held, costs no sort.
  if (incoming.length === 1 && (last === undefined || incoming[0]!.seq > last.seq) && !held.some((m) => m.id === incoming[0]!.id)) {
    messages = [...held, incoming[0]!];
  } else {
    const incomingIds = new Set(incoming.map((message) => message.id));
    const bySeq = new Map<number, Message>();
    for (const message of held) {
      if (!incomingIds.has(message.id)) bySeq.set(message.seq, message);
    }
    for (const message of incoming) bySeq.set(message.seq, message);
    messages = [...bySeq.values()].toSorted((a, b) => a.seq - b.seq);
  }
  return {
    ...thread,
    messages,
    pending: removeConfirmedPending(thread.pending, incoming),
    botReplies: removeStoredBotReplies(thread.botReplies, incoming),
  };
}

/** Marks the thread's history as fetched, merging the first page. */
export function loadMessages(thread: MessageThread, page: readonly Message[]): MessageThread {
  const merged = mergeMessages(thread, page);
  return merged.loaded ? merged : { ...merged, loaded: true };
}

/** Adds a reply that is being sent. */
export function addPending(thread: MessageThread, clientId: string, body: string, createdAt: string): MessageThread {
  const rest = thread.pending.filter((item) => item.clientId !== clientId);
  return { ...thread, pending: [...rest, { clientId, body, createdAt, status: 'sending', error: null }] };
}

/** Marks a pending reply as failed, with a reason people can read. */
export function failPending(thread: MessageThread, clientId: string, error: string): MessageThread {
  if (!thread.pending.some((item) => item.clientId === clientId)) return thread;
  return {
    ...thread,
    pending: thread.pending.map((item) => (item.clientId === clientId ? { ...item, status: 'failed', error } : item)),
  };
}

/** Marks a failed reply as being sent again (with the same `clientId`). */
export function retryPending(thread: MessageThread, clientId: string): MessageThread {
  if (!thread.pending.some((item) => item.clientId === clientId)) return thread;
  return {
    ...thread,
    pending: thread.pending.map((item) => (item.clientId === clientId ? { ...item, status: 'sending', error: null } : item)),
  };
}

/** Drops a pending reply the agent gave up on. */
export function discardPending(thread: MessageThread, clientId: string): MessageThread {
  const pending = thread.pending.filter((item) => item.clientId !== clientId);
  return pending.length === thread.pending.length ? thread : { ...thread, pending };
}

/**
 * Turns a pending reply into a stored message using the send's ack, so it shows in place at once rather than waiting
 * for `message:created`; that event (same `id`) later replaces it. Does nothing if the reply is no longer pending.
 */
export function confirmPending(
  thread: MessageThread,
  clientId: string,
  sent: MessageSent,
  author: Message['author'],
): MessageThread {
  const item = thread.pending.find((pending) => pending.clientId === clientId);
  if (!item) return thread;
  if (thread.messages.some((message) => message.id === sent.id)) return discardPending(thread, clientId);
  const message: Message = {
    id: sent.id,
    conversationId: sent.conversationId,
    seq: sent.seq,
    clientId,
    author,
    body: item.body,
    createdAt: sent.createdAt,
  };
  return mergeMessages(discardPending(thread, clientId), [message]);
}

/**
 * The highest `seq` up to which every message is held. `seq` is gapless and starts at 1, so fetching
 * `afterSeq = syncedSeq(thread)` returns exactly what is missing (plus what was received live, which merging ignores).
 */
export function syncedSeq(thread: MessageThread): number {
  let expected = 1;
  for (const message of thread.messages) {
    if (message.seq !== expected) break;
    expected++;
  }
  return expected - 1;
}

/** True when a message arrived ahead of one still missing, which a sync from {@link syncedSeq} fills. */
export function hasGap(thread: MessageThread): boolean {
  return (thread.messages.at(-1)?.seq ?? 0) > syncedSeq(thread);
}

/**
 * Starts showing a bot reply. Ignored when its message is already stored (`message:created` may overtake the stream's
 * events) or the reply is already shown.
 */
export function startBotReply(thread: MessageThread, start: BotReplyStart): MessageThread {
  const { messageId } = start;
  if (thread.botReplies.some((draft) => draft.messageId === messageId)) return thread;
  if (thread.messages.some((message) => message.id === messageId)) return thread;
  const draft: BotReplyDraft = { messageId, author: start.author, body: '', createdAt: start.createdAt, status: 'streaming' };
  return { ...thread, botReplies: [...thread.botReplies, draft] };
}

/**
 * Appends a delta to a reply being streamed. A delta of a reply not shown is dropped: its start was missed (the console
 * connected or reconnected mid-reply) or the stored message already replaced it, and text without its beginning would
 * be wrong. The stored message shows once the reply is complete.
 */
export function appendBotReply(thread: MessageThread, delta: BotReplyDelta): MessageThread {
  if (delta.delta === '') return thread;
  const index = thread.botReplies.findIndex((draft) => draft.messageId === delta.messageId);
  const draft = thread.botReplies[index];
  if (!draft || draft.status !== 'streaming') return thread;
  const botReplies = thread.botReplies.with(index, { ...draft, body: draft.body + delta.delta });
  return { ...thread, botReplies };
}

/**
 * Ends a reply. `cancelled` and `failed` remove its text, since nothing was stored under its id. `complete` keeps the
 * text until the stored message (which may already have arrived, see {@link mergeMessages}) replaces it.
 */
export function endBotReply(thread: MessageThread, end: BotReplyEnd): MessageThread {
  const index = thread.botReplies.findIndex((draft) => draft.messageId === end.messageId);
  const draft = thread.botReplies[index];
  if (!draft) return thread;
  if (end.status !== 'complete') return { ...thread, botReplies: thread.botReplies.toSpliced(index, 1) };
  if (draft.status === 'complete') return thread;
  return { ...thread, botReplies: thread.botReplies.with(index, { ...draft, status: 'complete' }) };
}

/**
 * Drops the replies still streaming, for when the connection dropped: deltas sent meanwhile are lost, so their text
 * can no longer be trusted. Completed ones stay; the next sync brings their stored message.
 */
export function dropStreamingBotReplies(thread: MessageThread): MessageThread {
  if (!thread.botReplies.some((draft) => draft.status === 'streaming')) return thread;
  return { ...thread, botReplies: thread.botReplies.filter((draft) => draft.status !== 'streaming') };
}
