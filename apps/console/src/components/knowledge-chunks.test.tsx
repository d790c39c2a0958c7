// @vitest-environment happy-dom
import { ParleyError, type KnowledgeDocumentChunks } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { knowledgeDocument, knowledgeServer, returnsChunks } from '../__fixtures__/knowledge-server.js';
import { KnowledgeBase } from './knowledge-base.js';
import { KnowledgeChunksDialog } from './knowledge-chunks.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function mountContainer() {
  container = document.createElement('div');
  document.body.append(container);
}

describe('KnowledgeChunksDialog', () => {
  it("lists the document's chunks in order, with their section, length and text", async () => {
    mountContainer();
    let answer!: (chunks: KnowledgeDocumentChunks) => void;
    const api = { getKnowledgeDocumentChunks: vi.fn(() => new Promise<KnowledgeDocumentChunks>((resolve) => (answer = resolve))) };
    const document = knowledgeDocument();
    await act(async () => {
      render(<KnowledgeChunksDialog api={api} document={document} onClose={() => {}} />, container);
    });
    expect(api.getKnowledgeDocumentChunks).toHaveBeenCalledWith('d1');
    const dialog = container.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(container.querySelector(`#${dialog.getAttribute('aria-labelledby')}`)!.textContent).toBe('Chunks of Returns');
    expect(dialog.querySelector('[role="status"]')!.textContent).toBe('Loading chunks…');
    expect(dialog.querySelector('.knowledge-chunks-about')!.textContent).toBe('returns.md · Markdown · 2 chunks · 60 characters');

    await act(async () => answer({ document, chunks: returnsChunks }));
    await settle();
    expect(dialog.querySelector('[role="status"]')).toBeNull();
    const items = [...dialog.querySelectorAll('[aria-label="Chunks"] > li')];
    expect(items.map((item) => item.querySelector('.knowledge-chunk-meta')!.textContent)).toEqual([
      '1Before the first heading32 characters',
      '2Exchanges › Sizes24 characters',
    ]);
    // Text, never markup.
    expect(items[1]!.querySelector('.knowledge-chunk-body')!.textContent).toBe('Swap a size <b>free</b>.');
    expect(items[1]!.querySelector('b')).toBeNull();
  });

  it('names the page of a PDF chunk instead of a section', async () => {
    mountContainer();
    const document = knowledgeDocument({ sourceKey: 'manual.pdf', format: 'pdf', title: 'Manual', chunkCount: 1, characterCount: 15 });
    const chunk = { id: 9, position: 0, headingPath: [], body: 'Clean it often.', url: null, page: 2, characterCount: 15 };
    const api = { getKnowledgeDocumentChunks: () => Promise.resolve({ document, chunks: [chunk] }) };
    await act(async () => {
      render(<KnowledgeChunksDialog api={api} document={document} onClose={() => {}} />, container);
    });
    await settle();
    expect(container.querySelector('.knowledge-chunks-about')!.textContent).toBe('manual.pdf · PDF · 1 chunk · 15 characters');
    expect(container.querySelector('.knowledge-chunk-meta')!.textContent).toBe('1Page 215 characters');
  });

  it("says why when the chunks can't be loaded", async () => {
    mountContainer();
    const api = { getKnowledgeDocumentChunks: () => Promise.reject(new ParleyError('not_found', 'No such document.')) };
    await act(async () => {
      render(<KnowledgeChunksDialog api={api} document={knowledgeDocument()} onClose={() => {}} />, container);
    });
    await settle();
    expect(container.querySelector('[role="alert"]')!.textContent).toBe('No such document.');
  });

  it('closes with Escape or Close, and gives the focus back to the button that opened it', async () => {
    const server = knowledgeServer();
    mountContainer();
    await act(async () => {
      render(<KnowledgeBase api={server.api} canEdit={false} />, container);
    });
    await settle();
    const opener = container.querySelector<HTMLButtonElement>('[aria-label="View chunks of Returns"]')!;
    opener.focus();
    await act(async () => opener.click());
    await settle();
    const close = [...container.querySelectorAll<HTMLButtonElement>('[role="dialog"] button')].find(
      (button) => button.textContent === 'Close',
    )!;
    expect(document.activeElement).toBe(close);

    await act(async () => {
      container.querySelector('[role="dialog"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    });
    expect(container.querySelector('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);

    await act(async () => opener.click());
    await settle();
    await act(async () => {
      [...container.querySelectorAll<HTMLButtonElement>('[role="dialog"] button')]
        .find((button) => button.textContent === 'Close')!
        .click();
    });
    expect(container.querySelector('[role="dialog"]')).toBeNull();
  });
});
