/**
 * One conversation's messages as the console holds them: pure functions over an immutable {@link MessageThread}.
 * Messages arrive from three places (REST pages, `message:created`, send acks) in any order and more than once; the
 * thread keeps each once, ordered by `seq`, plus the agent's sends that the server has not confirmed yet.
 * @module
 */
import type { Message, MessageSent } from '@parley/protocol';

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

/** Messages of one conversation. Never mutated: every function returns a new thread (or the same one if unchanged). */
export interface MessageThread {
  /** Stored messages, each `seq` once, ascending. */
  readonly messages: readonly Message[];
  /** The agent's unconfirmed sends, oldest first. */
  readonly pending: readonly PendingMessage[];
  /** True once the history was fetched from the server at least once. */
  readonly loaded: boolean;
}

/** A thread with nothing in it. */
export const emptyThread: MessageThread = { messages: [], pending: [], loaded: false };

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

/**
 * Merges `incoming` messages into `thread`: a message whose `id` or `seq` is already held replaces the held copy (the
 * server's copy wins over one built from an ack), the result is sorted by `seq`, and pending sends that now appear as
 * stored agent messages (same `clientId`) are dropped.
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
  return { ...thread, messages, pending: removeConfirmedPending(thread.pending, incoming) };
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
