// @vitest-environment happy-dom
import { ParleyError } from '@parley/client';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClient, message } from './__fixtures__/fake-client.js';
import { mountApp, type AppHandle } from './mount-app.js';

let mounted: AppHandle[] = [];
afterEach(() => {
  for (const handle of mounted) handle.unmount();
  mounted = [];
});

async function openWidget(client: FakeClient) {
  let handle!: AppHandle;
  await act(() => {
    handle = mountApp(client, { open: true });
  });
  mounted.push(handle);
  const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
  await vi.waitFor(() => expect(root.querySelector('button.attach')).not.toBeNull());
  return root;
}

/** Chooses `files` in the composer's file picker, as the browser reports a choice. */
async function choose(root: ShadowRoot, files: File[]) {
  const input = root.querySelector<HTMLInputElement>('.composer input[type="file"]')!;
  Object.defineProperty(input, 'files', { value: files, configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

const file = (name: string, size: number) => new File([new Uint8Array(size)], name);
const status = (root: ShadowRoot) => root.querySelector('.line')?.textContent ?? '';

describe('files in the widget', () => {
  it('attaches with a labelled button that opens the picker, uploads the chosen files and sends them in one message', async () => {
    const client = new FakeClient();
    const root = await openWidget(client);
    const button = root.querySelector<HTMLButtonElement>('button.attach')!;
    expect(button.getAttribute('aria-label')).toBe('Attach files');
    const picker = root.querySelector<HTMLInputElement>('.composer input[type="file"]')!;
    const opened = vi.spyOn(picker, 'click');
    await act(() => button.click());
    expect(opened).toHaveBeenCalledOnce();

    await choose(root, [file('receipt.pdf', 2048), file('box.png', 512)]);
    expect(client.uploads).toEqual(['receipt.pdf', 'box.png']);
    expect(client.sentWithFiles).toEqual([['receipt.pdf, box.png', ['file-1', 'file-2']]]);
    expect(status(root)).toBe('');
  });

  it('refuses more than five files or one over 10 MB before uploading anything, and says why', async () => {
    const client = new FakeClient();
    const root = await openWidget(client);
    await choose(
      root,
      Array.from({ length: 6 }, (_, index) => file(`photo-${index}.png`, 10)),
    );
    expect(status(root)).toBe('At most 5 files at once.');
    await choose(root, [file('small.png', 10), file('video.mp4', 10 * 1024 * 1024 + 1)]);
    expect(status(root)).toBe('video.mp4 is larger than 10 MB.');
    expect(client.uploads).toEqual([]);
    expect(client.sent).toEqual([]);
  });

  it('says why a file was refused by the server, and sends nothing', async () => {
    const client = new FakeClient();
    client.uploadResult = () => Promise.reject(new ParleyError('invalid_payload', 'This type of file is not accepted.'));
    const root = await openWidget(client);
    await choose(root, [file('photo.png.exe', 100)]);
    expect(status(root)).toBe('Files not sent: This type of file is not accepted.');
    expect(root.querySelector('.line')!.getAttribute('role')).toBe('alert');
    expect(client.sent).toEqual([]);
  });

  it("shows an image's preview linking to the image, and any other file as a download with its size", async () => {
    const client = new FakeClient();
    const root = await openWidget(client);
    await act(() =>
      client.receive({
        ...message('agent', 'Here you go', 'Robin'),
        attachments: [
          { id: 'img-1', name: 'label.png', contentType: 'image/png', size: 2000, inline: true, thumbnail: true },
          { id: 'doc-1', name: 'page.html', contentType: 'text/plain; charset=utf-8', size: 1_500_000, inline: false, thumbnail: false },
        ],
      }),
    );
    await vi.waitFor(() => expect(root.querySelector('.files img')).not.toBeNull());
    const image = root.querySelector<HTMLImageElement>('.files img')!;
    expect(image.getAttribute('alt')).toBe('label.png');
    expect(image.getAttribute('src')).toBe('https://chat.example.com/api/files/img-1?variant=thumbnail');
    const imageLink = image.closest('a')!;
    expect(imageLink.getAttribute('href')).toBe('https://chat.example.com/api/files/img-1?variant=file');
    expect(imageLink.getAttribute('rel')).toBe('noopener noreferrer');

    const download = [...root.querySelectorAll<HTMLAnchorElement>('.files a')].find((link) => link.textContent?.includes('page.html'))!;
    // Never an inline frame or image: a link that downloads it.
    expect(download.getAttribute('download')).toBe('page.html');
    expect(download.querySelector('small')!.textContent).toBe('1.4 MB');
    expect(root.querySelector('.files iframe, .files object, .files embed')).toBeNull();
    expect(client.urlRequests.toSorted()).toEqual(['doc-1', 'img-1']);
  });
});
