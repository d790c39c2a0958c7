// @vitest-environment happy-dom
import type { MessageAction, PendingAction } from '@parley/protocol';
import { ParleyError } from '@parley/protocol';
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message } from '../__fixtures__/factories.js';
import { pendingAction } from '../__fixtures__/pending-actions.js';
import { settle } from '../__fixtures__/render.js';
import { buttonIn, click, fieldIn, type } from '../__fixtures__/settings-page.js';
import { MessageList } from './message-list.js';
import { decisionStatusText, inputLines, PendingActionCard, type Approvals } from './pending-action-card.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function mount(vnode: ComponentChild) {
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(vnode, container));
}

const BILLING = '30000000-0000-4000-8000-000000000001';
const MEMBER = '10000000-0000-4000-8000-000000000001';
const OTHER = '10000000-0000-4000-8000-000000000002';
const teams = [{ id: BILLING, name: 'Billing', memberIds: [MEMBER] }];
const waiting = pendingAction(1, { teamId: BILLING });
const asked: MessageAction = { id: waiting.id, policy: 'approve', summary: waiting.summary };

/**
 * Approvals holding `actions`, seen by `viewer` (a Billing member unless told), whose decision route answers with `answer`
 * (or throws it), recording each call.
 */
function approvalsWith(
  actions: PendingAction[],
  answer: (body: unknown) => PendingAction | ParleyError,
  viewer: Approvals['viewer'] = { id: MEMBER, isAdmin: false },
) {
  const calls: Array<{ method: string; path: string; body: unknown }> = [];
  const approvals: Approvals = {
    actions: Object.fromEntries(actions.map((action) => [action.id, action])),
    teams,
    viewer,
    request: (async (method: string, path: string, body?: unknown) => {
      calls.push({ method, path, body });
      const result = answer(body);
      if (result instanceof ParleyError) throw result;
      return result;
    }) as Approvals['request'],
  };
  return { approvals, calls };
}

const card = () => container.querySelector<HTMLElement>('[role="group"]')!;
const statusLine = () => card().querySelector('[role="status"]')!.textContent;

describe('PendingActionCard', () => {
  it('is a group named by the summary, with the inputs as text and the status read out', () => {
    const markup = '<img src=x onerror=alert(1)>';
    const action = { ...waiting, input: { order_number: markup, amount: 25, items: ['a'] } };
    const { approvals } = approvalsWith([action], () => action);
    mount(<PendingActionCard action={asked} approvals={approvals} />);

    const labelledBy = card().getAttribute('aria-labelledby')!;
    expect(document.getElementById(labelledBy)!.textContent).toBe('Approval needed: Refund 25 EUR on order A-17');
    expect([...card().querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      `order_number: ${markup}`,
      'amount: 25',
      'items: ["a"]',
    ]);
    expect(card().querySelector('img')).toBeNull();
    expect(statusLine()).toBe('Waiting for approval (Billing)');
    // The buttons say what they do, and are described by what they decide.
    for (const name of ['Approve', 'Reject']) expect(buttonIn(card(), name)!.getAttribute('aria-describedby')).toBe(labelledBy);
  });

  it('approves with the note through the decision route, then shows who approved', async () => {
    const { approvals, calls } = approvalsWith([waiting], () => ({
      ...waiting,
      status: 'approved',
      decidedBy: { kind: 'agent', name: 'Ana' },
      note: 'Goodwill refund',
    }));
    mount(<PendingActionCard action={asked} approvals={approvals} />);
    await type(fieldIn(card(), 'Note for the bot (optional)'), '  Goodwill refund ');
    await click(buttonIn(card(), 'Approve'));

    expect(calls).toEqual([
      {
        method: 'POST',
        path: `/api/pending-actions/${waiting.id}/decision`,
        body: { decision: 'approve', note: 'Goodwill refund' },
      },
    ]);
    expect(statusLine()).toBe('Approved by Ana (Goodwill refund)');
    expect(buttonIn(card(), 'Approve')).toBeUndefined();
  });

  it('rejects without a note, and says the server’s refusal when the call was decided meanwhile', async () => {
    const { approvals, calls } = approvalsWith(
      [waiting],
      () => new ParleyError('conflict', 'This action was already decided: someone took the conversation over.'),
    );
    mount(<PendingActionCard action={asked} approvals={approvals} />);
    await click(buttonIn(card(), 'Reject'));

    expect(calls[0]!.body).toEqual({ decision: 'reject' });
    expect(card().querySelector('[role="alert"]')!.textContent).toBe(
      'This action was already decided: someone took the conversation over.',
    );
    // Still waiting as far as the console knows, so the buttons stay.
    expect(statusLine()).toBe('Waiting for approval (Billing)');
    expect(buttonIn(card(), 'Approve')!.disabled).toBe(false);
  });

  it('shows a 403 in the server’s words (the console’s teams can be out of date)', async () => {
    const { approvals } = approvalsWith([waiting], () => new ParleyError('forbidden', 'Only the Billing team may decide.'));
    mount(<PendingActionCard action={asked} approvals={approvals} />);
    await click(buttonIn(card(), 'Approve'));
    expect(card().querySelector('[role="alert"]')!.textContent).toBe('Only the Billing team may decide.');
  });

  it('offers the decision to the team’s members and admins only, and to everyone for a call of no team', () => {
    const barred = 'Only Billing (or an admin) can decide.';
    const viewers: Array<[string, Approvals['viewer'], PendingAction, boolean]> = [
      ['a member', { id: MEMBER, isAdmin: false }, waiting, true],
      ['another agent', { id: OTHER, isAdmin: false }, waiting, false],
      ['an admin', { id: OTHER, isAdmin: true }, waiting, true],
      ['another agent, no team', { id: OTHER, isAdmin: false }, pendingAction(1, { teamId: null }), true],
      // A team the console does not know: the server decides, and its refusal is shown.
      ['another agent, unknown team', { id: OTHER, isAdmin: false }, pendingAction(1, { teamId: 'unknown' }), true],
    ];
    for (const [who, viewer, action, may] of viewers) {
      const { approvals } = approvalsWith([action], () => action, viewer);
      mount(<PendingActionCard action={asked} approvals={approvals} />);
      expect(card().querySelectorAll('button'), who).toHaveLength(may ? 2 : 0);
      expect(card().querySelector('textarea') !== null, who).toBe(may);
      expect(card().textContent!.includes(barred), who).toBe(!may);
      // Where the call stands is said to everyone.
      expect(statusLine(), who).toMatch(/^Waiting for approval/);
      render(null, container);
      container.remove();
    }
    mount(null);
  });

  it('has no buttons for a call the visitor confirms, nor for one decided', () => {
    const confirming = pendingAction(2, { policy: 'confirm' });
    const { approvals } = approvalsWith([confirming], () => confirming);
    mount(<PendingActionCard action={{ id: confirming.id, policy: 'confirm', summary: 'Cancel order A-17' }} approvals={approvals} />);
    expect(statusLine()).toBe('Waiting for the visitor to confirm');
    expect(card().querySelectorAll('button')).toHaveLength(0);
  });

  it('words every status', () => {
    const by = { decidedBy: { kind: 'agent' as const, name: 'Ana' } };
    const visitor = { decidedBy: { kind: 'visitor' as const, name: null } };
    const cases: Array<[Partial<PendingAction>, string]> = [
      [{ status: 'pending', teamId: null }, 'Waiting for approval'],
      [{ status: 'approved', ...by }, 'Approved by Ana'],
      [{ status: 'rejected', ...by, note: 'Out of stock' }, 'Rejected by Ana (Out of stock)'],
      [{ status: 'confirmed', ...visitor }, 'Confirmed by the visitor'],
      [{ status: 'cancelled', ...visitor }, 'Cancelled by the visitor'],
      [{ status: 'expired' }, 'Expired: nobody decided in time'],
      [{ status: 'withdrawn' }, 'Withdrawn'],
    ];
    for (const [overrides, text] of cases) expect(decisionStatusText(asked, pendingAction(1, overrides), teams)).toBe(text);
    // Not loaded yet: what the message waits for.
    expect(decisionStatusText({ ...asked, policy: 'confirm' }, undefined)).toBe('Waiting for the visitor to confirm');
    expect(inputLines('just text')).toEqual(['"just text"']);
  });
});

describe('MessageList with pending actions', () => {
  it('shows the card under the bot message that asked, and none without approvals', async () => {
    const asking = message(2, { id: 'message-1', author: { kind: 'bot', id: null, name: 'Sam' }, action: asked });
    const { approvals } = approvalsWith([waiting], () => waiting);
    mount(<MessageList messages={[message(1), asking]} />);
    await settle();
    expect(container.querySelector('[role="group"]')).toBeNull();

    render(null, container);
    act(() => render(<MessageList messages={[message(1), asking]} approvals={approvals} />, container));
    // The card comes in a chunk of its own.
    await vi.waitFor(() => expect(container.querySelector('[role="group"]')).not.toBeNull());
    expect(card().closest('.message')?.getAttribute('data-seq')).toBe('2');
    expect(statusLine()).toBe('Waiting for approval (Billing)');
  });
});
