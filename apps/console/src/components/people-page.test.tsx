// @vitest-environment happy-dom
import type { Agent } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent } from '../__fixtures__/factories.js';
import { createApi } from '../api.js';
import type { AgentConnection } from '../socket.js';
import { Workspace } from './workspace.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  history.replaceState(null, '', '/');
});

/** A connection that never connects: the workspace works from REST alone. */
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

const admin: Agent = { ...agent, id: 'admin-1', role: 'admin' };

const grace = {
  id: 'user-2',
  name: 'Grace Hopper',
  email: 'grace@example.com',
  role: 'agent',
  status: 'active',
  teamIds: [],
  maxConversations: null,
  openConversations: 1,
  lastLoginAt: null,
  createdAt: '2026-11-01T09:00:00.000Z',
};

function mount(who: Agent, path: string) {
  history.replaceState(null, '', path);
  const urls: string[] = [];
  const api = createApi({
    fetch: async (url) => {
      urls.push(url);
      const body =
        url === '/api/people'
          ? { people: [grace], invitations: [], defaultMaxConversations: 3 }
          : url === '/api/teams'
            ? { teams: [] }
            : url === '/api/widgets'
              ? { widgets: [] }
              : url === '/api/presence'
                ? { agents: [] }
                : url === '/api/bot/profiles'
                  ? { profiles: [] }
                  : url === '/api/me'
                    ? { agent: who, email: false }
                    : { conversations: [], nextCursor: null };
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    },
  });
  container = document.createElement('div');
  document.body.append(container);
  const session = { token: 'token-1', expiresAt: '2999-01-01T00:00:00.000Z', agent: who };
  act(() =>
    render(<Workspace session={session} api={api} connect={() => idleConnection} onSignOut={() => {}} basePath="/console/" />, container),
  );
  return { urls };
}

const peopleButton = () =>
  [...container.querySelectorAll<HTMLButtonElement>('.topbar button')].find((button) => button.textContent?.trim() === 'People');

describe('Settings → People in the workspace', () => {
  it('is not offered to agents: their name opens their profile there, and the rest is for admins, never asked for', async () => {
    const { urls } = mount(agent, '/console/');
    expect(peopleButton()).toBeUndefined();
    const name = [...container.querySelectorAll<HTMLButtonElement>('.topbar button')].find((button) => button.textContent === agent.name)!;
    await act(async () => name.click());
    expect(location.pathname).toBe('/console/settings/people');
    await vi.waitFor(() => expect(container.querySelector('main')!.textContent).toContain('Your profile'));
    await vi.waitFor(() => expect(container.querySelector('main')!.textContent).toContain('Upload a picture'));
    expect(container.querySelector('main')!.textContent).toContain('Only admins can manage people and teams.');
    await new Promise((done) => setTimeout(done, 20));
    expect(urls).toContain('/api/me');
    expect(urls).not.toContain('/api/people');
  });

  it('is a top-bar button for admins that loads the page at /console/settings/people', async () => {
    const { urls } = mount(admin, '/console/');
    expect(peopleButton()).toBeDefined();
    await act(async () => peopleButton()!.click());
    expect(location.pathname).toBe('/console/settings/people');
    await vi.waitFor(() => expect(container.querySelector('[aria-label="Role of Grace Hopper"]')).not.toBeNull());
    expect(urls).toContain('/api/people');
    expect(container.querySelector<HTMLInputElement>('[aria-label="Capacity of Grace Hopper"]')!.placeholder).toBe('default (3)');
  });
});
