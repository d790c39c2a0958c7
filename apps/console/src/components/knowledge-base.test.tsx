// @vitest-environment happy-dom
import type { KnowledgeDocument } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { KnowledgeBase } from './knowledge-base.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const returns: KnowledgeDocument = {
  id: 'd1',
  sourceKey: 'returns.md',
  format: 'markdown',
  title: 'Returns',
  url: 'https://shop.example/returns',
  chunkCount: 4,
  characterCount: 900,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

/** A fake server: records requests, answers from the documents it holds. */
function fakeServer() {
  const requests: Array<{ method: string; path: string; body: unknown }> = [];
  let documents: KnowledgeDocument[] = [returns];
  const fetch: FetchFunction = async (input, init) => {
    const path = input;
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method: init.method ?? 'GET', path, body });
    if (init.method === 'GET' && path === '/api/knowledge/documents') return json(200, { documents });
    if (init.method === 'POST' && body.sourceKey === 'broken.csv') {
      return json(422, {
        error: { code: 'invalid_document', message: 'broken.csv: A FAQ CSV file needs a header row with "question" and "answer" columns.' },
      });
    }
    if (init.method === 'POST') {
      const document = { ...returns, id: 'd2', sourceKey: body.sourceKey, title: 'Shipping', url: null };
      documents = [...documents, document];
      return json(200, { status: 'created', document });
    }
    if (init.method === 'DELETE') {
      documents = documents.filter((document) => !path.endsWith(document.id));
      return new Response(null, { status: 204 });
    }
    if (path.startsWith('/api/knowledge/search')) {
      return json(200, {
        hits: [
          {
            chunkId: 1,
            documentId: 'd1',
            title: 'Returns',
            headingPath: ['Policy'],
            body: '<b>30 days</b>',
            url: null,
            score: 3,
            coverage: 0.75,
          },
        ],
      });
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };
  return { fetch, requests };
}

const settle = async () => {
  for (let round = 0; round < 5; round++) await act(async () => {});
};

async function mount(canEdit: boolean) {
  const server = fakeServer();
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<KnowledgeBase api={createApi({ fetch: server.fetch })} canEdit={canEdit} />, container);
  });
  await settle();
  return server;
}

const rows = () =>
  [...container.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim()));
const buttonNamed = (name: string) => [...container.querySelectorAll('button')].find((button) => button.textContent?.trim() === name);

describe('KnowledgeBase', () => {
  it('lets an admin upload files (each with its outcome or reason) and delete documents', async () => {
    const server = await mount(true);
    expect(rows()[0]!.slice(0, 3)).toEqual(['Returns', 'returns.md', '4']);
    expect(container.querySelector<HTMLAnchorElement>('tbody a')!.getAttribute('href')).toBe('https://shop.example/returns');

    const input = container.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.accept).toBe('.md,.markdown,.mdx,.html,.htm,.txt,.csv,.jsonl');
    const files = [new File(['# Shipping\n\nFast.'], 'shipping.md'), new File(['a,b'], 'broken.csv'), new File(['%PDF'], 'manual.pdf')];
    Object.defineProperty(input, 'files', { value: files, configurable: true });
    await act(async () => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();

    const posts = server.requests.filter((request) => request.method === 'POST');
    expect(posts.map((request) => request.body)).toEqual([
      { sourceKey: 'shipping.md', format: 'markdown', content: '# Shipping\n\nFast.' },
      { sourceKey: 'broken.csv', format: 'faq', content: 'a,b' },
    ]);
    const uploads = [...container.querySelectorAll('[aria-label="Uploads"] li')].map((item) => item.textContent);
    expect(uploads).toEqual([
      'shipping.md Added',
      'broken.csv Failed: broken.csv: A FAQ CSV file needs a header row with "question" and "answer" columns.',
      'manual.pdf Failed: Not a supported file type (.md, .markdown, .mdx, .html, .htm, .txt, .csv, .jsonl).',
    ]);
    await vi.waitFor(() => expect(rows().map((row) => row[1])).toEqual(['returns.md', 'shipping.md']));

    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    await act(async () => {
      buttonNamed('Delete')!.click();
    });
    await settle();
    expect(confirm).toHaveBeenCalledWith('Delete "Returns" from the knowledge base?');
    expect(server.requests.some((request) => request.method === 'DELETE' && request.path === '/api/knowledge/documents/d1')).toBe(true);
    await vi.waitFor(() => expect(rows().map((row) => row[1])).toEqual(['shipping.md']));
  });

  it('lets an agent read and search, without upload or delete, and shows passages as text', async () => {
    await mount(false);
    expect(container.querySelector('input[type="file"]')).toBeNull();
    expect(buttonNamed('Delete')).toBeUndefined();

    const search = container.querySelector<HTMLInputElement>('input[type="search"]')!;
    await act(async () => {
      search.value = 'return window';
      search.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    const hit = container.querySelector('[aria-label="Passages found"] li')!;
    expect(hit.querySelector('strong')!.textContent).toBe('Returns › Policy');
    expect(hit.textContent).toContain('75% of the question');
    expect(hit.querySelector('p')!.textContent).toBe('<b>30 days</b>');
    expect(hit.querySelector('b')).toBeNull();
  });
});
