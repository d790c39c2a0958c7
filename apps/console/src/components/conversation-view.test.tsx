// @vitest-environment happy-dom
import { emptyThread } from '@parley/client/thread';
import type {
  ConversationStatus,
  ConversationSummary,
  ConversationUpdate,
  TicketPriority,
  TicketUpdate,
  TransferRequest,
} from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent, CONVERSATION_ID, message, note as internalNote, slaClock, summary, ticket } from '../__fixtures__/factories.js';
import { settle } from '../__fixtures__/render.js';
import { ConversationView, type ConversationViewProps } from './conversation-view.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

const noop = () => {};

function mount(conversation: ConversationSummary, overrides: Partial<ConversationViewProps> = {}) {
  container = document.createElement('div');
  document.body.append(container);
  act(() =>
    render(
      <ConversationView
        conversationId={CONVERSATION_ID}
        conversation={conversation}
        thread={{ ...emptyThread, loaded: true }}
        agent={agent}
        sendsEmail={null}
        notice={null}
        initialDraft=""
        onDraftChange={noop}
        onSend={noop}
        onRetry={noop}
        onDiscard={noop}
        onUpdate={() => Promise.resolve()}
        onTyping={noop}
        onStopTyping={noop}
        onDismissNotice={noop}
        onReload={noop}
        onBack={noop}
        agents={[
          { userId: agent.id, name: agent.name, status: 'online' },
          { userId: otherAgent.id, name: otherAgent.name, status: 'away' },
        ]}
        loadTeams={() => Promise.resolve([{ id: 'team-1', name: 'Billing', memberIds: [otherAgent.id], botProfileId: null }])}
        onTransfer={() => Promise.resolve(true)}
        onOpenTicket={() => Promise.resolve()}
        onUpdateTicket={() => Promise.resolve()}
        {...overrides}
      />,
      container,
    ),
  );
}

/** Names of the conversation's action buttons, as a person (or a browser test) reads them. */
function actionNames(): string[] {
  return [...container.querySelectorAll('.conversation-actions button')].map((element) => element.textContent?.trim() ?? '');
}

function button(name: string): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);
  if (!found) throw new Error(`No button named ${name}`);
  return found;
}

const otherAgent = { id: 'agent-2', name: 'Alan Turing' };

describe('ConversationView status actions', () => {
  it.each<[string, ConversationStatus, ConversationSummary['assignee'], string[]]>([
    ['the bot is answering', 'bot', null, ['Take over', 'Transfer', 'Resolve', 'Make follow-up']],
    ['the visitor waits for a human', 'queued', null, ['Take over', 'Transfer', 'Resolve', 'Make follow-up']],
    [
      'the agent has it',
      'agent',
      { id: agent.id, name: agent.name },
      ['Move to queue', 'Transfer', 'Hand back to bot', 'Resolve', 'Make follow-up'],
    ],
    [
      'another agent has it',
      'agent',
      otherAgent,
      ['Assign to me', 'Move to queue', 'Transfer', 'Hand back to bot', 'Resolve', 'Make follow-up'],
    ],
    ['it is resolved', 'resolved', null, ['Reopen', 'Make follow-up']],
    ['it is closed', 'closed', null, []],
  ])('offers the actions that fit when %s', (_situation, status, assignee, expected) => {
    mount(summary({ status, assignee }));
    expect(actionNames()).toEqual(expected);
  });

  it.each<[ConversationStatus, string, ConversationUpdate]>([
    ['bot', 'Take over', { assignToMe: true }],
    ['queued', 'Take over', { assignToMe: true }],
    ['agent', 'Hand back to bot', { status: 'bot' }],
    ['agent', 'Move to queue', { status: 'queued' }],
    ['agent', 'Resolve', { status: 'resolved' }],
    ['resolved', 'Reopen', { status: 'agent', assignToMe: true }],
  ])('in status %s, "%s" asks the server for %o', async (status, name, update) => {
    const updates: ConversationUpdate[] = [];
    mount(summary({ status, assignee: status === 'agent' ? { id: agent.id, name: agent.name } : null }), {
      onUpdate: async (change) => {
        updates.push(change);
      },
    });
    await act(() => button(name).click());
    expect(updates).toEqual([update]);
  });

  it('disables the actions while a change is on its way', async () => {
    const answered: (() => void)[] = [];
    mount(summary({ status: 'queued' }), { onUpdate: () => new Promise<void>((resolve) => answered.push(resolve)) });
    await act(() => button('Take over').click());
    expect(button('Take over').disabled).toBe(true);
    expect(button('Resolve').disabled).toBe(true);
    await act(async () => answered[0]!());
    expect(button('Take over').disabled).toBe(false);
  });

  it('shows why the server refused a change', () => {
    mount(summary({ status: 'agent' }), { notice: 'The conversation cannot do this in its current state.' });
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('The conversation cannot do this in its current state.');
  });

  it('says that replying takes the conversation over while the bot has it, keeping the Reply box', () => {
    mount(summary({ status: 'bot' }));
    expect(container.querySelector('.take-over-hint')?.textContent).toBe('The bot is answering this conversation. Replying takes it over.');
    const label = [...container.querySelectorAll('label')].find((candidate) => candidate.textContent?.trim() === 'Reply');
    expect(label && container.querySelector(`#${CSS.escape(label.htmlFor)}`)?.tagName).toBe('TEXTAREA');
  });
});

describe('ConversationView transfers', () => {
  it('transfers to a chosen team with a note, and closes the form once done', async () => {
    const requests: TransferRequest[] = [];
    mount(summary({ status: 'agent', assignee: { id: agent.id, name: agent.name } }), {
      onTransfer: async (request) => {
        requests.push(request);
        return true;
      },
    });
    await act(() => button('Transfer').click());
    // The form is loaded on first use, from its own chunk.
    await vi.waitFor(async () => {
      await settle();
      expect(container.querySelector('.transfer-form')).not.toBeNull();
    });
    const select = container.querySelector<HTMLSelectElement>('.transfer-form select')!;
    // The agent who has it is not offered; the other one is, with their presence, and so is the team once loaded.
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    const options = [...select.querySelectorAll('option')].map((option) => option.textContent);
    expect(options).toEqual(['Choose an agent or a team', 'Alan Turing (away)', 'Billing (1 agent)']);
    await act(() => {
      select.value = 'team:team-1';
      select.dispatchEvent(new Event('change'));
    });
    const note = container.querySelector<HTMLTextAreaElement>('.transfer-form textarea')!;
    await act(() => {
      note.value = '  Wants a refund.  ';
      note.dispatchEvent(new Event('input'));
    });
    const submit = container.querySelector<HTMLButtonElement>('.transfer-form button[type="submit"]')!;
    expect(submit.disabled).toBe(false);
    await act(async () => {
      submit.click();
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    expect(requests).toEqual([{ target: { to: 'team', teamId: 'team-1' }, note: 'Wants a refund.' }]);
    expect(container.querySelector('.transfer-form')).toBeNull();
  });

  it("shows the last transfer's note to the agent, in its own box", () => {
    mount(
      summary({
        status: 'agent',
        assignee: { id: agent.id, name: agent.name },
        team: { id: 'team-1', name: 'Billing' },
        transferNote: { note: 'Order 1042, refund approved.', fromName: 'Alan Turing', at: '2025-01-01T12:00:00.000Z' },
      }),
    );
    expect(container.querySelector('.transfer-note-text')?.textContent).toBe('Order 1042, refund approved.');
    expect(container.querySelector('.transfer-note-from')?.textContent).toContain('Note from Alan Turing');
    expect(container.querySelector('.team-label')?.textContent).toBe('Team Billing');
  });

  it('names the pre-chat topic the visitor picked', () => {
    mount(summary({ status: 'queued', topic: 'Billing questions' }));
    expect([...container.querySelectorAll('.team-label')].map((label) => label.textContent)).toEqual(['Topic Billing questions']);
  });
});

describe('ConversationView follow-ups', () => {
  it('"Make follow-up" asks for one at the normal priority, with the actions disabled until the server answers', async () => {
    const priorities: TicketPriority[] = [];
    const answered: (() => void)[] = [];
    mount(summary({ status: 'agent', assignee: { id: agent.id, name: agent.name } }), {
      onOpenTicket: (priority) => {
        priorities.push(priority);
        return new Promise<void>((resolve) => answered.push(resolve));
      },
    });
    expect(container.querySelector('.ticket-panel')).toBeNull();
    await act(() => button('Make follow-up').click());
    expect(priorities).toEqual(['normal']);
    expect(button('Make follow-up').disabled).toBe(true);
    await act(async () => answered[0]!());
    expect(button('Make follow-up').disabled).toBe(false);
  });

  it('shows the follow-up panel instead of the button once the conversation is one, and passes its changes on', async () => {
    const updates: TicketUpdate[] = [];
    mount(
      summary({
        status: 'agent',
        assignee: { id: agent.id, name: agent.name },
        ticket: ticket({ sla: [slaClock({ dueAt: null, warnAt: null })] }),
      }),
      {
        onUpdateTicket: async (update) => {
          updates.push(update);
        },
      },
    );
    expect(actionNames()).not.toContain('Make follow-up');
    const panel = container.querySelector<HTMLElement>('.ticket-panel')!;
    expect(panel.textContent).toContain('First response: no due time (outside business hours)');
    const select = panel.querySelector('select')!;
    await act(() => {
      select.value = 'urgent';
      select.dispatchEvent(new Event('change'));
    });
    await act(() => button('Waiting on customer').click());
    expect(updates).toEqual([{ priority: 'urgent' }, { pending: true }]);
  });
});

/** The note next to the reply box, after checking the Reply textarea points to it. */
function deliveryNote(): string | null {
  const note = container.querySelector<HTMLElement>('.reply-delivery-note');
  const describedBy = container.querySelector('textarea.reply-input')?.getAttribute('aria-describedby') ?? null;
  if (!note) {
    expect(describedBy).toBeNull();
    return null;
  }
  expect(note.id).not.toBe('');
  expect(describedBy?.split(' ')).toContain(note.id);
  return note.textContent;
}

describe('ConversationView reply by e-mail', () => {
  const emailed = "If they don't see your reply in the chat within a few minutes, it is e-mailed to ada@example.com.";
  const noAddress = 'They left no e-mail address: they see your reply only if they come back to the chat.';
  const noEmail = 'E-mail is not set up on this server (PARLEY_SMTP_URL), so they see your reply only if they come back to the chat.';
  const noContactEmail = { id: 'contact-2', name: 'Grace', email: null };

  it.each<[string, Partial<ConversationSummary>, boolean | null, string | null]>([
    ['a queued conversation with a contact e-mail, e-mail on', { status: 'queued' }, true, emailed],
    ["the agent's conversation with a contact e-mail, e-mail on", { status: 'agent' }, true, emailed],
    ['a follow-up with a contact e-mail, e-mail on', { status: 'resolved', ticket: ticket() }, true, emailed],
    ['a follow-up without a contact e-mail, e-mail on', { status: 'agent', ticket: ticket(), contact: noContactEmail }, true, noAddress],
    ['a queued conversation with a contact e-mail, e-mail off', { status: 'queued' }, false, noEmail],
    ['a follow-up without a contact e-mail, e-mail off', { status: 'agent', ticket: ticket(), contact: noContactEmail }, false, noEmail],
    ['a bot conversation without a ticket', { status: 'bot' }, true, null],
    ['a bot conversation without a ticket, e-mail off', { status: 'bot' }, false, null],
    ["the agent's conversation without a contact e-mail nor a ticket", { status: 'agent', contact: noContactEmail }, true, null],
    ['a resolved conversation without a ticket', { status: 'resolved' }, true, null],
    ['a queued conversation before the server said whether it sends e-mail', { status: 'queued' }, null, null],
  ])('for %s, says %j', (_situation, overrides, sendsEmail, expected) => {
    mount(summary(overrides), { sendsEmail });
    expect(deliveryNote()).toBe(expected);
  });
});

describe('ConversationView internal notes', () => {
  it('shows the notes among the messages, and why they could not be loaded with a way to try again', async () => {
    let reloads = 0;
    mount(summary({ status: 'agent' }), {
      thread: { ...emptyThread, messages: [message(1), message(2)], lastSeq: 2, loaded: true },
      notes: [internalNote(1, { afterSeq: 1, body: 'Check the order first.' })],
      notesError: 'Cannot reach the server.',
      onReload: () => reloads++,
    });
    const log = container.querySelector('[role="log"]')!;
    expect([...log.children].map((element) => element.getAttribute('aria-label') ?? element.className)).toContain('Internal note');
    expect(log.querySelector('[aria-label="Internal note"]')!.previousElementSibling?.getAttribute('data-seq')).toBe('1');
    const alert = [...container.querySelectorAll('[role="alert"]')].find((element) => element.textContent?.includes('Internal notes'))!;
    expect(alert.textContent).toContain('Internal notes could not be loaded: Cannot reach the server.');
    await act(() => alert.querySelector('button')!.click());
    expect(reloads).toBe(1);
  });
});
