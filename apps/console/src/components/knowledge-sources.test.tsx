// @vitest-environment happy-dom
import type { KnowledgeSource } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { KnowledgeSources } from './knowledge-sources.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

function source(overrides: Partial<KnowledgeSource> = {}): KnowledgeSource {
  return {
    id: 's1',
    kind: 'website',
    url: 'https://help.example.com/',
    maxPages: 500,
    maxDepth: 5,
    resyncHours: 24,
    status: 'ok',
    lastSyncedAt: '2026-11-02T09:30:00.000Z',
    lastError: null,
    lastCounts: { added: 3, updated: 1, unchanged: 12, removed: 1, failed: 2, skipped: 0, stoppedBy: null },
    documentCount: 16,
    nextSyncAt: '2026-11-03T09:30:00.000Z',
    createdAt: '2026-11-01T00:00:00.000Z',
    ...overrides,
  };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** The sources behind a fake `fetch`; `answers` replaces the list the next GETs return, in turn. */
function sourcesServer(initial: KnowledgeSource[]) {
  const requests: Array<{ method: string; path: string; body?: unknown }> = [];
  let sources = initial;
  const next: KnowledgeSource[][] = [];
  let refusal: { status: number; code: string; message: string } | null = null;
  const fetch: FetchFunction = async (path, init) => {
    const method = init.method ?? 'GET';
    requests.push({ method, path, body: init.body ? JSON.parse(init.body as string) : undefined });
    if (refusal && method !== 'GET') return json(refusal.status, { error: { code: refusal.code, message: refusal.message } });
    if (method === 'GET') {
      sources = next.shift() ?? sources;
      return json(200, { sources });
    }
    if (method === 'POST' && path === '/api/knowledge/sources') {
      const body = JSON.parse(init.body as string) as { url: string; kind: KnowledgeSource['kind']; resyncHours: number | null };
      const created = source({
        id: 's-new',
        url: body.url,
        kind: body.kind,
        resyncHours: body.resyncHours,
        status: 'pending',
        lastSyncedAt: null,
        lastCounts: null,
        documentCount: 0,
      });
      sources = [...sources, created];
      return json(200, created);
    }
    const sync = /^\/api\/knowledge\/sources\/([^/]+)\/sync$/.exec(path);
    if (method === 'POST' && sync) {
      sources = sources.map((candidate) => (candidate.id === sync[1] ? { ...candidate, status: 'pending' } : candidate));
      return json(
        200,
        sources.find((candidate) => candidate.id === sync[1]),
      );
    }
    if (method === 'DELETE') {
      sources = sources.filter((candidate) => !path.endsWith(`/${candidate.id}`));
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };
  return {
    api: createApi({ fetch }),
    requests,
    /** The lists the next GETs answer, one each. */
    answers: (...lists: KnowledgeSource[][]) => next.push(...lists),
    refuse: (status: number, code: string, message: string) => {
      refusal = { status, code, message };
    },
  };
}

async function mount(canEdit: boolean, sources: KnowledgeSource[], onDocumentsChanged = vi.fn(), pollMs = 3000) {
  const server = sourcesServer(sources);
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<KnowledgeSources api={server.api} canEdit={canEdit} onDocumentsChanged={onDocumentsChanged} pollMs={pollMs} />, container);
  });
  await settle();
  return server;
}

const items = () => [...container.querySelectorAll('[aria-label="Websites"] > li')];
const buttonNamed = (name: string) =>
  [...container.querySelectorAll('button')].find((button) => button.getAttribute('aria-label') === name);
const fieldNamed = <T extends HTMLElement>(label: string) =>
  [...container.querySelectorAll('label')]
    .find((element) => element.textContent?.trim().startsWith(label))!
    .querySelector<T>('input, select')!;

async function setValue(element: HTMLInputElement | HTMLSelectElement, value: string, event = 'input') {
  await act(async () => {
    element.value = value;
    element.dispatchEvent(new Event(event, { bubbles: true }));
  });
}

describe('KnowledgeSources', () => {
  it('lists the sites with their status, interval, last sync, counts and last error', async () => {
    await mount(true, [
      source(),
      source({
        id: 's2',
        kind: 'sitemap',
        url: 'https://docs.example.com/sitemap.xml',
        resyncHours: null,
        status: 'failed',
        documentCount: 1,
        lastError:
          "docs.example.com resolves to 10.0.0.5, a private address; Parley doesn't fetch private addresses unless PARLEY_OUTBOUND_ALLOW says so.",
        lastCounts: { added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0, skipped: 0, stoppedBy: 'robotsUnavailable' },
      }),
    ]);
    const [site, sitemap] = items();
    expect(site!.querySelector('a')!.getAttribute('href')).toBe('https://help.example.com/');
    expect(site!.querySelector('.knowledge-source-status')!.textContent).toBe('Synced');
    expect(site!.textContent).toContain('16 pages · Re-synced daily · Last synced');
    expect(site!.querySelector('time')!.getAttribute('datetime')).toBe('2026-11-02T09:30:00.000Z');
    expect(site!.querySelector('.knowledge-source-counts')!.textContent).toBe(
      'Last sync: 3 new, 1 updated, 12 unchanged, 1 removed, 2 failed',
    );
    expect(site!.querySelector('.knowledge-source-error')).toBeNull();

    expect(sitemap!.textContent).toContain('Sitemap');
    expect(sitemap!.querySelector('.knowledge-source-status')!.textContent).toBe('Failed');
    expect(sitemap!.textContent).toContain('1 page · Synced on demand');
    expect(sitemap!.querySelector('.knowledge-source-counts')!.textContent).toBe(
      "Last sync: 0 new, 0 updated, 0 unchanged, 0 removed; robots.txt couldn't be read",
    );
    expect(sitemap!.querySelector('.knowledge-source-error')!.textContent).toContain('a private address');
    // The accessible names start with the visible text (axe's label-content-name-mismatch).
    for (const name of ['Sync now https://help.example.com/', 'Remove https://docs.example.com/sitemap.xml']) {
      expect(name.startsWith(buttonNamed(name)!.textContent!.trim())).toBe(true);
    }
  });

  it('adds a site with the sitemap option and the re-sync interval, and shows why the server refused one', async () => {
    const server = await mount(true, []);
    expect(container.textContent).toContain('No websites yet.');
    const address = fieldNamed<HTMLInputElement>('Website address');
    expect(address.type).toBe('url');
    const interval = fieldNamed<HTMLSelectElement>('Re-sync');
    expect([...interval.options].map((option) => option.textContent)).toEqual(['Off (sync on demand)', 'Daily', 'Weekly']);

    await setValue(address, ' https://docs.example.com/sitemap.xml ');
    await setValue(interval, '2', 'change');
    await act(async () => {
      const checkbox = fieldNamed<HTMLInputElement>("It's a sitemap");
      checkbox.checked = true;
      checkbox.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(async () => {
      container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(server.requests.find((request) => request.method === 'POST')!.body).toEqual({
      url: 'https://docs.example.com/sitemap.xml',
      kind: 'sitemap',
      resyncHours: 168,
    });
    expect(container.querySelector('[role="status"]')!.textContent).toBe(
      'Added https://docs.example.com/sitemap.xml; its first sync has started.',
    );
    expect(items().map((item) => item.querySelector('.knowledge-source-status')!.textContent)).toEqual(['Waiting to sync']);
    expect(address.value).toBe('');
    expect(buttonNamed('Sync now https://docs.example.com/sitemap.xml')!.disabled).toBe(true);

    server.refuse(409, 'conflict', 'https://docs.example.com/sitemap.xml is a website source of this knowledge base already.');
    await setValue(address, 'https://docs.example.com/sitemap.xml');
    await act(async () => {
      container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    expect(container.querySelector('[role="alert"]')!.textContent).toBe(
      'https://docs.example.com/sitemap.xml is a website source of this knowledge base already.',
    );
    expect(address.getAttribute('aria-invalid')).toBe('true');
    expect(address.value).toBe('https://docs.example.com/sitemap.xml');
  });

  it('syncs a site now, asks again while the sync runs, and tells the page when it ended', async () => {
    const documentsChanged = vi.fn();
    const server = await mount(true, [source()], documentsChanged, 5);
    await act(async () => {
      buttonNamed('Sync now https://help.example.com/')!.click();
    });
    await settle();
    expect(server.requests.filter((request) => request.method === 'POST').map((request) => request.path)).toEqual([
      '/api/knowledge/sources/s1/sync',
    ]);
    expect(items()[0]!.querySelector('.knowledge-source-status')!.textContent).toBe('Waiting to sync');

    server.answers([source({ status: 'syncing' })], [source({ lastSyncedAt: '2026-11-02T10:00:00.000Z', documentCount: 17 })]);
    await vi.waitFor(() => expect(documentsChanged).toHaveBeenCalledTimes(1));
    await settle();
    expect(items()[0]!.querySelector('.knowledge-source-status')!.textContent).toBe('Synced');
    expect(items()[0]!.textContent).toContain('17 pages');
    // Nothing runs any more: no more asking.
    const asked = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests.length).toBe(asked);
  });

  it('asks before removing a site, naming its documents', async () => {
    const documentsChanged = vi.fn();
    const server = await mount(true, [source()], documentsChanged);
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await act(async () => {
      buttonNamed('Remove https://help.example.com/')!.click();
    });
    await settle();
    expect(confirm).toHaveBeenCalledWith('Remove https://help.example.com/ and its 16 documents from the knowledge base?');
    expect(server.requests.some((request) => request.method === 'DELETE')).toBe(false);

    confirm.mockReturnValue(true);
    await act(async () => {
      buttonNamed('Remove https://help.example.com/')!.click();
    });
    await settle();
    expect(server.requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([
      '/api/knowledge/sources/s1',
    ]);
    expect(documentsChanged).toHaveBeenCalledTimes(1);
    expect(container.textContent).toContain('No websites yet.');
  });

  it('shows agents the sites without the form, Sync now or Remove', async () => {
    await mount(false, [source()]);
    expect(items()).toHaveLength(1);
    expect(container.querySelector('form')).toBeNull();
    expect(container.querySelectorAll('button')).toHaveLength(0);
    expect(items()[0]!.querySelector('.knowledge-source-counts')!.textContent).toContain('3 new');
  });
});
