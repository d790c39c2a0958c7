// @vitest-environment happy-dom
import type { ConversationSummary } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent, summary } from '../__fixtures__/factories.js';
import { createApi } from '../api.js';
import type { AgentConnection } from '../socket.js';
import { Workspace } from './workspace.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const session = { token: 'token-1', expiresAt: '2999-01-01T00:00:00.000Z', agent };

/** A connection that never connects: the inbox comes from REST alone. */
const idleConnection: AgentConnection = {
  connected: false,
  onConnection() {},
  on() {},
  send: () => new Promise(() => {}),
  setPresence: () => new Promise(() => {}),
  requestAssist: () => new Promise(() => {}),
  prepareAttachment: () => new Promise(() => {}),
  attachmentUrl: () => new Promise(() => {}),
  setTyping() {},
  close() {},
};

const botConversation = summary({ id: 'conversation-bot', status: 'bot', contact: { id: 'contact-1', name: 'Ada', email: null } });
const queuedConversation = summary({
  id: 'conversation-queued',
  status: 'queued',
  contact: { id: 'contact-2', name: 'Grace', email: null },
});
// On the second page of "All open".
const olderQueued = summary({
  id: 'conversation-old',
  status: 'queued',
  contact: { id: 'contact-3', name: 'Alan', email: null },
  unreadCount: 3,
  updatedAt: '2024-12-01T00:00:00.000Z',
});

const counts = { mine: 0, unassigned: 2, open: 3, followUps: 0, resolved: 7 };

const team = [
  { userId: agent.id, name: agent.name, status: 'away' as const },
  { userId: 'user-2', name: 'Zoe', status: 'online' as const },
  { userId: 'user-3', name: 'Yann', status: 'offline' as const },
];

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

function mount() {
  const urls: string[] = [];
  const api = createApi({
    fetch: async (url) => {
      urls.push(url);
      if (url === '/api/presence')
        return new Response(JSON.stringify({ agents: team }), { headers: { 'content-type': 'application/json' } });
      if (url === '/api/me')
        return new Response(JSON.stringify({ agent, email: false }), { headers: { 'content-type': 'application/json' } });
      if (url === '/api/conversations/counts') return json(counts);
      if (url === '/api/teams') return json({ teams: [{ id: 'team-1', name: 'Billing', memberIds: [] }] });
      const query = new URL(url, 'http://console.test').searchParams;
      let conversations: ConversationSummary[] = [botConversation, queuedConversation];
      let nextCursor: string | null = 'page-2';
      if (query.get('view') === 'unassigned') [conversations, nextCursor] = [[queuedConversation, olderQueued], null];
      else if (query.get('q')) [conversations, nextCursor] = [[olderQueued], null];
      else if (query.get('cursor') === 'page-2') [conversations, nextCursor] = [[olderQueued], null];
      return json({ conversations, nextCursor });
    },
  });
  container = document.createElement('div');
  document.body.append(container);
  act(() =>
    render(<Workspace session={session} api={api} connect={() => idleConnection} onSignOut={() => {}} basePath="/console/" />, container),
  );
  return { urls };
}

const names = () => [...container.querySelectorAll('.conversation-name')].map((element) => element.textContent);

describe('Workspace inbox', () => {
  it('shows the views with their counts and lists the chosen one from the server, page after page', async () => {
    const { urls } = mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    const listUrls = () => urls.filter((url) => url.startsWith('/api/conversations?'));
    expect(listUrls()).toEqual(['/api/conversations?view=open&sort=recent&limit=50']);
    const waiting = [...container.querySelectorAll('.conversation-item.is-waiting .conversation-name')];
    expect(waiting.map((element) => element.textContent)).toEqual(['Grace']);

    const views = () => [...container.querySelectorAll<HTMLButtonElement>('[role="group"][aria-label="Views"] button')];
    await vi.waitFor(() => expect(views().map((button) => button.textContent)).toContain('All open3'));
    expect(views().map((button) => [button.textContent, button.getAttribute('aria-pressed')])).toEqual([
      ['Mine0', 'false'],
      ['Unassigned2', 'false'],
      ['All open3', 'true'],
      ['Follow-ups0', 'false'],
      ['Resolved7', 'false'],
    ]);

    // The next page, after the cursor of the first.
    const more = [...container.querySelectorAll('button')].find((button) => button.textContent === 'Load more')!;
    await act(() => more.click());
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace', 'Alan']));
    expect(listUrls()).toContain('/api/conversations?view=open&sort=recent&cursor=page-2&limit=50');
    expect([...container.querySelectorAll('button')].some((button) => button.textContent === 'Load more')).toBe(false);
    // Its unread count, in the row's description: the row is still named by the contact alone.
    const alan = [...container.querySelectorAll('.conversation-item')].find((row) => row.textContent?.includes('Alan'))!;
    expect(alan.querySelector('.unread-badge')?.textContent).toBe('3 unread');
    expect(alan.querySelector('.conversation-open')!.textContent).toBe('Alan');

    await act(() => views()[1]!.click());
    await vi.waitFor(() => expect(names()).toEqual(['Grace', 'Alan']));
    expect(listUrls().at(-1)).toBe('/api/conversations?view=unassigned&sort=recent&limit=50');
    expect(views()[1]!.getAttribute('aria-pressed')).toBe('true');
  });

  it('searches once the agent stops typing, and sorts and filters through the server', async () => {
    const { urls } = mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    const search = container.querySelector<HTMLInputElement>('input[aria-label="Search conversations"]')!;
    await act(() => {
      for (const text of ['k', 'ke', 'kettle']) {
        search.value = text;
        search.dispatchEvent(new Event('input', { bubbles: true }));
      }
    });
    await vi.waitFor(() => expect(names()).toEqual(['Alan']));
    const listUrls = urls.filter((url) => url.startsWith('/api/conversations?'));
    expect(listUrls.slice(1)).toEqual(['/api/conversations?view=open&q=kettle&sort=recent&limit=50']);

    const sort = container.querySelector<HTMLSelectElement>('select[aria-label="Sort"]')!;
    await act(() => {
      sort.value = 'waiting';
      sort.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await vi.waitFor(() => expect(urls.at(-1)).toBe('/api/conversations?view=open&q=kettle&sort=waiting&limit=50'));

    const teamFilter = container.querySelector<HTMLSelectElement>('select[aria-label="Team"]')!;
    expect([...teamFilter.options].map((option) => option.textContent)).toEqual(['All teams', 'Billing']);
    await act(() => {
      teamFilter.value = 'team-1';
      teamFilter.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await vi.waitFor(() => expect(urls.at(-1)).toBe('/api/conversations?view=open&teamId=team-1&q=kettle&sort=waiting&limit=50'));

    const statusFilter = container.querySelector<HTMLSelectElement>('select[aria-label="Status"]')!;
    expect([...statusFilter.options].map((option) => option.textContent)).toEqual([
      'All statuses',
      'Bot',
      'Waiting',
      'Open',
      'Resolved',
      'Closed',
    ]);
    await act(() => {
      statusFilter.value = 'queued';
      statusFilter.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await vi.waitFor(() =>
      expect(urls.at(-1)).toBe('/api/conversations?view=open&status=queued&teamId=team-1&q=kettle&sort=waiting&limit=50'),
    );
    // An agent gets no widget filter: the widgets are the admins'.
    expect(container.querySelector('select[aria-label="Widget"]')).toBeNull();
  });

  it("shows the agent's own status in the header and the team's presence under the inbox", async () => {
    mount();
    await vi.waitFor(() => expect(container.querySelectorAll('.team-member')).toHaveLength(2));
    const members = [...container.querySelectorAll('.team-member')].map((element) => element.textContent);
    expect(members).toEqual(['ZoeOnline', 'YannOffline']);
    const status = container.querySelector<HTMLSelectElement>('select[aria-label="Your status"]')!;
    expect(status.value).toBe('away');
    // Not connected: the status can't be changed until the socket is up.
    expect(status.disabled).toBe(true);
  });
});
