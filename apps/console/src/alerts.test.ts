import type { ConversationSummary } from '@parley/protocol';
import { describe, expect, it, vi } from 'vitest';
import { agent, message, summary } from './__fixtures__/factories.js';
import {
  alertFor,
  attentionCount,
  createAlerter,
  nextWaitingConversation,
  pageTitle,
  preview,
  SOUND_GAP_MS,
  type Alert,
  type NotificationAccess,
} from './alerts.js';
import type { LiveEvent } from './console-controller.js';
import { consoleReducer, initialConsoleState, type ConsoleState } from './console-state.js';

const me = { id: agent.id, name: agent.name };
const colleague = { id: 'user-2', name: 'Zoe' };

const mine = (overrides: Partial<ConversationSummary> = {}) => summary({ status: 'agent', assignee: me, lastSeq: 2, ...overrides });

function stateWith(conversations: ConversationSummary[], extra: Partial<ConsoleState> = {}): ConsoleState {
  return { ...consoleReducer(initialConsoleState(), { type: 'list-loaded', conversations }), ...extra };
}

const context = { agentId: agent.id, openId: null, pageVisible: true };

describe('page title', () => {
  it('counts my conversations with unread visitor messages and the unassigned queue', () => {
    const state = stateWith(
      [
        mine({ id: 'a', unreadCount: 2 }),
        mine({ id: 'b', unreadCount: 0 }),
        summary({ id: 'c', status: 'agent', assignee: colleague, unreadCount: 4 }),
        summary({ id: 'd', status: 'queued' }),
      ],
      { counts: { mine: 2, unassigned: 3, open: 6, followUps: 0, resolved: 0 } },
    );
    // a (unread, mine) + the 3 the server counts as unassigned; c is a colleague's.
    expect(attentionCount(state, agent.id)).toBe(4);
    // Before the server's counts: the queued ones held.
    expect(attentionCount({ ...state, counts: null }, agent.id)).toBe(2);
    // The conversation on screen is read.
    expect(attentionCount({ ...state, openId: 'a', counts: null }, agent.id)).toBe(1);
  });

  it('is the plain title when nothing waits', () => {
    expect(pageTitle(0)).toBe('Parley Console');
    expect(pageTitle(3)).toBe('(3) Parley Console');
    expect(attentionCount(initialConsoleState(), agent.id)).toBe(0);
  });
});

function updated(conversation: ConversationSummary, previous: ConversationSummary | undefined, own = false): LiveEvent {
  return { type: 'conversation:updated', conversation, previous, own, state: stateWith([conversation]) };
}

function created(seq: number, conversation: ConversationSummary, author: 'visitor' | 'agent' | 'bot' = 'visitor'): LiveEvent {
  const previous = { ...conversation, lastSeq: seq - 1 };
  const state = consoleReducer(stateWith([previous]), {
    type: 'message-created',
    message: message(seq, {
      conversationId: conversation.id,
      author: { kind: author, id: null, name: null },
      body: `  Hello\n  there ${seq}`,
    }),
  });
  return {
    type: 'message:created',
    message: message(seq, {
      conversationId: conversation.id,
      author: { kind: author, id: null, name: null },
      body: `  Hello\n  there ${seq}`,
    }),
    previous,
    state,
  };
}

describe('alertFor', () => {
  it('alerts when a conversation becomes mine, with the contact and the last message', () => {
    const queued = summary({ id: 'c1', status: 'queued', lastMessage: { body: 'My kettle leaks', authorKind: 'visitor' } });
    const assigned = { ...queued, status: 'agent' as const, assignee: me };
    expect(alertFor(updated(assigned, queued), context)).toEqual({
      kind: 'assigned',
      conversationId: 'c1',
      title: 'Ada Lovelace',
      body: 'Assigned to you: My kettle leaks',
    });
    // Unknown before (not loaded yet): still new to the agent.
    expect(alertFor(updated(assigned, undefined), context)?.kind).toBe('assigned');
  });

  it("doesn't alert for the agent's own change, for one that was mine already, or one given to someone else", () => {
    const queued = summary({ id: 'c1', status: 'queued' });
    const assigned = { ...queued, status: 'agent' as const, assignee: me };
    expect(alertFor(updated(assigned, queued, true), context)).toBeNull();
    expect(alertFor(updated({ ...assigned, updatedAt: '2025-02-01T00:00:00.000Z' }, assigned), context)).toBeNull();
    expect(alertFor(updated({ ...queued, status: 'agent', assignee: colleague }, queued), context)).toBeNull();
    expect(alertFor(updated({ ...assigned, status: 'resolved' }, queued), context)).toBeNull();
  });

  it("alerts for a visitor's new message in one of mine, unless it is on screen in a visible tab", () => {
    const conversation = mine({ id: 'c2', contact: { id: 'k', name: null, email: null } });
    expect(alertFor(created(3, conversation), context)).toEqual({
      kind: 'message',
      conversationId: 'c2',
      // Named as the inbox's row names an anonymous contact.
      title: 'Visitor k',
      body: 'Hello there 3',
    });
    expect(alertFor(created(3, conversation), { ...context, openId: 'c2' })).toBeNull();
    // Open, but in a hidden tab: alerted.
    expect(alertFor(created(3, conversation), { ...context, openId: 'c2', pageVisible: false })?.kind).toBe('message');
  });

  it("doesn't alert for the agent's own or the bot's messages, a colleague's conversation, or a message heard before", () => {
    expect(alertFor(created(3, mine({ id: 'c2' }), 'agent'), context)).toBeNull();
    expect(alertFor(created(3, mine({ id: 'c2' }), 'bot'), context)).toBeNull();
    expect(alertFor(created(3, summary({ id: 'c3', status: 'agent', assignee: colleague })), context)).toBeNull();
    expect(alertFor(created(3, summary({ id: 'c4', status: 'queued' })), context)).toBeNull();
    const event = created(3, mine({ id: 'c2' }));
    expect(alertFor({ ...event, previous: mine({ id: 'c2', lastSeq: 3 }) } as LiveEvent, context)).toBeNull();
  });

  it('previews one line of at most 120 characters', () => {
    expect(preview(' a\n\n b ')).toBe('a b');
    const long = preview('😀'.repeat(200));
    expect([...long]).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });
});

function fakeNotifications(permission: NotificationPermission) {
  const shown: Array<{ title: string; body: string; tag: string; click: () => void }> = [];
  const access: NotificationAccess = {
    permission,
    requestPermission: vi.fn(() => Promise.resolve(permission)),
    show: (title, options, onClick) => shown.push({ title, ...options, click: onClick }),
  };
  return { access, shown };
}

const alert: Alert = { kind: 'message', conversationId: 'c2', title: 'Ada', body: 'Hello' };

describe('createAlerter', () => {
  it('plays the sound and shows the notification as the preferences say, and opens the conversation on a click', () => {
    const sound = { play: vi.fn(), unlock: vi.fn(), close: vi.fn() };
    const { access, shown } = fakeNotifications('granted');
    const opened: string[] = [];
    let time = 0;
    const alerter = createAlerter({ sound, notifications: access, openConversation: (id) => opened.push(id), now: () => time });

    alerter.deliver(alert, { sound: true, desktopNotifications: false });
    expect(sound.play).toHaveBeenCalledTimes(1);
    expect(shown).toEqual([]);

    time += SOUND_GAP_MS;
    alerter.deliver(alert, { sound: false, desktopNotifications: true });
    expect(sound.play).toHaveBeenCalledTimes(1);
    expect(shown).toEqual([{ title: 'Ada', body: 'Hello', tag: 'c2', click: expect.any(Function) }]);
    shown[0]!.click();
    expect(opened).toEqual(['c2']);
    // Never asks for permission by itself.
    expect(access.requestPermission).not.toHaveBeenCalled();
  });

  it('beeps once for a burst', () => {
    const sound = { play: vi.fn(), unlock: vi.fn(), close: vi.fn() };
    let time = 0;
    const alerter = createAlerter({ sound, notifications: null, openConversation: () => {}, now: () => time });
    alerter.deliver(alert, { sound: true, desktopNotifications: true });
    time += 200;
    alerter.deliver(alert, { sound: true, desktopNotifications: true });
    expect(sound.play).toHaveBeenCalledTimes(1);
    time += SOUND_GAP_MS;
    alerter.deliver(alert, { sound: true, desktopNotifications: true });
    expect(sound.play).toHaveBeenCalledTimes(2);
  });

  it.each(['default', 'denied'] as const)('shows no notification while the permission is %s, and does not ask', (permission) => {
    const { access, shown } = fakeNotifications(permission);
    const alerter = createAlerter({ sound: null, notifications: access, openConversation: () => {} });
    alerter.deliver(alert, { sound: true, desktopNotifications: true });
    expect(shown).toEqual([]);
    expect(access.requestPermission).not.toHaveBeenCalled();
  });
});

describe('nextWaitingConversation', () => {
  const conversations = [
    summary({ id: 'queued-late', status: 'queued', waitingSince: '2025-01-01T12:05:00.000Z' }),
    mine({ id: 'mine-early', waitingSince: '2025-01-01T12:01:00.000Z' }),
    mine({ id: 'mine-answered', waitingSince: null }),
    summary({ id: 'theirs', status: 'agent', assignee: colleague, waitingSince: '2025-01-01T11:00:00.000Z' }),
    summary({ id: 'bot', status: 'bot', waitingSince: '2025-01-01T11:00:00.000Z' }),
  ];

  it('goes through the queue and my waiting conversations, the longest waiting first, and round again', () => {
    expect(nextWaitingConversation(conversations, agent.id, null)).toBe('mine-early');
    expect(nextWaitingConversation(conversations, agent.id, 'mine-early')).toBe('queued-late');
    expect(nextWaitingConversation(conversations, agent.id, 'queued-late')).toBe('mine-early');
    expect(nextWaitingConversation(conversations, agent.id, 'theirs')).toBe('mine-early');
  });

  it('is null when nothing else waits', () => {
    expect(nextWaitingConversation([conversations[1]!], agent.id, 'mine-early')).toBeNull();
    expect(nextWaitingConversation([conversations[2]!, conversations[3]!], agent.id, null)).toBeNull();
  });
});
