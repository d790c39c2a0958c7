// @vitest-environment happy-dom
import type { KnowledgeSettings } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { KnowledgeLanguage } from './knowledge-language.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/**
 * `/api/knowledge/settings` behind a fake `fetch`. A change answers 3 documents to re-index; the GETs after it answer
 * `remaining` in turn (the last one from then on).
 */
function settingsServer(initial: KnowledgeSettings, remaining: number[] = [0]) {
  const requests: Array<{ method: string; body?: unknown }> = [];
  let current = initial;
  let changed = false;
  let refusal: string | null = null;
  const fetch: FetchFunction = async (_path, init) => {
    const method = init.method ?? 'GET';
    const body = init.body ? (JSON.parse(init.body as string) as { language: string }) : undefined;
    requests.push({ method, body });
    if (method === 'PATCH') {
      if (refusal) return json(400, { error: { code: 'invalid_payload', message: refusal } });
      changed = true;
      current = { ...current, language: body!.language, documentsToReindex: 3 };
      return json(200, current);
    }
    if (changed) current = { ...current, documentsToReindex: remaining.length > 1 ? remaining.shift()! : remaining[0]! };
    return json(200, current);
  };
  return {
    api: createApi({ fetch }),
    requests,
    refuse: (message: string) => {
      refusal = message;
    },
  };
}

const english: KnowledgeSettings = { language: 'english', languages: ['english', 'french', 'simple'], documentsToReindex: 0 };

async function mount(canEdit: boolean, initial: KnowledgeSettings, remaining?: number[], pollMs = 3000) {
  const server = settingsServer(initial, remaining);
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<KnowledgeLanguage api={server.api} canEdit={canEdit} pollMs={pollMs} />, container);
  });
  await settle();
  return server;
}

const select = () => container.querySelector('select')!;
const status = () => container.querySelector('[role="status"]')!.textContent;

describe('KnowledgeLanguage', () => {
  it('lets an admin choose the language, and says how many documents are being re-indexed until none is left', async () => {
    const server = await mount(true, english, [2, 0], 5);
    expect(select().closest('label')!.textContent).toContain('Language');
    expect([...select().options].map((option) => [option.value, option.textContent])).toEqual([
      ['english', 'English'],
      ['french', 'French'],
      ['simple', 'Simple (no stemming)'],
    ]);
    expect(select().value).toBe('english');
    expect(status()).toBe('');

    await act(async () => {
      select().value = 'simple';
      select().dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(server.requests.filter((request) => request.method === 'PATCH')).toEqual([{ method: 'PATCH', body: { language: 'simple' } }]);
    expect(select().value).toBe('simple');
    // Asked again until the server says nothing is left: 3, then 2, then none.
    const seen = new Set<string>([status()!]);
    await vi.waitFor(() => {
      seen.add(status()!);
      expect(status()).toBe('');
    });
    expect([...seen]).toContain('3 documents are being re-indexed.');
    const asked = server.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.requests.length).toBe(asked);
  });

  it('shows agents the language without a select', async () => {
    await mount(false, { ...english, documentsToReindex: 1 });
    expect(select()).toBeNull();
    expect(container.textContent).toContain('Language: English');
    expect(status()).toBe('1 document is being re-indexed.');
  });

  it("shows the server's refusal and keeps the language", async () => {
    const server = await mount(true, english);
    server.refuse('There is no text-search language "klingon".');
    await act(async () => {
      select().value = 'french';
      select().dispatchEvent(new Event('change', { bubbles: true }));
    });
    await settle();
    expect(container.querySelector('[role="alert"]')!.textContent).toBe('There is no text-search language "klingon".');
    expect(select().value).toBe('english');
  });
});
