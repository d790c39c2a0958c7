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

const widget = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Shop',
  publicKey: 'pk_shop_123',
  allowedOrigins: ['https://shop.example'],
  settings: {
    title: 'Chat with us',
    greeting: 'Hi!',
    accentColor: '#2563eb',
    position: 'right',
    theme: 'light',
    launcherLabel: '',
    offsetX: 20,
    offsetY: 20,
    teamName: '',
    showAgents: false,
    sound: false,
    locale: 'en',
    botName: 'Assistant',
    defaultCountry: null,
    preChat: { name: 'off', email: 'off', phone: 'off' },
    proactive: [],
  },
  bot: {
    enabled: true,
    handoff: { afterRepliesWithoutSource: 3, afterNotHelpful: 2, onProviderFailure: true },
    turnTaking: { pauseMs: 1500, maxWaitMs: 8000 },
    persona: '',
    tone: '',
    businessFacts: '',
    profileId: null,
    triageProfileIds: [],
  },
  routing: { strategy: 'manual', teamId: null, reopen: 'last_agent', hours: null, topics: [] },
};

function mount(who: Agent, path: string) {
  history.replaceState(null, '', path);
  const urls: string[] = [];
  const api = createApi({
    fetch: async (url) => {
      urls.push(url);
      const body =
        url === '/api/widgets'
          ? { widgets: [widget] }
          : url === '/api/teams'
            ? { teams: [] }
            : url === '/api/bot/profiles'
              ? { profiles: [] }
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
    render(<Workspace session={session} api={api} connect={() => idleConnection} onSignOut={() => {}} basePath="/console/" />, container),
  );
  return { urls };
}

const widgetsButton = () =>
  [...container.querySelectorAll<HTMLButtonElement>('.topbar button')].find((button) => button.textContent?.trim() === 'Widgets');

describe('Settings → Widgets in the workspace', () => {
  it('is not offered to agents, and its URL tells them it is for admins, without asking the server', async () => {
    const { urls } = mount(agent, '/console/');
    expect(widgetsButton()).toBeUndefined();
    render(null, container);
    container.remove();

    const second = mount(agent, '/console/settings/widgets');
    expect(container.querySelector('main')!.textContent).toContain('Only admins can change the widgets’ settings.');
    await new Promise((done) => setTimeout(done, 20));
    expect([...urls, ...second.urls]).not.toContain('/api/widgets');
  });

  it('is a top-bar link for admins that opens the page at /console/settings/widgets', async () => {
    const { urls } = mount(admin, '/console/');
    expect(widgetsButton()).toBeDefined();
    await act(async () => widgetsButton()!.click());
    expect(location.pathname).toBe('/console/settings/widgets');
    await vi.waitFor(() => expect(container.querySelector('textarea[aria-label="Embed code"]')).not.toBeNull());
    expect(urls).toContain('/api/widgets');
    expect(container.querySelector<HTMLTextAreaElement>('textarea[aria-label="Embed code"]')!.value).toContain('pk_shop_123');
    // On the page itself, the link says it is the current page.
    expect(widgetsButton()!.getAttribute('aria-current')).toBe('page');
  });
});
