// @vitest-environment happy-dom
import { createServer, type Server, type Socket } from 'node:net';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mount, type WidgetHandle } from './mount.js';

/** A custom property the widget sets on its host (the accent, the offsets), or ''. */
function hostProperty(root: ShadowRoot, name: string) {
  const rules = [...root.querySelectorAll('style')].map((style) => style.textContent ?? '').filter((css) => css.startsWith(':host{'));
  return rules.map((css) => css.match(new RegExp(`${name}:([^;}]+)`))?.[1]).find(Boolean) ?? '';
}

/** The accent the widget applies: the `--parley-accent` it sets on its host. */
const accentOf = (root: ShadowRoot) => hostProperty(root, '--parley-accent');

// Per test, a server that accepts connections and never answers: the client's WebSocket stays connecting, and the
// connections it opened are counted (a new server each time, so that a closed client's late connection counts for
// nobody). HTTP requests from the widget are answered through happy-dom's fetch interceptor instead: the settings call
// is recorded and answered, anything else fails.
let server: Server;
let connections: Socket[];
let serverUrl: string;
let settingsUrl: string;
let requests: string[];
let settingsAnswer: () => Response;
let mounted: WidgetHandle | undefined;

beforeEach(async () => {
  const accepted: Socket[] = (connections = []);
  server = createServer((socket) => accepted.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  settingsUrl = `${serverUrl}/api/widgets/pk_test/settings`;
  requests = [];
  settingsAnswer = () => Response.json({ title: 'Harbor & Pine support', greeting: 'Hi!', accentColor: '#1f6f5c', position: 'right' });
  localStorage.clear();
  const settings = (window as unknown as { happyDOM: { settings: { fetch: { interceptor: unknown } } } }).happyDOM.settings;
  settings.fetch.interceptor = {
    beforeAsyncRequest: async ({ request }: { request: Request }) => {
      requests.push(request.url);
      return request.url === settingsUrl ? settingsAnswer() : new Response(null, { status: 503 });
    },
  };
});

afterEach(async () => {
  await act(() => mounted?.unmount());
  mounted = undefined;
  const closed = new Promise((resolve) => server.close(resolve));
  for (const socket of connections) socket.destroy();
  await closed;
});

async function mountWidget(options: Partial<Parameters<typeof mount>[0]> = {}) {
  await act(async () => {
    mounted = mount({ serverUrl, widgetKey: 'pk_test', ...options });
  });
  // Let the settings call settle and the widget draw.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
  const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
  return { widget: mounted!, root };
}

const socketRequests = () => [...requests.filter((url) => url.includes('/socket.io/')), ...connections];

describe('mount', () => {
  it('mounts the widget with its own client, and unmount removes it and closes the client', async () => {
    const { widget, root } = await mountWidget({ open: true });
    const host = document.querySelector<HTMLElement>('[data-parley-widget]')!;
    expect(root.querySelector('[role="log"]')).not.toBeNull();
    expect(root.querySelector('button[aria-label="Close chat"]')).not.toBeNull();
    expect(widget.client.status).toBe('connecting');

    await act(() => widget.unmount());
    expect(host.isConnected).toBe(false);
    expect(widget.client.status).toBe('offline');
  });

  it('draws with the settings from the settings call, before and without any socket', async () => {
    const { widget, root } = await mountWidget();
    expect(requests).toEqual([settingsUrl]);
    expect(accentOf(root)).toBe('#1f6f5c');
    await act(() => widget.open());
    expect(root.querySelector('h2')?.textContent).toBe('Harbor & Pine support');
  });

  it('asks nothing when given the settings, and draws with its defaults when the call fails', async () => {
    const given = await mountWidget({ settings: { title: 'Given' }, open: true });
    expect(requests.filter((url) => url.includes('/api/'))).toEqual([]);
    expect(given.root.querySelector('h2')?.textContent).toBe('Given');
    await act(() => given.widget.unmount());

    settingsAnswer = () => Response.json({ error: { code: 'unknown_widget', message: 'No widget has this key.' } }, { status: 404 });
    const failed = await mountWidget({ open: true });
    expect(failed.root.querySelector('h2')?.textContent).toBe('Chat with us');
  });

  it('opens no socket on a page view, and connects when the visitor opens the panel', async () => {
    const { widget, root } = await mountWidget();
    expect(widget.client.status).toBe('offline');
    expect(socketRequests()).toEqual([]);

    await act(() => root.querySelector<HTMLButtonElement>('button[aria-label="Open chat"]')!.click());
    expect(widget.client.status).toBe('connecting');
    await expect.poll(() => connections.length).toBe(1);
  });

  it('shuts down: removes the widget and closes its client, keeping the session unless asked to forget it', async () => {
    localStorage.setItem('parley:pk_test:session', 'token');
    localStorage.setItem('parley:pk_test:conversation', 'agent');
    const kept = await mountWidget();
    await act(() => kept.widget.shutdown());
    expect(document.querySelector('[data-parley-widget]')).toBeNull();
    expect(kept.widget.client.status).toBe('offline');
    expect(localStorage.getItem('parley:pk_test:session')).toBe('token');

    const forgotten = await mountWidget();
    await act(() => forgotten.widget.shutdown({ clearSession: true }));
    expect(document.querySelector('[data-parley-widget]')).toBeNull();
    expect(localStorage.getItem('parley:pk_test:session')).toBeNull();
    expect(localStorage.getItem('parley:pk_test:conversation')).toBeNull();
    mounted = undefined;
  });

  it("removes the script-tag loader's element on shutdown, but never an element the page gave it", async () => {
    const loaderHost = document.body.appendChild(document.createElement('div'));
    loaderHost.setAttribute('data-parley-widget', '');
    let fromLoader!: WidgetHandle;
    await act(() => {
      fromLoader = mount({ serverUrl, widgetKey: 'pk_test', target: loaderHost });
    });
    await act(() => fromLoader.shutdown());
    expect(loaderHost.isConnected).toBe(false);

    const pageElement = document.body.appendChild(document.createElement('div'));
    let fromPage!: WidgetHandle;
    await act(() => {
      fromPage = mount({ serverUrl, widgetKey: 'pk_test', target: pageElement });
    });
    await act(() => fromPage.shutdown());
    expect(pageElement.isConnected).toBe(true);
    pageElement.remove();
  });

  it.each([
    ['an open conversation', 'connecting', { 'parley:pk_test:session': 'token', 'parley:pk_test:conversation': 'agent' }],
    ['a conversation waiting for a person', 'connecting', { 'parley:pk_test:session': 'token', 'parley:pk_test:conversation': 'queued' }],
    [
      'messages not sent yet',
      'connecting',
      { 'parley:pk_test:outbox': JSON.stringify([{ clientId: 'c1', body: 'Hi', createdAt: '2025-01-01T00:00:00.000Z' }]) },
    ],
    ['a resolved conversation', 'offline', { 'parley:pk_test:session': 'token', 'parley:pk_test:conversation': 'resolved' }],
    ['a session without a conversation', 'offline', { 'parley:pk_test:session': 'token' }],
    ["another widget's conversation", 'offline', { 'parley:pk_other:session': 'token', 'parley:pk_other:conversation': 'bot' }],
  ])('with %s in storage, the client is %s right after mounting', async (_name, status, stored: Record<string, string>) => {
    for (const [key, value] of Object.entries(stored)) localStorage.setItem(key, value);
    const { widget } = await mountWidget();
    expect(widget.client.status).toBe(status);
  });
});
