import { describe, expect, it } from 'vitest';
import { agent, summary, ticket } from './__fixtures__/factories.js';
import { consoleReducer, initialConsoleState, type ConsoleAction, type ConsoleState } from './console-state.js';
import { defaultInboxQuery, inView, listQueryOf, matchesFilters, sortInbox, visibleConversations, type InboxQuery } from './inbox.js';

function run(actions: ConsoleAction[], state: ConsoleState = initialConsoleState()): ConsoleState {
  return actions.reduce(consoleReducer, state);
}

const shown = (state: ConsoleState) =>
  visibleConversations(state.conversations, state.inbox, agent.id).map((conversation) => conversation.id);

const query = (change: Partial<InboxQuery>): InboxQuery => ({ ...defaultInboxQuery, ...change });

describe('inbox views', () => {
  it('tells which view a conversation belongs to, as the server does', () => {
    const mine = summary({ status: 'agent', assignee: { id: agent.id, name: agent.name } });
    const theirs = summary({ status: 'agent', assignee: { id: 'someone-else', name: 'Zoe' } });
    const followUp = summary({ status: 'queued', ticket: ticket() });
    const resolvedFollowUp = summary({ status: 'resolved', ticket: ticket({ status: 'resolved' }) });
    const views = (conversation: typeof mine) =>
      (['mine', 'unassigned', 'open', 'follow_ups', 'resolved'] as const).filter((view) => inView(conversation, view, agent.id));
    expect(views(mine)).toEqual(['mine', 'open']);
    expect(views(theirs)).toEqual(['open']);
    expect(views(followUp)).toEqual(['unassigned', 'open', 'follow_ups']);
    expect(views(resolvedFollowUp)).toEqual(['resolved']);
    expect(views(summary({ status: 'closed' }))).toEqual(['resolved']);
    expect(views(summary({ status: 'bot' }))).toEqual(['open']);
  });

  it('asks the server for the view, the trimmed search, the filters set, the order and the cursor', () => {
    expect(listQueryOf(defaultInboxQuery, 50)).toEqual({ view: 'open', sort: 'recent', limit: 50 });
    expect(
      listQueryOf(query({ view: 'mine', q: ' kettle ', status: 'agent', teamId: 't', widgetId: 'w', sort: 'waiting' }), 10, 'next'),
    ).toEqual({
      view: 'mine',
      q: 'kettle',
      status: 'agent',
      teamId: 't',
      widgetId: 'w',
      sort: 'waiting',
      limit: 10,
      cursor: 'next',
    });
  });

  it('keeps a conversation heard of live only when it is in the status filtered by', () => {
    const waiting = summary({ id: 'waiting', status: 'queued' });
    const open = summary({ id: 'open', status: 'agent' });
    const filtered = query({ view: 'open', status: 'queued' });
    expect([waiting, open].filter((conversation) => matchesFilters(conversation, filtered, 'me')).map(({ id }) => id)).toEqual(['waiting']);
    expect(matchesFilters(open, query({ view: 'open' }), 'me')).toBe(true);
  });

  it('sorts by waiting time: waiting conversations first, the longest waiting first, then the longest idle', () => {
    const conversations = [
      summary({ id: 'idle-recent', updatedAt: '2025-01-03T00:00:00.000Z' }),
      summary({ id: 'waiting-short', waitingSince: '2025-01-02T00:00:00.000Z' }),
      summary({ id: 'idle-old', updatedAt: '2025-01-01T00:00:00.000Z' }),
      summary({ id: 'waiting-long', waitingSince: '2025-01-01T00:00:00.000Z' }),
    ];
    expect(sortInbox(conversations, 'waiting').map((conversation) => conversation.id)).toEqual([
      'waiting-long',
      'waiting-short',
      'idle-old',
      'idle-recent',
    ]);
  });
});

describe('inbox listing', () => {
  it('shows the pages listed for the query and adds a next page to them', () => {
    const first = run([
      {
        type: 'list-loaded',
        conversations: [
          summary({ id: 'a', updatedAt: '2025-01-03T00:00:00.000Z' }),
          summary({ id: 'b', updatedAt: '2025-01-02T00:00:00.000Z' }),
        ],
        nextCursor: 'next',
      },
    ]);
    expect(shown(first)).toEqual(['a', 'b']);
    expect(first.inbox.nextCursor).toBe('next');
    const loading = consoleReducer(first, { type: 'more-requested' });
    expect(loading.inbox.loadingMore).toBe(true);
    const second = consoleReducer(loading, {
      type: 'list-loaded',
      conversations: [summary({ id: 'c', updatedAt: '2025-01-01T00:00:00.000Z' })],
      nextCursor: null,
      append: true,
    });
    expect(shown(second)).toEqual(['a', 'b', 'c']);
    expect(second.inbox).toMatchObject({ nextCursor: null, loadingMore: false });
  });

  it('adds a conversation heard of live when it fits the view, and drops a listed one that no longer does', () => {
    const listed = run([{ type: 'list-loaded', conversations: [summary({ id: 'queued', status: 'queued' })], nextCursor: null }]);
    // The console starts on "All open": a new conversation in the queue joins it, a resolved one does not.
    const joined = run(
      [
        { type: 'conversation-updated', conversation: summary({ id: 'new', status: 'queued', updatedAt: '2025-01-05T00:00:00.000Z' }) },
        { type: 'conversation-updated', conversation: summary({ id: 'done', status: 'resolved' }) },
      ],
      listed,
    );
    expect(shown(joined)).toEqual(['new', 'queued']);
    const resolved = consoleReducer(joined, {
      type: 'conversation-updated',
      conversation: summary({ id: 'queued', status: 'resolved', updatedAt: '2025-01-06T00:00:00.000Z' }),
    });
    expect(shown(resolved)).toEqual(['new']);
  });

  it('keeps to the team and widget filters, and with a search shows only what the server found', () => {
    const filtered = run([
      { type: 'inbox-changed', query: query({ teamId: 'billing', widgetId: 'shop' }) },
      {
        type: 'list-loaded',
        conversations: [summary({ id: 'billing', team: { id: 'billing', name: 'Billing' }, widgetId: 'shop' })],
        nextCursor: null,
      },
      { type: 'conversation-updated', conversation: summary({ id: 'other-team', team: { id: 'sales', name: 'Sales' }, widgetId: 'shop' }) },
      {
        type: 'conversation-updated',
        conversation: summary({ id: 'other-widget', team: { id: 'billing', name: 'Billing' }, widgetId: 'blog' }),
      },
    ]);
    expect(shown(filtered)).toEqual(['billing']);

    const searched = run([
      { type: 'inbox-changed', query: query({ q: 'kettle' }) },
      { type: 'list-loaded', conversations: [summary({ id: 'found' })], nextCursor: null },
      { type: 'conversation-updated', conversation: summary({ id: 'unknown-match', updatedAt: '2025-01-09T00:00:00.000Z' }) },
    ]);
    expect(shown(searched)).toEqual(['found']);
  });

  it('starts over when the query changes, and forgets what was heard of live', () => {
    const state = run([
      { type: 'list-loaded', conversations: [summary({ id: 'a' })], nextCursor: 'next' },
      { type: 'conversation-updated', conversation: summary({ id: 'live' }) },
      { type: 'inbox-changed', query: query({ view: 'resolved' }) },
    ]);
    expect(state.listStatus).toBe('loading');
    expect(state.inbox).toMatchObject({ query: { view: 'resolved' }, nextCursor: null });
    expect(state.inbox.listed.size + state.inbox.live.size).toBe(0);
    expect(shown(state)).toEqual([]);
  });
});
