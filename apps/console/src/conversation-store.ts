/**
 * The inbox as the console holds it: pure functions that merge conversation summaries from REST pages,
 * `conversation:updated`, `message:created` and `conversation:seen`, whichever arrives first.
 * @module
 */
import type { ConversationStatus, ConversationSummary, Message, TicketStatus, VisitorSeen } from '@parley/protocol';

/** Statuses of conversations that still need someone. */
export const openStatuses: ReadonlySet<ConversationStatus> = new Set(['bot', 'queued', 'agent']);

/** Statuses of follow-ups someone must still come back to: the team owes an answer, or waits on the customer. */
export const activeTicketStatuses: ReadonlySet<TicketStatus> = new Set(['open', 'pending']);

/** The instant a conversation last had activity, in milliseconds, for sorting. */
export function activityTime(conversation: ConversationSummary): number {
  return Date.parse(conversation.lastMessageAt ?? conversation.updatedAt);
}

/** Sorts most recent activity first; ties keep the newest conversation first. */
export function sortConversations(conversations: readonly ConversationSummary[]): ConversationSummary[] {
  return conversations.toSorted((a, b) => activityTime(b) - activityTime(a) || Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/**
 * Combines two copies of one conversation that may have been produced in any order. State fields (status, assignee,
 * contact) come from the copy with the later `updatedAt`; the last-message fields come from the copy that has seen
 * more messages (higher `lastSeq`), since a live `message:created` can be newer than a summary fetched just before.
 */
export function mergeSummary(held: ConversationSummary, incoming: ConversationSummary): ConversationSummary {
  const state = Date.parse(incoming.updatedAt) >= Date.parse(held.updatedAt) ? incoming : held;
  const activity = incoming.lastSeq >= held.lastSeq ? incoming : held;
  // Only ever rises, and a live `conversation:seen` does not touch `updatedAt`: the higher of the two.
  const visitorSeenSeq = Math.max(held.visitorSeenSeq, incoming.visitorSeenSeq);
  if (state === activity && state.visitorSeenSeq === visitorSeenSeq) return state;
  return {
    ...state,
    lastSeq: activity.lastSeq,
    lastMessage: activity.lastMessage,
    lastMessageAt: activity.lastMessageAt,
    visitorSeenSeq,
  };
}

/**
 * Applies the agents' `conversation:seen` (the visitor read further) to its conversation's summary; the list unchanged
 * when the conversation is unknown or the summary has seen as much already.
 */
export function applyVisitorSeen(
  conversations: readonly ConversationSummary[],
  { conversationId, visitorSeenSeq }: VisitorSeen,
): readonly ConversationSummary[] {
  const held = conversations.find((conversation) => conversation.id === conversationId);
  if (!held || held.visitorSeenSeq >= visitorSeenSeq) return conversations;
  return conversations.map((conversation) => (conversation === held ? { ...held, visitorSeenSeq } : conversation));
}

/** Inserts or merges each of `incoming` into `conversations` and returns the list sorted by activity. */
export function upsertConversations(
  conversations: readonly ConversationSummary[],
  incoming: readonly ConversationSummary[],
): ConversationSummary[] {
  const byId = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  for (const conversation of incoming) {
    const held = byId.get(conversation.id);
    byId.set(conversation.id, held ? mergeSummary(held, conversation) : conversation);
  }
  return sortConversations([...byId.values()]);
}

/**
 * Applies a live message to its conversation's summary (preview, `lastSeq`, time, `waitingSince`). Returns the list
 * unchanged when the conversation is unknown (a `conversation:updated` or a list refresh will bring it) or the message
 * is not newer.
 */
export function applyMessage(conversations: readonly ConversationSummary[], message: Message): readonly ConversationSummary[] {
  const held = conversations.find((conversation) => conversation.id === message.conversationId);
  if (!held || message.seq <= held.lastSeq) return conversations;
  const { kind } = message.author;
  const updated: ConversationSummary = {
    ...held,
    lastSeq: message.seq,
    lastMessage: { body: message.body, authorKind: kind },
    lastMessageAt: message.createdAt,
    // As the server keeps it: a visitor's message starts the wait, an agent's or the bot's answers it.
    waitingSince: kind === 'visitor' ? (held.waitingSince ?? message.createdAt) : kind === 'system' ? held.waitingSince : null,
  };
  return sortConversations(conversations.map((conversation) => (conversation === held ? updated : conversation)));
}
