// @vitest-environment happy-dom
import { ParleyError, type Attachment, type AttachmentPrepare } from '@parley/protocol';
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { message } from '../__fixtures__/factories.js';
import { settle } from '../__fixtures__/render.js';
import type { ConsoleFiles } from '../console-controller.js';
import { MessageList } from './message-list.js';
import { ReplyBox } from './reply-box.js';

let container: HTMLElement;

// The files chunk, loaded once up front: the components' own `import()` then resolves within a render's effects.
beforeAll(() => import('./files.js'));

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

/** Renders `vnode`, then waits until `ready` (the files chunk loaded) and the URLs came. */
async function mount(vnode: ComponentChild, ready?: string) {
  container = document.createElement('div');
  document.body.append(container);
  await act(() => render(vnode, container));
  if (ready) await vi.waitFor(() => expect(container.querySelector(ready)).not.toBeNull());
  await settle();
}

const photo: Attachment = {
  id: '0b7c8a3e-1111-4a1a-8a1a-000000000001',
  name: 'parcel.jpg',
  contentType: 'image/jpeg',
  size: 120_000,
  inline: true,
  thumbnail: true,
};
const invoice: Attachment = {
  id: '0b7c8a3e-1111-4a1a-8a1a-000000000002',
  name: 'invoice.pdf',
  contentType: 'application/pdf',
  size: 2.5 * 1024 * 1024,
  inline: false,
  thumbnail: false,
};

/** The agent socket's file events, as a fake: signed URLs per file and upload paths, with what was asked. */
function fakeSocket({ expiresIn = 5 * 60_000, refuse }: { expiresIn?: number; refuse?: ParleyError } = {}) {
  const urlRequests: string[] = [];
  const prepared: AttachmentPrepare[] = [];
  const files: ConsoleFiles = () => ({
    async attachmentUrl(attachmentId) {
      urlRequests.push(attachmentId);
      const round = urlRequests.length;
      return {
        path: `/api/attachments/${attachmentId}/file?sig=${round}`,
        thumbnailPath: attachmentId === photo.id ? `/api/attachments/${attachmentId}/thumbnail?sig=${round}` : null,
        expiresAt: new Date(Date.now() + expiresIn).toISOString(),
      };
    },
    async prepareAttachment(payload) {
      if (refuse) throw refuse;
      prepared.push(payload);
      return {
        attachmentId: `0b7c8a3e-2222-4a1a-8a1a-00000000000${prepared.length}`,
        uploadPath: `/api/attachments/upload-${prepared.length}?sig=x`,
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      };
    },
  });
  return { files, urlRequests, prepared };
}

/** `fetch` for the uploads: answers each `PUT` with `answer` (by default the stored file, named as uploaded). */
function stubUploads(answer?: (path: string, file: File) => Response) {
  const puts: { path: string; method: string | undefined; body: File }[] = [];
  const fetch = vi.fn(async (path: string, init: RequestInit) => {
    const body = init.body as File;
    puts.push({ path, method: init.method, body });
    if (answer) return answer(path, body);
    const number = path.match(/upload-(\d)/)![1];
    const stored: Attachment = {
      id: `0b7c8a3e-2222-4a1a-8a1a-00000000000${number}`,
      name: body.name,
      contentType: body.type,
      size: body.size,
      inline: false,
      thumbnail: false,
    };
    return new Response(JSON.stringify(stored), { status: 201, headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetch);
  return puts;
}

describe('files of a message', () => {
  it('shows an image as a preview linking to the file, anything else as a download link, with signed URLs', async () => {
    const socket = fakeSocket();
    await mount(
      <MessageList files={socket.files} messages={[message(1, { body: 'Here', attachments: [photo, invoice] })]} />,
      '.message-files',
    );

    expect(socket.urlRequests.toSorted()).toEqual([photo.id, invoice.id].toSorted());
    const image = container.querySelector<HTMLImageElement>('.message img')!;
    expect(image.alt).toBe('parcel.jpg');
    expect(image.getAttribute('src')).toMatch(new RegExp(`^/api/attachments/${photo.id}/thumbnail\\?sig=\\d$`));
    const preview = image.closest('a')!;
    expect(preview.getAttribute('href')).toMatch(new RegExp(`^/api/attachments/${photo.id}/file\\?sig=\\d$`));
    expect(preview.getAttribute('target')).toBe('_blank');
    expect(preview.getAttribute('rel')).toBe('noopener noreferrer');

    const download = container.querySelector<HTMLAnchorElement>('a[download]')!;
    expect(download.getAttribute('download')).toBe('invoice.pdf');
    expect(download.getAttribute('href')).toMatch(new RegExp(`^/api/attachments/${invoice.id}/file\\?sig=\\d$`));
    expect(download.textContent).toBe('invoice.pdf 2.5 MB');
    // Under the text of the message.
    expect(container.querySelector('.message-body')!.textContent).toBe('Here');
  });

  it('asks for a new URL when the agent comes near an expired link, not while it is valid', async () => {
    const fresh = fakeSocket();
    await mount(<MessageList files={fresh.files} messages={[message(1, { attachments: [invoice] })]} />, '.message-files');
    await act(async () => {
      container.querySelector('a[download]')!.dispatchEvent(new Event('pointerenter'));
    });
    await settle();
    expect(fresh.urlRequests).toEqual([invoice.id]);
    render(null, container);
    container.remove();

    const expired = fakeSocket({ expiresIn: -1000 });
    await mount(<MessageList files={expired.files} messages={[message(1, { attachments: [invoice] })]} />, '.message-files');
    expect(container.querySelector('a[download]')!.getAttribute('href')).toBe(`/api/attachments/${invoice.id}/file?sig=1`);
    await act(async () => container.querySelector<HTMLElement>('a[download]')!.focus());
    await settle();
    expect(expired.urlRequests).toEqual([invoice.id, invoice.id]);
    expect(container.querySelector('a[download]')!.getAttribute('href')).toBe(`/api/attachments/${invoice.id}/file?sig=2`);
  });

  it('shows no files without the socket to sign their URLs', async () => {
    await mount(<MessageList messages={[message(1, { attachments: [invoice] })]} />);
    expect(container.querySelector('.message-files')).toBeNull();
  });
});

const attachButton = () =>
  [...container.querySelectorAll<HTMLButtonElement>('button')].find((candidate) => candidate.textContent === 'Attach files');
const alert = () => container.querySelector('[role="alert"]')?.textContent ?? null;

async function choose(...chosen: File[]) {
  const input = container.querySelector<HTMLInputElement>('input[type="file"]')!;
  Object.defineProperty(input, 'files', { value: chosen, configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

function file(name: string, size = 3, type = 'text/plain') {
  const chosen = new File(['abc'], name, { type });
  if (size !== 3) Object.defineProperty(chosen, 'size', { value: size });
  return chosen;
}

describe('"Attach files" in the reply box', () => {
  it('opens a hidden picker of several files', async () => {
    await mount(<ReplyBox files={fakeSocket().files} onSend={() => {}} />, 'input[type="file"]');
    expect(attachButton()).toBeTruthy();
    const input = container.querySelector<HTMLInputElement>('input[type="file"]')!;
    expect(input.multiple).toBe(true);
    expect(input.hidden).toBe(true);
    const click = vi.spyOn(input, 'click').mockImplementation(() => {});
    await act(async () => attachButton()!.click());
    expect(click).toHaveBeenCalledOnce();
  });

  it('uploads the chosen files, then sends them at once as one message named after them', async () => {
    const socket = fakeSocket();
    const puts = stubUploads();
    const sent: unknown[][] = [];
    await mount(<ReplyBox files={socket.files} onSend={(...args) => sent.push(args)} />, 'input[type="file"]');

    const notes = file('notes.txt');
    const report = file('report.csv', 2048, 'text/csv');
    await choose(notes, report);

    expect(socket.prepared).toEqual([
      { name: 'notes.txt', size: 3 },
      { name: 'report.csv', size: 2048 },
    ]);
    expect(puts.map(({ path, method, body }) => [path, method, body])).toEqual([
      ['/api/attachments/upload-1?sig=x', 'PUT', notes],
      ['/api/attachments/upload-2?sig=x', 'PUT', report],
    ]);
    expect(sent).toEqual([
      ['notes.txt, report.csv', undefined, ['0b7c8a3e-2222-4a1a-8a1a-000000000001', '0b7c8a3e-2222-4a1a-8a1a-000000000002']],
    ]);
    expect(alert()).toBeNull();
    expect(attachButton()!.disabled).toBe(false);
  });

  it('refuses more than five files, and a file over 10 MB, before uploading anything', async () => {
    const socket = fakeSocket();
    const puts = stubUploads();
    const sent: unknown[][] = [];
    await mount(<ReplyBox files={socket.files} onSend={(...args) => sent.push(args)} />, 'input[type="file"]');

    await choose(...['a', 'b', 'c', 'd', 'e', 'f'].map((name) => file(`${name}.txt`)));
    expect(alert()).toBe('At most 5 files can be sent at once.');

    await choose(file('small.txt'), file('video.mp4', 10 * 1024 * 1024 + 1, 'video/mp4'));
    expect(alert()).toBe('“video.mp4” is too large: files can be at most 10 MB.');

    expect(socket.prepared).toEqual([]);
    expect(puts).toEqual([]);
    expect(sent).toEqual([]);

    // Exactly 10 MB goes, and the error goes away.
    await choose(file('exact.bin', 10 * 1024 * 1024, 'application/octet-stream'));
    expect(alert()).toBeNull();
    expect(sent.map(([body]) => body)).toEqual(['exact.bin']);
  });

  it('shows why the server refused an upload, and sends nothing', async () => {
    const socket = fakeSocket();
    stubUploads(
      () =>
        new Response(JSON.stringify({ error: { code: 'invalid_payload', message: 'This type of file is not accepted.' } }), {
          status: 400,
          headers: { 'content-type': 'application/json' },
        }),
    );
    const sent: unknown[][] = [];
    await mount(<ReplyBox files={socket.files} onSend={(...args) => sent.push(args)} />, 'input[type="file"]');

    await choose(file('setup.exe', 3, 'application/x-msdownload'));

    expect(alert()).toBe('The files were not sent: This type of file is not accepted.');
    expect(sent).toEqual([]);
    expect(attachButton()!.disabled).toBe(false);
  });

  it('shows a refused prepare (offline) in the same place', async () => {
    const socket = fakeSocket({ refuse: new ParleyError('unavailable', 'The console is not connected.') });
    stubUploads();
    await mount(<ReplyBox files={socket.files} onSend={() => {}} />, 'input[type="file"]');
    await choose(file('notes.txt'));
    expect(alert()).toBe('The files were not sent: The console is not connected.');
  });

  it('is not offered without files, nor for internal notes', async () => {
    await mount(<ReplyBox onSend={() => {}} />);
    expect(attachButton()).toBeUndefined();
    render(null, container);
    container.remove();

    await mount(<ReplyBox files={fakeSocket().files} onSend={() => {}} onWriteNote={async () => true} mode="note" />);
    expect(attachButton()).toBeUndefined();
  });
});
