// @vitest-environment happy-dom
import type { Agent, AgentServerEvents, WebhookSubscription } from '@parley/protocol';
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

const admin: Agent = { ...agent, id: 'admin-1', role: 'admin' };

const paused: WebhookSubscription = {
  id: '10000000-0000-4000-8000-000000000001',
  url: 'https://crm.example/parley',
  description: '',
  events: ['conversation.created'],
  status: 'paused',
  pausedReason: 'Paused after 20 failed deliveries in a row: the receiver answered HTTP 500.',
  consecutiveFailures: 20,
  previousSecretExpiresAt: null,
  createdAt: '2026-11-01T09:00:00.000Z',
  updatedAt: '2026-11-02T09:00:00.000Z',
};

/** Mounts the workspace with a connection that never connects but lets the test play the server's events. */
function mount(who: Agent, path: string) {
  history.replaceState(null, '', path);
  const urls: string[] = [];
  const handlers = new Map<string, (payload: never) => void>();
  const connection: AgentConnection = {
    connected: false,
    onConnection() {},
    on(event, listener) {
      handlers.set(event, listener as (payload: never) => void);
    },
    send: () => new Promise(() => {}),
    setPresence: () => new Promise(() => {}),
    requestAssist: () => new Promise(() => {}),
    prepareAttachment: () => new Promise(() => {}),
    attachmentUrl: () => new Promise(() => {}),
    setTyping() {},
    close() {},
  };
  const api = createApi({
    fetch: async (url) => {
      urls.push(url);
      const body =
        url === '/api/webhooks'
          ? { webhooks: [paused] }
          : url === '/api/tokens'
            ? { tokens: [] }
            : url === '/api/bot/actions'
              ? { actions: [] }
              : url === '/api/bot/mcp-servers'
                ? { servers: [] }
                : url === '/api/teams'
                  ? { teams: [] }
                  : url === '/api/widgets'
                    ? { widgets: [] }
                    : url === '/api/presence'
                      ? { agents: [] }
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
    render(<Workspace session={session} api={api} connect={() => connection} onSignOut={() => {}} basePath="/console/" />, container),
  );
  const emit = <E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>) =>
    act(() => (handlers.get(event) as ((...values: Parameters<AgentServerEvents[E]>) => void) | undefined)?.(...args));
  return { urls, emit };
}

const webhooksButton = () =>
  [...container.querySelectorAll<HTMLButtonElement>('.topbar button')].find((button) => button.textContent?.trim() === 'API & webhooks');

describe('Settings → API & webhooks in the workspace', () => {
  it('is not offered to agents, and its URL tells them it is for admins, without asking the server', async () => {
    const { urls } = mount(agent, '/console/settings/webhooks');
    expect(webhooksButton()).toBeUndefined();
    await vi.waitFor(() =>
      expect(container.querySelector('main')!.textContent).toContain('Only admins can manage API tokens and webhooks.'),
    );
    await new Promise((done) => setTimeout(done, 20));
    expect(urls).not.toContain('/api/webhooks');
    expect(urls).not.toContain('/api/tokens');
  });

  it('is a top-bar link for admins that opens the page, loaded on first visit, at /console/settings/webhooks', async () => {
    const { urls } = mount(admin, '/console/');
    expect(urls).not.toContain('/api/webhooks');
    await act(async () => webhooksButton()!.click());
    expect(location.pathname).toBe('/console/settings/webhooks');
    await vi.waitFor(() => expect(container.querySelector('li[aria-label="https://crm.example/parley"]')).not.toBeNull());
    expect(urls).toContain('/api/webhooks');
    expect(urls).toContain('/api/tokens');
    expect(webhooksButton()!.getAttribute('aria-current')).toBe('page');
  });

  it('tells an admin when Parley paused a webhook, with a link to Settings → API & webhooks', async () => {
    const { emit } = mount(admin, '/console/');
    expect(container.querySelector('.webhook-alert')).toBeNull();
    emit('webhook:paused', paused);
    const alert = await vi.waitFor(() => {
      const found = container.querySelector<HTMLElement>('.webhook-alert[role="alert"]');
      expect(found).not.toBeNull();
      return found!;
    });
    expect(alert.textContent).toContain('Parley paused the webhook https://crm.example/parley.');
    expect(alert.textContent).toContain(paused.pausedReason);
    const link = alert.querySelector('a')!;
    expect(link.textContent).toBe('Settings → API & webhooks');
    expect(link.getAttribute('href')).toBe('/console/settings/webhooks');

    await act(async () => link.click());
    expect(location.pathname).toBe('/console/settings/webhooks');
    expect(container.querySelector('.webhook-alert')).toBeNull();
    await vi.waitFor(() => expect(container.querySelector('li[aria-label="https://crm.example/parley"]')).not.toBeNull());

    // Dismissed, another one shows again.
    emit('webhook:paused', { ...paused, url: 'https://other.example/hook' });
    await vi.waitFor(() => expect(container.querySelector('.webhook-alert')?.textContent).toContain('https://other.example/hook'));
    await act(async () =>
      [...container.querySelectorAll<HTMLButtonElement>('.webhook-alert button')].find((b) => b.textContent === 'Dismiss')!.click(),
    );
    expect(container.querySelector('.webhook-alert')).toBeNull();
  });
});
