// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { KNOWLEDGE_PDF_MAX_BYTES } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { knowledgeServer } from '../__fixtures__/knowledge-server.js';
import { MAX_CONCURRENT_UPLOADS } from '../use-knowledge-uploads.js';
import { KnowledgeBase } from './knowledge-base.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

async function mount() {
  const server = knowledgeServer();
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<KnowledgeBase api={server.api} canEdit />, container);
  });
  await settle();
  return server;
}

const zone = () => container.querySelector<HTMLElement>('.knowledge-dropzone')!;
const summary = () => container.querySelector('.knowledge-upload-summary')!.textContent;
const row = (index: number) => container.querySelectorAll<HTMLElement>('[aria-label="Uploads"] > li')[index]!;

function dragEvent(type: string, init: { files?: File[]; relatedTarget?: EventTarget | null } = {}) {
  const event = new Event(type, { bubbles: true, cancelable: true });
  Object.defineProperty(event, 'dataTransfer', { value: { files: init.files ?? [], types: ['Files'], dropEffect: 'none' } });
  Object.defineProperty(event, 'relatedTarget', { value: init.relatedTarget ?? null });
  return event;
}

async function drop(files: File[]) {
  await act(async () => {
    zone().dispatchEvent(dragEvent('drop', { files }));
  });
  await settle();
}

describe('the knowledge base drop zone', () => {
  it('highlights while files are dragged over it, and takes the drop', async () => {
    const server = await mount();
    const over = dragEvent('dragover');
    await act(async () => {
      zone().dispatchEvent(dragEvent('dragenter'));
      zone().dispatchEvent(over);
    });
    // Cancelled, or the browser would open the file instead of dropping it here.
    expect(over.defaultPrevented).toBe(true);
    expect(zone().classList.contains('is-dragover')).toBe(true);

    await act(async () => {
      zone().dispatchEvent(dragEvent('dragleave', { relatedTarget: zone().querySelector('button') }));
    });
    expect(zone().classList.contains('is-dragover')).toBe(true);
    await act(async () => {
      zone().dispatchEvent(dragEvent('dragleave', { relatedTarget: document.body }));
    });
    expect(zone().classList.contains('is-dragover')).toBe(false);

    await act(async () => {
      zone().dispatchEvent(dragEvent('dragover'));
    });
    await drop([new File(['Hi.'], 'hi.txt')]);
    expect(zone().classList.contains('is-dragover')).toBe(false);
    expect(server.uploads).toHaveLength(1);
  });

  it('keeps a file dropped beside the zone from opening in the tab', async () => {
    const server = await mount();
    const beside = dragEvent('drop', { files: [new File(['Hi.'], 'hi.txt')] });
    await act(async () => {
      container.querySelector('h1')!.dispatchEvent(beside);
    });
    expect(beside.defaultPrevented).toBe(true);
    expect(server.uploads).toHaveLength(0);
  });

  it('opens the native picker from a "Choose files" button; the input is labelled but out of the tab order', async () => {
    await mount();
    const input = zone().querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.getAttribute('aria-label')).toBe('Upload documents');
    expect(input.classList.contains('visually-hidden')).toBe(true);
    expect(input.tabIndex).toBe(-1);
    expect(input.multiple).toBe(true);
    const opened = vi.spyOn(input, 'click').mockImplementation(() => {});
    const button = [...zone().querySelectorAll('button')].find((candidate) => candidate.textContent === 'Choose files')!;
    expect(container.querySelector(`#${button.getAttribute('aria-describedby')}`)!.textContent).toContain('.jsonl');
    button.click();
    expect(opened).toHaveBeenCalledOnce();
  });

  it('shows each file reading, its bytes sent on the bar, then importing, then its outcome', async () => {
    const server = await mount();
    await drop([new File(['# Care\n\nWash cold.'], 'care.md')]);
    expect(summary()).toBe('0 of 1 imported, 1 in progress');

    const upload = server.uploads[0]!;
    await act(async () => upload.progress(40, 100));
    let bar = row(0).querySelector('progress')!;
    expect([bar.value, bar.max, bar.getAttribute('aria-label')]).toEqual([40, 100, 'care.md: uploading']);
    expect(row(0).querySelector('.knowledge-upload-phase')!.textContent).toBe('Uploading… 40%');

    await act(async () => upload.progress(100, 100));
    bar = row(0).querySelector('progress')!;
    // Indeterminate: the server is importing, for as long as it takes.
    expect(bar.hasAttribute('value')).toBe(false);
    expect(row(0).querySelector('.knowledge-upload-phase')!.textContent).toBe('Importing…');

    await act(async () => upload.succeed('unchanged'));
    await settle();
    expect(row(0).querySelector('progress')).toBeNull();
    expect(row(0).querySelector('.knowledge-upload-outcome')!.textContent).toBe('Unchanged · 3 chunks');
    expect(summary()).toBe('1 of 1 imported');
  });

  it(`sends ${MAX_CONCURRENT_UPLOADS} files at a time, and lists the documents again once, after the last`, async () => {
    const server = await mount();
    const files = ['a', 'b', 'c', 'd', 'e'].map((name) => new File([`${name} text`], `${name}.txt`));
    await drop(files);
    expect(server.uploads.map((upload) => upload.request.sourceKey)).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(row(3).querySelector('.knowledge-upload-phase')!.textContent).toBe('Waiting…');

    await act(async () => server.uploads[1]!.succeed('created'));
    await settle();
    expect(server.uploads.map((upload) => upload.request.sourceKey)).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);

    for (const index of [0, 2, 3]) await act(async () => server.uploads[index]!.succeed('created'));
    await settle();
    expect(server.uploads).toHaveLength(5);
    const lists = () => server.requests.filter((request) => request.path === '/api/knowledge/documents').length;
    expect(lists()).toBe(1);
    await act(async () => server.uploads[4]!.fail('unavailable', 'e.txt was not imported: the embeddings service failed. Try again.'));
    await settle();
    expect(lists()).toBe(2);
    expect(summary()).toBe('4 of 5 imported, 1 failed');
    expect(row(4).querySelector('.knowledge-upload-error')!.textContent).toBe(
      'Failed: e.txt was not imported: the embeddings service failed. Try again.',
    );
  });

  it('refuses empty files and a second file for a document being uploaded, saying why', async () => {
    const server = await mount();
    await drop([new File([''], 'empty.md'), new File(['One'], 'faq.csv'), new File(['Two'], 'faq.csv')]);
    expect(server.uploads).toHaveLength(1);
    expect([0, 1, 2].map((index) => row(index).querySelector('.knowledge-upload-error')?.textContent ?? null)).toEqual([
      'Refused: The file is empty.',
      null,
      'Refused: faq.csv is being uploaded already.',
    ]);
    expect(summary()).toBe('0 of 3 imported, 2 refused, 1 in progress');
  });

  it("sends a PDF's bytes base64-encoded in contentBase64, and refuses one over 20 MB before reading it", async () => {
    const server = await mount();
    const big = new File(['%PDF-'], 'catalogue.pdf');
    Object.defineProperty(big, 'size', { value: KNOWLEDGE_PDF_MAX_BYTES + 1 });
    await drop([new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0xff, 0x00])], 'manual.pdf'), big]);
    // The browser's FileReader encodes it in its own time.
    await vi.waitFor(() => expect(server.uploads).toHaveLength(1));
    expect(server.uploads.map((upload) => upload.request)).toEqual([
      { sourceKey: 'manual.pdf', format: 'pdf', contentBase64: 'JVBERi3/AA==' },
    ]);
    expect(row(1).querySelector('.knowledge-upload-error')!.textContent).toBe(
      'Refused: Larger than the 20 MB a PDF may have: split it, or import it with the CLI.',
    );
  });

  it('aborts the uploads in flight when the page goes', async () => {
    const server = await mount();
    await drop([new File(['Hi.'], 'hi.txt')]);
    const { signal } = server.uploads[0]!.options;
    expect(signal!.aborted).toBe(false);
    await act(async () => {
      render(null, container);
    });
    expect(signal!.aborted).toBe(true);
  });
});
