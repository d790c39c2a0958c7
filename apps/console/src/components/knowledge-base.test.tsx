// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { knowledgeDocument, knowledgeServer } from '../__fixtures__/knowledge-server.js';
import { KnowledgeBase } from './knowledge-base.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

async function mount(canEdit: boolean, documents = [knowledgeDocument()]) {
  const server = knowledgeServer(documents);
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<KnowledgeBase api={server.api} canEdit={canEdit} />, container);
  });
  await settle();
  return server;
}

const rows = () =>
  [...container.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim()));
const buttonNamed = (name: string) =>
  [...container.querySelectorAll('button')].find((button) => button.getAttribute('aria-label') === name);
const uploadRows = () => [...container.querySelectorAll('[aria-label="Uploads"] > li')].map((row) => row.textContent);

async function drop(files: File[]) {
  const zone = container.querySelector('.knowledge-dropzone')!;
  const event = new Event('drop', { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { files, types: ['Files'] } });
  await act(async () => {
    zone.dispatchEvent(event);
  });
  await settle();
}

async function choose(input: HTMLInputElement, files: File[]) {
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

describe('KnowledgeBase', () => {
  it('lists the documents with their source file, format, chunk count and actions', async () => {
    await mount(true, [
      knowledgeDocument(),
      knowledgeDocument({ id: 'd2', sourceKey: 'faq.csv', format: 'faq', title: 'FAQ', url: null, chunkCount: 12 }),
    ]);
    expect(container.querySelector('h1')!.textContent).toBe('Knowledge base');
    expect([...container.querySelectorAll('h2')].map((heading) => heading.textContent)).toEqual([
      'Add documents',
      'Websites',
      'Documents',
      'What the bot would find',
    ]);
    expect(rows().map((row) => row.slice(0, 3))).toEqual([
      ['Returnsreturns.md', 'Markdown', '2'],
      ['FAQfaq.csv', 'FAQ', '12'],
    ]);
    expect(container.querySelector<HTMLAnchorElement>('tbody a')!.getAttribute('href')).toBe('https://shop.example/returns');
    // The accessible names start with the visible text (axe's label-content-name-mismatch).
    for (const name of ['View chunks of Returns', 'Re-import Returns', 'Delete Returns']) {
      const button = buttonNamed(name)!;
      expect(name.startsWith(button.textContent!.trim())).toBe(true);
    }
  });

  it('uploads dropped files with their outcome, refuses other types, retries, and lists the documents again', async () => {
    const server = await mount(true);
    await drop([new File(['# Shipping\n\nFast.'], 'shipping.md'), new File(['a,b'], 'broken.csv'), new File(['PK'], 'manual.docx')]);

    expect(server.uploads.map((upload) => upload.request)).toEqual([
      { sourceKey: 'shipping.md', format: 'markdown', content: '# Shipping\n\nFast.' },
      { sourceKey: 'broken.csv', format: 'faq', content: 'a,b' },
    ]);
    expect(uploadRows()[2]).toBe(
      'manual.docx 2 bytesRefused: Not a supported file type. Use .md, .markdown, .mdx, .html, .htm, .txt, .csv, .jsonl, .pdf.',
    );

    await act(async () => {
      server.uploads[0]!.succeed('created', { warnings: ['An unresolved macro {!x.md!} was dropped.'] });
      server.uploads[1]!.fail('invalid_document', 'broken.csv: A FAQ CSV file needs a header row with "question" and "answer" columns.');
    });
    await settle();
    expect(uploadRows().slice(0, 2)).toEqual([
      'shipping.md 17 bytesAdded · 3 chunksAn unresolved macro {!x.md!} was dropped.',
      'broken.csv 3 bytesFailed: broken.csv: A FAQ CSV file needs a header row with "question" and "answer" columns.Retry',
    ]);
    expect(container.querySelector('[role="status"]')!.textContent).toBe('1 of 3 imported, 1 failed, 1 refused');
    // The batch is over: the list is asked for again and shows the new document.
    expect(server.requests.filter((request) => request.path === '/api/knowledge/documents')).toHaveLength(2);
    expect(rows().map((row) => row[0])).toEqual(['Returnsreturns.md', 'shippingshipping.md']);

    await act(async () => {
      buttonNamed('Retry broken.csv')!.click();
    });
    await settle();
    expect(server.uploads).toHaveLength(3);
    expect(server.uploads[2]!.request.sourceKey).toBe('broken.csv');
    await act(async () => {
      server.uploads[2]!.succeed('created');
    });
    await settle();
    expect(uploadRows()[1]).toBe('broken.csv 3 bytesAdded · 3 chunks');
    expect(container.querySelector('[role="status"]')!.textContent).toBe('2 of 3 imported, 1 refused');
  });

  it('uploads files chosen with the picker', async () => {
    const server = await mount(true);
    const input = container.querySelector<HTMLInputElement>('input[aria-label="Upload documents"]')!;
    expect(input.accept).toBe('.md,.markdown,.mdx,.html,.htm,.txt,.csv,.jsonl,.pdf');
    await choose(input, [new File(['Hello.'], 'hello.txt')]);
    expect(server.uploads.map((upload) => upload.request)).toEqual([{ sourceKey: 'hello.txt', format: 'text', content: 'Hello.' }]);
  });

  it("re-imports a document from a file picked for it, under the document's sourceKey", async () => {
    const server = await mount(true, [knowledgeDocument({ sourceKey: 'help/returns.md' })]);
    const picker = container.querySelector<HTMLInputElement>('input[aria-label="Replacement file"]')!;
    const opened = vi.spyOn(picker, 'click').mockImplementation(() => {});
    await act(async () => {
      buttonNamed('Re-import Returns')!.click();
    });
    expect(opened).toHaveBeenCalled();
    await choose(picker, [new File(['# Returns\n\n60 days now.'], 'returns-2026.md')]);
    expect(server.uploads.map((upload) => upload.request)).toEqual([
      { sourceKey: 'help/returns.md', format: 'markdown', content: '# Returns\n\n60 days now.' },
    ]);
    await act(async () => {
      server.uploads[0]!.succeed('updated');
    });
    await settle();
    expect(uploadRows()).toEqual(['returns-2026.md 23 bytesReplaces Returns (help/returns.md)Updated · 3 chunks']);
  });

  it('asks before deleting, naming the document', async () => {
    const server = await mount(true);
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await act(async () => {
      buttonNamed('Delete Returns')!.click();
    });
    await settle();
    expect(confirm).toHaveBeenCalledWith('Delete "Returns" from the knowledge base?');
    expect(server.requests.some((request) => request.method === 'DELETE')).toBe(false);

    confirm.mockReturnValue(true);
    await act(async () => {
      buttonNamed('Delete Returns')!.click();
    });
    await settle();
    expect(server.requests.some((request) => request.method === 'DELETE' && request.path === '/api/knowledge/documents/d1')).toBe(true);
    expect(container.querySelector('table')).toBeNull();
    expect(container.textContent).toContain('No documents yet.');
  });

  it("lets an agent view a document's chunks and search, without upload, re-import or delete", async () => {
    const server = await mount(false);
    expect(container.querySelector('.knowledge-dropzone')).toBeNull();
    expect(container.querySelector('input[type="file"]')).toBeNull();
    expect(buttonNamed('Re-import Returns')).toBeUndefined();
    expect(buttonNamed('Delete Returns')).toBeUndefined();

    await act(async () => {
      buttonNamed('View chunks of Returns')!.click();
    });
    await settle();
    expect(server.requests.at(-1)).toEqual({ method: 'GET', path: '/api/knowledge/documents/d1/chunks' });
    const dialog = container.querySelector('[role="dialog"]')!;
    expect(dialog.querySelector('h2')!.textContent).toBe('Chunks of Returns');
    expect([...dialog.querySelectorAll('.knowledge-chunk-section')].map((section) => section.textContent)).toEqual([
      'Before the first heading',
      'Exchanges › Sizes',
    ]);

    const search = container.querySelector<HTMLInputElement>('input[type="search"]')!;
    expect(search.closest('label')!.textContent).toContain('Try a question');
    await act(async () => {
      search.value = 'return window';
      search.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(async () => {
      container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await settle();
    const hit = container.querySelector('[aria-label="Passages found"] li')!;
    expect(hit.querySelector('strong')!.textContent).toBe('Returns › Exchanges');
    expect(hit.textContent).toContain('75% of the question');
    expect(hit.querySelector('p')!.textContent).toBe('<b>30 days</b>');
    expect(hit.querySelector('b')).toBeNull();
  });
});
