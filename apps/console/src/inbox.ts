/**
 * The inbox's query (view, search, filters, order) and which conversations it shows: what the server listed for the
 * query, page after page, and what was heard of live since that still fits the view. Pure functions.
 * @module
 */
import type { ConversationListQuery, ConversationStatus, ConversationSummary, InboxCounts, InboxSort, InboxView } from '@parley/protocol';
import { activeTicketStatuses, activityTime, openStatuses } from './conversation-store.js';

/** What the agent asked the inbox for. */
export interface InboxQuery {
  view: InboxView;
  /** The search text as typed; blank: no search. */
  q: string;
  /** Only conversations in this state, within the view; null: any. */
  status: ConversationStatus | null;
  teamId: string | null;
  widgetId: string | null;
  sort: InboxSort;
}

/** The inbox as first shown: every open conversation, the latest change first. */
export const defaultInboxQuery: InboxQuery = { view: 'open', q: '', status: null, teamId: null, widgetId: null, sort: 'recent' };

/** The views, in the order of their tabs, with their labels and the count that goes with each. */
export const inboxViews: ReadonlyArray<{ view: InboxView; label: string; count: keyof InboxCounts }> = [
  { view: 'mine', label: 'Mine', count: 'mine' },
  { view: 'unassigned', label: 'Unassigned', count: 'unassigned' },
  { view: 'open', label: 'All open', count: 'open' },
  { view: 'follow_ups', label: 'Follow-ups', count: 'followUps' },
  { view: 'resolved', label: 'Resolved', count: 'resolved' },
];

/** The states the agent can filter by, in the order of a conversation's life. */
export const inboxStatuses: readonly ConversationStatus[] = ['bot', 'queued', 'agent', 'resolved', 'closed'];

/** The orders the agent can pick. */
export const inboxSorts: ReadonlyArray<{ sort: InboxSort; label: string }> = [
  { sort: 'recent', label: 'Recent' },
  { sort: 'waiting', label: 'Waiting longest' },
];

/** The query string of `GET /api/conversations` for `query` (and the next page's `cursor`). */
export function listQueryOf(query: InboxQuery, limit: number, cursor?: string | null): ConversationListQuery {
  const q = query.q.trim();
  return {
    view: query.view,
    sort: query.sort,
    limit,
    ...(q && { q }),
    ...(query.status && { status: query.status }),
    ...(query.teamId && { teamId: query.teamId }),
    ...(query.widgetId && { widgetId: query.widgetId }),
    ...(cursor && { cursor }),
  };
}

/** True when the two queries ask for the same list. */
export function sameInboxQuery(a: InboxQuery, b: InboxQuery): boolean {
  return (
    a.view === b.view &&
    a.q.trim() === b.q.trim() &&
    a.status === b.status &&
    a.teamId === b.teamId &&
    a.widgetId === b.widgetId &&
    a.sort === b.sort
  );
}

/** Whether a conversation belongs to `view`, as the server decides it (see `inboxViewSchema`). */
export function inView(conversation: ConversationSummary, view: InboxView, agentId: string): boolean {
  switch (view) {
    case 'mine':
      return conversation.status === 'agent' && conversation.assignee?.id === agentId;
    case 'unassigned':
      return conversation.status === 'queued';
    case 'open':
      return openStatuses.has(conversation.status);
    case 'follow_ups':
      return conversation.ticket !== null && activeTicketStatuses.has(conversation.ticket.status);
    case 'resolved':
      return !openStatuses.has(conversation.status);
  }
}

/** Whether a conversation passes the view and filters of `query` (the search can only be checked by the server). */
export function matchesFilters(conversation: ConversationSummary, query: InboxQuery, agentId: string): boolean {
  if (!inView(conversation, query.view, agentId)) return false;
  if (query.status !== null && conversation.status !== query.status) return false;
  if (query.teamId !== null && conversation.team?.id !== query.teamId) return false;
  return query.widgetId === null || conversation.widgetId === query.widgetId;
}

/** The instant a conversation's visitor started waiting, or null when nobody owes them an answer. */
function waitingTime(conversation: ConversationSummary): number | null {
  return conversation.waitingSince === null ? null : Date.parse(conversation.waitingSince);
}

/**
 * Sorts as the server does: `recent`, the latest activity first; `waiting`, the conversations whose visitor waits
 * first, the longest waiting first, then the others, the longest idle first.
 */
export function sortInbox(conversations: readonly ConversationSummary[], sort: InboxSort): ConversationSummary[] {
  if (sort === 'recent') {
    return conversations.toSorted((a, b) => activityTime(b) - activityTime(a) || Date.parse(b.createdAt) - Date.parse(a.createdAt));
  }
  return conversations.toSorted((a, b) => {
    const waitingA = waitingTime(a);
    const waitingB = waitingTime(b);
    if ((waitingA === null) !== (waitingB === null)) return waitingA === null ? 1 : -1;
    const timeA = waitingA ?? Date.parse(a.updatedAt);
    const timeB = waitingB ?? Date.parse(b.updatedAt);
    return timeA - timeB || a.id.localeCompare(b.id);
  });
}

/**
 * The conversations the inbox shows for `query`: those the server listed for it (every page loaded), and those heard
 * of live since (`live`) that now fit its view and filters; listed ones that no longer fit leave. With a search, only
 * listed conversations show: the console cannot tell whether another one matches.
 */
export function visibleConversations(
  conversations: readonly ConversationSummary[],
  listing: { query: InboxQuery; listed: ReadonlySet<string>; live: ReadonlySet<string> },
  agentId: string,
): ConversationSummary[] {
  const searching = listing.query.q.trim() !== '';
  const shown = conversations.filter(
    (conversation) =>
      (listing.listed.has(conversation.id) || (!searching && listing.live.has(conversation.id))) &&
      matchesFilters(conversation, listing.query, agentId),
  );
  return sortInbox(shown, listing.query.sort);
}
