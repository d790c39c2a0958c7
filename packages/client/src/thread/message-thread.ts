/**
 * One conversation's messages as a UI holds them: pure functions over an immutable {@link MessageThread}. Messages
 * arrive from several places (sync pages, `message:created`, send acks) in any order and more than once; the thread
 * keeps each once, ordered by `seq`, knows up to which `seq` it holds every message (where a sync resumes), and holds
 * the sends the server has not confirmed yet and the bot's replies that are still being streamed.
 *
 * The agent console keeps one per conversation in its state; the visitor SDK's message store wraps one.
 * @module
 */
import type { BotReplyDelta, BotReplyEnd, BotReplyStart, Message, MessageSent } from '@parley/protocol';
import { appendBotDraft, endBotDraft, retainBotDrafts, startBotDraft, type BotDraft } from './bot-draft.js';

/**
 * A reply the agent sent that is not stored yet (or failed). It is shown after the stored messages, and leaves when the
 * stored agent message with its `clientId` arrives. (The visitor SDK keeps its own sends in a persisted outbox.)
 */
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

/** Messages of one conversation. Never mutated: every function returns a new thread (or the same one if unchanged). */
export interface MessageThread {
  /**
   * Held messages, each `seq` once, ascending. Includes messages that arrived ahead of a gap (`seq > lastSeq`); a UI
   * that shows only the gapless run shows those up to `lastSeq`.
   */
  readonly messages: readonly Message[];
  /**
   * The highest `seq` up to which every message is held (or given up on, see {@link skipGaps}): a sync asks for the
   * messages after it. `seq` is gapless and starts at 1.
   */
  readonly lastSeq: number;
  /** The agent's unconfirmed sends, oldest first. */
  readonly pending: readonly PendingMessage[];
  /** The bot's replies not stored yet, oldest first. Never holds the id of a stored message. */
  readonly botReplies: readonly BotDraft[];
  /** True once the history was fetched from the server at least once. */
  readonly loaded: boolean;
}

/** A thread with nothing in it. */
export const emptyThread: MessageThread = { messages: [], lastSeq: 0, pending: [], botReplies: [], loaded: false };

/**
 * Puts `message` in its place in `messages` (sorted by `seq`), returning the same array when nothing changes. A held copy
 * with the same id is replaced by a different incoming one, unless the incoming one was built from an ack; a different
 * message at a held `seq` is ignored, and so is a message at or below `lastSeq` that is not held: the thread moved past
 * it (see {@link skipGaps}). The server gives a message its `seq` once, so its copies are looked for at that `seq`.
 */
function placeMessage(messages: readonly Message[], lastSeq: number, message: Message, fromAck: boolean): readonly Message[] {
  // From the end: the usual message is the newest, and goes last at once.
  let index = messages.length;
  while (index > 0 && messages[index - 1]!.seq > message.seq) index--;
  const held = messages[index - 1];
  if (held?.seq === message.seq) {
    // Copies of one message from one server serialise alike: a copy equal to the held one changes nothing.
    if (held.id !== message.id || fromAck || JSON.stringify(held) === JSON.stringify(message)) return messages;
    return messages.map((candidate) => (candidate === held ? message : candidate));
  }
  return message.seq <= lastSeq ? messages : [...messages.slice(0, index), message, ...messages.slice(index)];
}

/**
 * Adds messages to a thread's `messages` and moves `lastSeq` over those that follow it without a gap, leaving pending
 * sends and bot drafts alone (see {@link mergeMessages} for the rules). Returns the same thread when nothing changed.
 * The SDK's message store uses this: it keeps its sends in a persisted outbox and its drafts apart.
 *
 * @example
 * ```ts
 * let held = addMessages(emptyThread, [message])
 * held = addMessages(held, [fromAck], true) // a copy built from a send's ack never replaces the server's
 * ```
 */
export function addMessages<T extends Pick<MessageThread, 'messages' | 'lastSeq'>>(
  thread: T,
  incoming: readonly Message[],
  fromAck = false,
): T {
  let messages = thread.messages;
  for (const message of incoming) messages = placeMessage(messages, thread.lastSeq, message, fromAck);
  if (messages === thread.messages) return thread;
  let lastSeq = thread.lastSeq;
  for (let index = messages.findIndex((message) => message.seq > lastSeq); messages[index]?.seq === lastSeq + 1; index++) {
    lastSeq++;
  }
  return { ...thread, messages, lastSeq };
}

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

function removeStoredBotReplies(drafts: readonly BotDraft[], messages: readonly Message[]): readonly BotDraft[] {
  if (drafts.length === 0) return drafts;
  const stored = new Set(messages.map((message) => message.id));
  return retainBotDrafts(drafts, (draft) => !stored.has(draft.messageId));
}

/**
 * Merges `incoming` messages from the server into `thread`: each is put at its `seq`; a held copy with the same `id`
 * is replaced by a different incoming one (the server's copy wins over one built from an ack), while a different
 * message at a held `seq` changes nothing. Pending sends that now appear as stored agent messages (same `clientId`)
 * and bot drafts that now appear as stored messages (same id) are dropped. Returns the same thread when nothing
 * changed, so a message received twice (live and in a sync page) costs no update.
 *
 * @example
 * ```ts
 * thread = mergeMessages(thread, page.messages)
 * if (hasGap(thread)) sync(syncedSeq(thread))
 * ```
 */
export function mergeMessages(thread: MessageThread, incoming: readonly Message[]): MessageThread {
  const next = addMessages(thread, incoming);
  const pending = removeConfirmedPending(thread.pending, incoming);
  const botReplies = removeStoredBotReplies(thread.botReplies, incoming);
  return pending === next.pending && botReplies === next.botReplies ? next : { ...next, pending, botReplies };
}

/**
 * Adds a message built from a send's ack (`{ id, seq, createdAt }` and what was sent), so it shows at once rather than
 * when `message:created` arrives. Unlike {@link mergeMessages} it never replaces anything: the server's own copy (same
 * id) wins whichever of the two arrives first.
 *
 * @example
 * ```ts
 * thread = mergeSentMessage(thread, { id, conversationId, seq, clientId, author, body, createdAt })
 * ```
 */
export function mergeSentMessage(thread: MessageThread, message: Message): MessageThread {
  return addMessages(thread, [message], true);
}

/**
 * Marks the thread's history as fetched, merging the first page.
 *
 * @example
 * ```ts
 * thread = loadMessages(thread, (await api.listMessages(conversationId)).messages)
 * ```
 */
export function loadMessages(thread: MessageThread, page: readonly Message[]): MessageThread {
  const merged = mergeMessages(thread, page);
  return merged.loaded ? merged : { ...merged, loaded: true };
}

/**
 * Adds a reply that is being sent.
 *
 * @example
 * ```ts
 * thread = addPending(thread, clientId, 'On it!', new Date().toISOString())
 * ```
 */
export function addPending(thread: MessageThread, clientId: string, body: string, createdAt: string): MessageThread {
  const rest = thread.pending.filter((item) => item.clientId !== clientId);
  return { ...thread, pending: [...rest, { clientId, body, createdAt, status: 'sending', error: null }] };
}

/**
 * Marks a pending reply as failed, with a reason people can read.
 *
 * @example
 * ```ts
 * thread = failPending(thread, clientId, 'Too many requests; slow down and try again.')
 * ```
 */
export function failPending(thread: MessageThread, clientId: string, error: string): MessageThread {
  if (!thread.pending.some((item) => item.clientId === clientId)) return thread;
  return {
    ...thread,
    pending: thread.pending.map((item) => (item.clientId === clientId ? { ...item, status: 'failed', error } : item)),
  };
}

/**
 * Marks a failed reply as being sent again (with the same `clientId`).
 *
 * @example
 * ```ts
 * thread = retryPending(thread, clientId)
 * ```
 */
export function retryPending(thread: MessageThread, clientId: string): MessageThread {
  if (!thread.pending.some((item) => item.clientId === clientId)) return thread;
  return {
    ...thread,
    pending: thread.pending.map((item) => (item.clientId === clientId ? { ...item, status: 'sending', error: null } : item)),
  };
}

/**
 * Drops a pending reply the agent gave up on.
 *
 * @example
 * ```ts
 * thread = discardPending(thread, clientId)
 * ```
 */
export function discardPending(thread: MessageThread, clientId: string): MessageThread {
  const pending = thread.pending.filter((item) => item.clientId !== clientId);
  return pending.length === thread.pending.length ? thread : { ...thread, pending };
}

/**
 * Turns a pending reply into a stored message using the send's ack, so it shows in place at once rather than waiting
 * for `message:created`; that event (same `id`) later replaces it (see {@link mergeSentMessage}). Does nothing if the
 * reply is no longer pending.
 *
 * @example
 * ```ts
 * thread = confirmPending(thread, clientId, sent, { kind: 'agent', id: agent.id, name: agent.name })
 * ```
 */
export function confirmPending(thread: MessageThread, clientId: string, sent: MessageSent, author: Message['author']): MessageThread {
  const item = thread.pending.find((pending) => pending.clientId === clientId);
  if (!item) return thread;
  const message: Message = {
    id: sent.id,
    conversationId: sent.conversationId,
    seq: sent.seq,
    clientId,
    author,
    body: item.body,
    createdAt: sent.createdAt,
  };
  return mergeSentMessage(discardPending(thread, clientId), message);
}

/**
 * The highest `seq` up to which every message is held: fetching `afterSeq = syncedSeq(thread)` returns exactly what is
 * missing (plus what was received live, which merging ignores).
 *
 * @example
 * ```ts
 * const page = await api.listMessages(conversationId, { afterSeq: syncedSeq(thread) })
 * ```
 */
export function syncedSeq(thread: MessageThread): number {
  return thread.lastSeq;
}

/**
 * True when a message arrived ahead of one still missing, which a sync from {@link syncedSeq} fills.
 *
 * @example
 * ```ts
 * if (hasGap(thread)) sync(conversationId)
 * ```
 */
export function hasGap(thread: Pick<MessageThread, 'messages' | 'lastSeq'>): boolean {
  return (thread.messages.at(-1)?.seq ?? 0) > thread.lastSeq;
}

/**
 * Gives up on the messages a sync could not bring (the server no longer has them): moves `lastSeq` past every held
 * message, so what waited behind the gap counts as held and a message still missing is ignored if it comes after all.
 *
 * @example
 * ```ts
 * thread = skipGaps(thread)
 * ```
 */
export function skipGaps<T extends Pick<MessageThread, 'messages' | 'lastSeq'>>(thread: T): T {
  return hasGap(thread) ? { ...thread, lastSeq: thread.messages.at(-1)!.seq } : thread;
}

/**
 * Starts showing a bot reply. Ignored when its message is already stored (`message:created` may overtake the stream's
 * events) or the reply is already shown.
 *
 * @example
 * ```ts
 * socket.on('bot:reply-start', (start) => (thread = startBotReply(thread, start)))
 * ```
 */
export function startBotReply(thread: MessageThread, start: BotReplyStart): MessageThread {
  const botReplies = startBotDraft(thread.botReplies, start, (messageId) => thread.messages.some((message) => message.id === messageId));
  return botReplies === thread.botReplies ? thread : { ...thread, botReplies };
}

/**
 * Appends a delta to a reply being streamed. A delta of a reply not shown is dropped: its start was missed (connected
 * or reconnected mid-reply) or the stored message already replaced it, and text without its beginning would be wrong.
 * The stored message shows once the reply is complete.
 *
 * @example
 * ```ts
 * socket.on('bot:reply-delta', (delta) => (thread = appendBotReply(thread, delta)))
 * ```
 */
export function appendBotReply(thread: MessageThread, delta: BotReplyDelta): MessageThread {
  const botReplies = appendBotDraft(thread.botReplies, delta);
  return botReplies === thread.botReplies ? thread : { ...thread, botReplies };
}

/**
 * Ends a reply. `cancelled` and `failed` remove its text, since nothing was stored under its id. `complete` keeps the
 * text until the stored message (which may already have arrived, see {@link mergeMessages}) replaces it.
 *
 * @example
 * ```ts
 * socket.on('bot:reply-end', (end) => (thread = endBotReply(thread, end)))
 * ```
 */
export function endBotReply(thread: MessageThread, end: BotReplyEnd): MessageThread {
  const botReplies = endBotDraft(thread.botReplies, end, (messageId) => thread.messages.some((message) => message.id === messageId));
  return botReplies === thread.botReplies ? thread : { ...thread, botReplies };
}

/**
 * Drops the replies still streaming, for when the connection dropped: deltas sent meanwhile are lost, so their text
 * can no longer be trusted. Completed ones stay; the next sync brings their stored message.
 *
 * @example
 * ```ts
 * socket.on('disconnect', () => (thread = dropStreamingBotReplies(thread)))
 * ```
 */
export function dropStreamingBotReplies(thread: MessageThread): MessageThread {
  const botReplies = retainBotDrafts(thread.botReplies, (draft) => !draft.streaming);
  return botReplies === thread.botReplies ? thread : { ...thread, botReplies };
}
