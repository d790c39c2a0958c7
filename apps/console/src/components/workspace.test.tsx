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
  setTyping() {},
  close() {},
};

const botConversation = summary({ id: 'conversation-bot', status: 'bot', contact: { id: 'contact-1', name: 'Ada', email: null } });
const queuedConversation = summary({
  id: 'conversation-queued',
  status: 'queued',
  contact: { id: 'contact-2', name: 'Grace', email: null },
});
// Older than the most recent page: only the `?status=queued` list has it.
const olderQueued = summary({ id: 'conversation-old', status: 'queued', contact: { id: 'contact-3', name: 'Alan', email: null } });

const team = [
  { userId: agent.id, name: agent.name, status: 'away' as const },
  { userId: 'user-2', name: 'Zoe', status: 'online' as const },
  { userId: 'user-3', name: 'Yann', status: 'offline' as const },
];

function mount() {
  const urls: string[] = [];
  const api = createApi({
    fetch: async (url) => {
      urls.push(url);
      if (url === '/api/presence')
        return new Response(JSON.stringify({ agents: team }), { headers: { 'content-type': 'application/json' } });
      if (url === '/api/me')
        return new Response(JSON.stringify({ agent, email: false }), { headers: { 'content-type': 'application/json' } });
      const conversations: ConversationSummary[] = url.includes('status=queued')
        ? [queuedConversation, olderQueued]
        : [botConversation, queuedConversation];
      return new Response(JSON.stringify({ conversations }), { headers: { 'content-type': 'application/json' } });
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
  it('highlights conversations waiting for a human and filters on them with ?status=queued', async () => {
    const { urls } = mount();
    await vi.waitFor(() => expect(names()).toEqual(['Ada', 'Grace']));
    expect(urls.filter((url) => url.startsWith('/api/conversations'))).toEqual(['/api/conversations?limit=200']);
    const waiting = [...container.querySelectorAll('.conversation-item.is-waiting .conversation-name')];
    expect(waiting.map((element) => element.textContent)).toEqual(['Grace']);
    expect(container.querySelector('.waiting-count')?.textContent).toBe('1 waiting');

    const select = container.querySelector<HTMLSelectElement>('select[aria-label="Filter conversations"]')!;
    expect([...select.options].map((option) => option.textContent)).toContain('All');
    const waitingOption = [...select.options].find((option) => option.textContent === 'Waiting for a human')!;
    await act(() => {
      select.value = waitingOption.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });

    await vi.waitFor(() => expect(names().toSorted()).toEqual(['Alan', 'Grace']));
    expect(urls).toContain('/api/conversations?status=queued&limit=200');
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
