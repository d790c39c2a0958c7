// @vitest-environment happy-dom
import { ParleyError, type VisitorConversationSummary } from '@parley/client';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClient, message, session as baseSession } from './__fixtures__/fake-client.js';
import { mountApp, type AppHandle } from './mount-app.js';

let mounted: AppHandle[] = [];
afterEach(() => {
  for (const handle of mounted) handle.unmount();
  mounted = [];
});

async function setup(client: FakeClient) {
  let handle!: AppHandle;
  await act(() => {
    handle = mountApp(client, { open: true });
  });
  mounted.push(handle);
  return document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
}

const nameOf = (element: Element) => element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '';
const button = (root: ShadowRoot, name: string) => [...root.querySelectorAll('button')].find((found) => nameOf(found) === name) ?? null;

const pastOne: VisitorConversationSummary = {
  id: 'past-1',
  status: 'closed',
  createdAt: '2026-11-02T10:00:00.000Z',
  lastMessage: { authorKind: 'agent', body: 'Your **refund** is on its way.', createdAt: '2026-11-02T10:05:00.000Z' },
};
const pastTwo: VisitorConversationSummary = { id: 'past-2', status: 'closed', createdAt: '2026-10-01T09:00:00.000Z', lastMessage: null };

/** A visitor with no conversation going on and two past ones. */
function returningVisitor() {
  const client = new FakeClient();
  client.session = { ...baseSession, conversation: null, pastConversations: 2 };
  client.conversationList = () => Promise.resolve([pastOne, pastTwo]);
  client.pastMessages = {
    'past-1': [
      { ...message('visitor', 'I want a refund'), conversationId: 'past-1', seq: 1 },
      { ...message('agent', 'Your **refund** is on its way.', 'Robin'), conversationId: 'past-1', seq: 2 },
    ],
  };
  return client;
}

describe('several conversations', () => {
  it('offers to start a new conversation under a resolved one, and gives the composer the focus once it has', async () => {
    const client = new FakeClient();
    const root = await setup(client);
    expect(button(root, 'Start a new conversation')).toBeNull();
    await act(() => client.setConversationStatus('resolved'));
    await vi.waitFor(() => expect(button(root, 'Start a new conversation')).not.toBeNull());

    await act(async () => {
      button(root, 'Start a new conversation')!.click();
      await Promise.resolve();
    });
    expect(client.startedOver).toBe(1);
    expect(root.activeElement).toBe(root.querySelector('textarea'));
    expect(button(root, 'Start a new conversation')).toBeNull();
    // The conversation started over is among the earlier ones now.
    await vi.waitFor(() => expect(button(root, 'Earlier conversations')).not.toBeNull());
  });

  it('says why a new conversation could not be started, and keeps the offer', async () => {
    const client = new FakeClient();
    client.startConversationResult = () => Promise.reject(new ParleyError('unavailable', 'Not connected.'));
    const root = await setup(client);
    await act(() => client.setConversationStatus('resolved'));
    await vi.waitFor(() => expect(button(root, 'Start a new conversation')).not.toBeNull());
    await act(async () => {
      button(root, 'Start a new conversation')!.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(root.querySelector('[role="alert"]')!.textContent).toBe('Not connected.');
    expect(button(root, 'Start a new conversation')).not.toBeNull();
  });

  it('lists the earlier conversations over the panel, reads one, and goes back with the button or Escape', async () => {
    const client = returningVisitor();
    const root = await setup(client);
    await vi.waitFor(() => expect(button(root, 'Earlier conversations')).not.toBeNull());
    await act(() => button(root, 'Earlier conversations')!.click());
    const dialog = root.querySelector<HTMLElement>('.history[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBe('Earlier conversations');
    await vi.waitFor(() => expect(dialog.querySelectorAll('.history-list button')).toHaveLength(2));
    expect(root.activeElement).toBe(dialog.querySelector('h3'));
    const items = [...dialog.querySelectorAll('.history-list button')].map((item) => item.textContent);
    expect(items).toEqual(['Nov 2, 2026Your refund is on its way.', 'Oct 1, 2026No messages']);

    await act(() => dialog.querySelector<HTMLButtonElement>('.history-list button')!.click());
    await vi.waitFor(() => expect(dialog.querySelectorAll('.log .message')).toHaveLength(2));
    expect(client.readRequests).toEqual([['past-1', 0]]);
    expect(dialog.querySelector('h3')!.textContent).toBe('Nov 2, 2026');
    expect(dialog.querySelector('.log')!.textContent).toContain('Robin');
    // Markdown as in the chat: an element, never the markers.
    expect(dialog.querySelector('.log strong')!.textContent).toBe('refund');

    // Escape goes back to the list, not out of the chat.
    await act(() => dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    await vi.waitFor(() => expect(dialog.querySelectorAll('.history-list button')).toHaveLength(2));
    expect(root.querySelector('.panel')).not.toBeNull();
    // The back button leaves the list: the chat again, focus on the link that opened it.
    await act(() => button(root, 'Back to the chat')!.click());
    expect(root.querySelector('.history')).toBeNull();
    expect(root.activeElement).toBe(button(root, 'Earlier conversations'));
  });

  it('reads a long conversation page after page', async () => {
    const client = returningVisitor();
    client.pastMessages['past-1'] = Array.from({ length: 1203 }, (_, index) => ({
      ...message('visitor', `Line ${index + 1}`),
      id: `long-${index}`,
      conversationId: 'past-1',
      seq: index + 1,
    }));
    const root = await setup(client);
    await vi.waitFor(() => expect(button(root, 'Earlier conversations')).not.toBeNull());
    await act(() => button(root, 'Earlier conversations')!.click());
    await vi.waitFor(() => expect(root.querySelectorAll('.history-list button')).toHaveLength(2));
    await act(() => root.querySelector<HTMLButtonElement>('.history-list button')!.click());
    await vi.waitFor(() => expect(root.querySelectorAll('.history .log .message')).toHaveLength(1203));
    expect(client.readRequests).toEqual([
      ['past-1', 0],
      ['past-1', 500],
      ['past-1', 1000],
    ]);
  });

  it('leaves out the current conversation, says when the list cannot be loaded, and offers nothing during a conversation', async () => {
    const client = returningVisitor();
    client.session = { ...client.session!, conversation: { id: 'past-1', status: 'resolved', lastSeq: 2 } };
    const root = await setup(client);
    await vi.waitFor(() => expect(button(root, 'Earlier conversations')).not.toBeNull());
    await act(() => button(root, 'Earlier conversations')!.click());
    await vi.waitFor(() => expect(root.querySelectorAll('.history-list button')).toHaveLength(1));
    expect(root.querySelector('.history-list')!.textContent).toContain('No messages');
    await act(() => button(root, 'Back to the chat')!.click());

    client.conversationList = () => Promise.reject(new ParleyError('unavailable', 'Not connected.'));
    await act(() => button(root, 'Earlier conversations')!.click());
    await vi.waitFor(() => expect(root.querySelector('.history [role="alert"]')?.textContent).toBe("Couldn't load them: Not connected."));
    await act(() => button(root, 'Back to the chat')!.click());

    await act(() => client.setConversationStatus('agent'));
    expect(button(root, 'Earlier conversations')).toBeNull();
    expect(button(root, 'Start a new conversation')).toBeNull();
  });
});
