// @vitest-environment happy-dom
import type { SavedReply } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { SavedReplies } from './saved-replies.js';
import { settle } from '../__fixtures__/render.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const at = '2025-01-01T00:00:00.000Z';
const refund: SavedReply = {
  id: 'r1',
  shortcut: 'refund',
  title: 'Refunds',
  body: 'Refunds take {days} days.',
  scope: 'shared',
  createdAt: at,
  updatedAt: at,
};
const thanks: SavedReply = {
  id: 'r2',
  shortcut: 'thanks',
  title: 'Thanks',
  body: 'Thank you, {contact.name}!',
  scope: 'personal',
  createdAt: at,
  updatedAt: at,
};

/** A fake server: records requests, answers from the replies it holds, and refuses a shortcut it has. */
function fakeServer() {
  const requests: Array<{ method: string; path: string; body: unknown }> = [];
  let replies: SavedReply[] = [refund, thanks];
  const fetch: FetchFunction = async (path, init) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    requests.push({ method, path, body });
    if (method === 'GET' && path === '/api/saved-replies') return json(200, { savedReplies: replies });
    if (method === 'POST') {
      if (replies.some((reply) => reply.shortcut === body.shortcut && reply.scope === body.scope)) {
        return json(409, { error: { code: 'conflict', message: 'You have a saved reply with the shortcut /thanks already.' } });
      }
      const created = { ...body, id: `r${replies.length + 1}`, createdAt: at, updatedAt: at } as SavedReply;
      replies = [...replies, created].toSorted((a, b) => a.shortcut.localeCompare(b.shortcut));
      return json(201, created);
    }
    const id = path.split('/').at(-1);
    if (method === 'PATCH') {
      replies = replies.map((reply) => (reply.id === id ? { ...reply, ...body } : reply));
      return json(
        200,
        replies.find((reply) => reply.id === id),
      );
    }
    if (method === 'DELETE') {
      replies = replies.filter((reply) => reply.id !== id);
      return new Response(null, { status: 204 });
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };
  return { fetch, requests };
}

async function mount(canShare: boolean) {
  const server = fakeServer();
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<SavedReplies api={createApi({ fetch: server.fetch })} canShare={canShare} />, container);
  });
  await settle();
  return server;
}

const group = (name: string) => container.querySelector(`section[aria-label="${name}"]`)!;
const shortcutsIn = (name: string) => [...group(name).querySelectorAll('.saved-reply-shortcut')].map((element) => element.textContent);
const field = <T extends HTMLElement>(label: string) =>
  [...container.querySelectorAll('label')]
    .find((candidate) => candidate.querySelector('span')?.textContent === label)!
    .querySelector<T>('input, textarea, select')!;
const buttonIn = (root: ParentNode, name: string) =>
  [...root.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);

async function fill(label: string, value: string) {
  await act(async () => {
    const element = field<HTMLInputElement>(label);
    element.value = value;
    element.dispatchEvent(new Event(element.tagName === 'SELECT' ? 'change' : 'input', { bubbles: true }));
  });
}

async function submit() {
  await act(async () => {
    container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

describe('SavedReplies', () => {
  it('lists shared and personal replies, and lets an agent add a personal one but not touch shared ones', async () => {
    const server = await mount(false);
    expect(shortcutsIn('Shared with the organization')).toEqual(['/refund']);
    expect(shortcutsIn('Only you')).toEqual(['/thanks']);
    expect(group('Only you').querySelector('.saved-reply-body')!.textContent).toBe('Thank you, {contact.name}!');
    // Shared replies are the admins': no buttons for them, and no way to choose the scope.
    expect(buttonIn(group('Shared with the organization'), 'Edit')).toBeUndefined();
    expect(buttonIn(group('Shared with the organization'), 'Delete')).toBeUndefined();
    expect(container.querySelector('select')).toBeNull();

    await fill('Shortcut', 'hello');
    await fill('Title', 'Greeting');
    await fill('Text', 'Hi {contact.name}!');
    await submit();
    expect(server.requests.filter((request) => request.method === 'POST').map((request) => request.body)).toEqual([
      { shortcut: 'hello', title: 'Greeting', body: 'Hi {contact.name}!', scope: 'personal' },
    ]);
    expect(shortcutsIn('Only you')).toEqual(['/hello', '/thanks']);
    expect(container.querySelector('[role="status"]')!.textContent).toBe('Added /hello.');
    expect(field<HTMLInputElement>('Shortcut').value).toBe('');
  });

  it("shows the server's refusal and keeps what was typed", async () => {
    await mount(false);
    await fill('Shortcut', 'thanks');
    await fill('Title', 'Thanks again');
    await fill('Text', 'Thanks!');
    await submit();
    expect(container.querySelector('[role="alert"]')!.textContent).toBe('You have a saved reply with the shortcut /thanks already.');
    expect(field<HTMLInputElement>('Title').value).toBe('Thanks again');
  });

  it('lets an admin add a shared reply, edit one and delete one', async () => {
    const server = await mount(true);
    await fill('Shortcut', 'shipping');
    await fill('Title', 'Shipping');
    await fill('Text', 'We ship in 2 days.');
    await fill('Who can use it', 'shared');
    await submit();
    expect(server.requests.find((request) => request.method === 'POST')!.body).toEqual({
      shortcut: 'shipping',
      title: 'Shipping',
      body: 'We ship in 2 days.',
      scope: 'shared',
    });
    expect(shortcutsIn('Shared with the organization')).toEqual(['/refund', '/shipping']);

    await act(async () => buttonIn(group('Shared with the organization'), 'Edit')!.click());
    expect(container.querySelector('form h2')!.textContent).toBe('Edit /refund');
    expect(field<HTMLTextAreaElement>('Text').value).toBe('Refunds take {days} days.');
    await fill('Text', 'Refunds take 5 days.');
    await submit();
    expect(server.requests.find((request) => request.method === 'PATCH')).toEqual({
      method: 'PATCH',
      path: '/api/saved-replies/r1',
      body: { shortcut: 'refund', title: 'Refunds', body: 'Refunds take 5 days.', scope: 'shared' },
    });
    expect(group('Shared with the organization').querySelector('.saved-reply-body')!.textContent).toBe('Refunds take 5 days.');

    const confirm = vi.fn(() => true);
    vi.stubGlobal('confirm', confirm);
    await act(async () => buttonIn(group('Only you'), 'Delete')!.click());
    await settle();
    expect(confirm).toHaveBeenCalledWith('Delete the saved reply /thanks?');
    expect(server.requests.at(-2)).toMatchObject({ method: 'DELETE', path: '/api/saved-replies/r2' });
    expect(group('Only you').textContent).toContain('No personal replies yet.');
  });
});
