// @vitest-environment happy-dom
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { pendingAction } from '../__fixtures__/pending-actions.js';
import { buttonIn, click } from '../__fixtures__/settings-page.js';
import { ApprovalsMenu, approvalsWaiting } from './approvals-menu.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const byId = (...actions: ReturnType<typeof pendingAction>[]) => Object.fromEntries(actions.map((action) => [action.id, action]));

function mount(actions: ReturnType<typeof byId>, onOpenConversation = vi.fn()) {
  container = document.createElement('div');
  document.body.append(container);
  act(() =>
    render(
      <ApprovalsMenu actions={actions} conversationHref={(id) => `/console/conversations/${id}`} onOpenConversation={onOpenConversation} />,
      container,
    ),
  );
  return onOpenConversation;
}

describe('ApprovalsMenu', () => {
  it('counts only the calls waiting for an agent’s approval, the oldest first', () => {
    const newer = pendingAction(3, { conversationId: 'c-3', summary: 'Refund order B-2' });
    const older = pendingAction(1, { conversationId: 'c-1' });
    const held = byId(newer, older, pendingAction(2, { policy: 'confirm' }), pendingAction(4, { status: 'approved' }));
    expect(approvalsWaiting(held).map((action) => action.id)).toEqual([older.id, newer.id]);
    mount(held);
    const button = container.querySelector('button')!;
    expect(button.textContent).toBe('Approvals 2 waiting');
    expect(button.getAttribute('aria-expanded')).toBe('false');
  });

  it('lists each with a link to its conversation, opened in the console on a click', async () => {
    const onOpen = mount(byId(pendingAction(1, { conversationId: 'c-1', summary: '<b>Refund</b> order A-17' })));
    await click(buttonIn(container, 'Approvals 1 waiting'));
    const panel = container.querySelector('[role="group"]')!;
    expect(panel.getAttribute('aria-label')).toBe('1 approval waiting');
    const link = panel.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('/console/conversations/c-1');
    // Text, never HTML.
    expect(link.textContent).toBe('<b>Refund</b> order A-17');
    expect(link.querySelector('b')).toBeNull();
    await act(async () => link.click());
    expect(onOpen).toHaveBeenCalledWith('c-1');
    expect(container.querySelector('[role="group"]')).toBeNull();
  });

  it('shows nothing while none waits', () => {
    mount(byId(pendingAction(1, { status: 'expired' })));
    expect(container.innerHTML).toBe('');
  });
});
