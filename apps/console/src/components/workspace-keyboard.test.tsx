// @vitest-environment happy-dom
import type { ConversationSummary } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent, summary } from '../__fixtures__/factories.js';
import type { NotificationAccess } from '../alerts.js';
import { createApi } from '../api.js';
import type { AgentConnection } from '../socket.js';
import { Workspace } from './workspace.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  history.replaceState(null, '', '/console/');
});

const session = { token: 'token-1', expiresAt: '2999-01-01T00:00:00.000Z', agent };

const queued = summary({
  id: 'conversation-queued',
  status: 'queued',
  contact: { id: 'contact-2', name: 'Grace', email: null },
  waitingSince: '2025-01-01T12:00:00.000Z',
});
const other = summary({ id: 'conversation-bot', status: 'bot', contact: { id: 'contact-1', name: 'Ada', email: null } });

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

function mount() {
  history.replaceState(null, '', '/console/');
  const handlers = new Map<string, (payload: never) => void>();
  const connection: AgentConnection = {
    connected: false,
    onConnection() {},
    on(event: string, listener: (payload: never) => void) {
      handlers.set(event, listener);
    },
    send: () => new Promise(() => {}),
    setPresence: () => new Promise(() => {}),
    requestAssist: () => new Promise(() => {}),
    prepareAttachment: () => new Promise(() => {}),
    attachmentUrl: () => new Promise(() => {}),
    setTyping() {},
    close() {},
  } as AgentConnection;
  const api = createApi({
    fetch: async (url) => {
      if (url === '/api/presence') return json({ agents: [] });
      if (url === '/api/me') return json({ agent, email: false, preferences: { sound: true, desktopNotifications: true } });
      if (url === '/api/conversations/counts') return json({ mine: 0, unassigned: 1, open: 2, followUps: 0, resolved: 0 });
      if (url === '/api/teams') return json({ teams: [] });
      if (url === '/api/saved-replies') return json({ savedReplies: [] });
      if (url.includes('/messages')) return json({ messages: [], hasMore: false });
      if (url.includes('/notes')) return json({ notes: [] });
      if (url.endsWith('/read')) return json({ conversationId: queued.id, lastReadSeq: 0, unreadCount: 0 });
      return json({ conversations: [other, queued], nextCursor: null });
    },
  });
  const sound = { play: vi.fn(), unlock: vi.fn(), close: vi.fn() };
  const notifications = {
    permission: 'granted' as NotificationPermission,
    requestPermission: vi.fn(async () => 'granted' as NotificationPermission),
    show: vi.fn(),
  } satisfies NotificationAccess;
  container = document.createElement('div');
  document.body.append(container);
  act(() =>
    render(
      <Workspace
        session={session}
        api={api}
        connect={() => connection}
        onSignOut={() => {}}
        basePath="/console/"
        sound={sound}
        notifications={notifications}
      />,
      container,
    ),
  );
  function emit(event: string, payload: unknown) {
    act(() => handlers.get(event)?.(payload as never));
  }
  return { sound, notifications, emit };
}

async function press(key: string, target: EventTarget = document.activeElement ?? document.body, init: KeyboardEventInit = {}) {
  await act(async () => {
    target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init }));
  });
}

const names = () => [...container.querySelectorAll('.conversation-name')].map((element) => element.textContent);
const dialog = () => document.querySelector<HTMLElement>('[role="dialog"]');

describe('Workspace keyboard shortcuts', () => {
  it('opens the shortcuts on ?, keeps the focus inside, and closes on Escape with the focus back', async () => {
    mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    const alertsButton = [...container.querySelectorAll<HTMLButtonElement>('button')].find((button) => button.textContent === 'Alerts')!;
    alertsButton.focus();
    await press('?');
    // The dialog comes in a chunk of its own, loaded when first opened.
    await vi.waitFor(() => expect(dialog()?.getAttribute('aria-modal')).toBe('true'));
    expect(dialog()?.textContent).toContain('Open the next waiting conversation');
    const close = dialog()!.querySelector('button')!;
    expect(document.activeElement).toBe(close);
    // Tab stays in the dialog (its one button).
    await press('Tab');
    expect(document.activeElement).toBe(close);
    // Other shortcuts don't reach the page behind it.
    await press('n');
    expect(location.pathname).toBe('/console/');

    await press('Escape');
    expect(dialog()).toBeNull();
    expect(document.activeElement).toBe(alertsButton);
  });

  it('ignores the single keys typed in a text field', async () => {
    mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    const search = container.querySelector<HTMLInputElement>('input[aria-label="Search conversations"]')!;
    search.focus();
    await press('?', search);
    await press('n', search);
    expect(dialog()).toBeNull();
    expect(location.pathname).toBe('/console/');
    // Escape leaves the field, so that the shortcuts work next.
    await press('Escape', search);
    expect(document.activeElement).not.toBe(search);
  });

  it('opens the next waiting conversation on n, and the saved replies on /', async () => {
    mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    await press('n', document.body);
    expect(location.pathname).toBe('/console/conversations/conversation-queued');
    const reply = await vi.waitFor(() => {
      const textarea = container.querySelector<HTMLTextAreaElement>('.conversation-pane textarea.reply-input');
      expect(textarea).not.toBeNull();
      return textarea!;
    });
    reply.blur();
    await press('/', document.body);
    expect(document.activeElement).toBe(reply);
    expect(container.querySelector('.reply-saved-replies')?.getAttribute('aria-expanded')).toBe('true');
    expect(reply.value).toBe('');
  });

  it('alerts for a conversation assigned to the agent by someone else, and Escape closes the alerts panel', async () => {
    const { sound, notifications, emit } = mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    await vi.waitFor(() => expect(document.title).toBe('(1) Parley Console'));
    const assigned: ConversationSummary = { ...queued, status: 'agent', assignee: { id: agent.id, name: agent.name } };
    emit('conversation:updated', assigned);
    expect(sound.play).toHaveBeenCalledTimes(1);
    expect(notifications.show).toHaveBeenCalledWith('Grace', { body: 'Assigned to you.', tag: queued.id }, expect.any(Function));
    expect(notifications.requestPermission).not.toHaveBeenCalled();

    const alertsButton = [...container.querySelectorAll<HTMLButtonElement>('button')].find((button) => button.textContent === 'Alerts')!;
    await act(async () => alertsButton.click());
    expect(container.querySelector('.alerts-panel')).not.toBeNull();
    await press('Escape', document.body);
    expect(container.querySelector('.alerts-panel')).toBeNull();
  });
});
