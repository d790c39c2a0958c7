// @vitest-environment happy-dom
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import type { BotReply } from '@parley/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONVERSATION_ID, message, note } from '../__fixtures__/factories.js';
import { settle } from '../__fixtures__/render.js';
import type { Approvals } from './pending-action-card.js';
import { interleaveNotes, MessageList } from './message-list.js';

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

/** The seq of the message that says "Seen" (read receipts), and what it says. */
const receipts = () =>
  [...container.querySelectorAll('.message-seen')].map((seen) => [
    Number(seen.closest<HTMLElement>('.message')!.dataset.seq),
    seen.textContent,
  ]);

describe('MessageList', () => {
  it('renders markup in a message body as literal text', () => {
    const body = '<img src=x onerror=alert(1)>';
    mount(<MessageList messages={[message(1, { body })]} />);

    expect(container.querySelector('img')).toBeNull();
    const rendered = container.querySelector('.message-body');
    expect(rendered?.textContent).toBe(body);
    expect(rendered?.innerHTML).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('is a log with visitor, agent, bot and system messages styled apart', () => {
    mount(
      <MessageList
        agentId="agent-1"
        messages={[
          message(1, { body: 'Hi' }),
          message(2, { author: { kind: 'bot', id: null, name: null }, body: 'Let me find someone.' }),
          message(3, { author: { kind: 'system', id: null, name: null }, body: 'Grace joined.' }),
          message(4, { author: { kind: 'agent', id: 'agent-1', name: 'Grace' }, body: 'Hello!' }),
        ]}
      />,
    );

    const log = container.querySelector('[role="log"]');
    expect(log?.getAttribute('aria-label')).toBe('Messages');
    const classes = [...container.querySelectorAll('.message')].map((element) => element.className);
    expect(container.querySelector('.message-bot .message-meta')?.textContent).toMatch(/^AssistantBot/);
    expect(classes).toEqual([
      'message message-visitor',
      'message message-bot',
      'message message-system',
      'message message-agent message-own',
    ]);
  });

  it('shows system messages as status lines as the visitor saw them, in their language, without an author', () => {
    const system = { kind: 'system' as const, id: null, name: null };
    mount(
      <MessageList
        messages={[
          message(1, {
            author: system,
            body: 'A person from our team was asked to join.',
            event: { type: 'handoff_requested', by: 'rule' },
          }),
          message(2, { author: system, body: 'Sie sind auf Platz 2 der Warteschlange.', event: { type: 'queued', position: 2 } }),
          message(3, { author: system, body: 'Robin joined the conversation.', event: { type: 'agent_joined', agentName: 'Robin' } }),
          message(4, { author: system, body: '', event: { type: 'handed_back_to_bot' } }),
          message(5, { author: system, body: 'Something new happened.', event: { type: 'future' } as never }),
        ]}
      />,
    );
    const lines = [...container.querySelectorAll('.message-system')];
    expect(lines.map((line) => line.textContent)).toEqual([
      'A person from our team was asked to join.',
      'Sie sind auf Platz 2 der Warteschlange.',
      'Robin joined the conversation.',
      // A line without a body is worded from its event.
      'The assistant is back in the conversation.',
      'Something new happened.',
    ]);
    expect(container.querySelector('.message-system .message-author')).toBeNull();
  });

  it('shows a failed reply with its reason and a way to retry', () => {
    const retried: string[] = [];
    mount(
      <MessageList
        messages={[]}
        pending={[{ clientId: 'client-1', body: 'Hello', createdAt: '2025-01-01T12:00:00.000Z', status: 'failed', error: 'Slow down.' }]}
        onRetry={(clientId) => retried.push(clientId)}
      />,
    );

    expect(container.querySelector('.message-error')?.textContent).toContain('Slow down.');
    const retry = [...container.querySelectorAll('button')].find((button) => button.textContent === 'Retry');
    act(() => retry?.click());
    expect(retried).toEqual(['client-1']);
  });

  it("labels the bot's messages with its name and a Bot tag", () => {
    mount(<MessageList messages={[message(1, { author: { kind: 'bot', id: null, name: 'Sunny' }, body: 'Hi!' })]} />);
    const meta = container.querySelector('.message-bot .message-meta');
    expect(meta?.querySelector('.message-author')?.textContent).toBe('Sunny');
    expect(meta?.querySelector('.author-tag')?.textContent).toBe('Bot');
  });

  it('shows a bot reply as it streams, as text, after the stored messages and before pending replies', () => {
    const author = { kind: 'bot' as const, id: null, name: 'Sunny' };
    const draft = { messageId: 'message-2', conversationId: CONVERSATION_ID, author, createdAt: '2025-01-01T12:00:02.000Z' };
    const pending = [
      { clientId: 'client-1', body: 'Hello', createdAt: '2025-01-01T12:00:03.000Z', status: 'sending' as const, error: null },
    ];
    mount(<MessageList messages={[message(1)]} pending={pending} botReplies={[{ ...draft, text: 'Use <b>this</b>', streaming: true }]} />);

    const streaming = container.querySelector('.message-streaming');
    expect(streaming?.getAttribute('aria-busy')).toBe('true');
    expect(streaming?.querySelector('.message-author')?.textContent).toBe('Sunny');
    expect(streaming?.querySelector('.author-tag')?.textContent).toBe('Bot');
    expect(streaming?.querySelector('.message-body')?.textContent).toBe('Use <b>this</b>');
    expect(streaming?.querySelector('b')).toBeNull();
    const order = [...container.querySelectorAll('.message')].map((element) => element.querySelector('.message-body')?.textContent);
    expect(order).toEqual(['Message 1', 'Use <b>this</b>', 'Hello']);

    act(() => render(<MessageList messages={[message(1)]} botReplies={[{ ...draft, text: 'Done.', streaming: false }]} />, container));
    const complete = container.querySelector('.message-streaming');
    expect(complete?.hasAttribute('aria-busy')).toBe(false);
    expect(complete?.querySelector('.message-state')).toBeNull();
    expect(complete?.querySelector('.message-body')?.textContent).toBe('Done.');
  });

  it('places each internal note after the message it follows, labelled "Internal note" with its author and time', () => {
    const notes = [
      note(1, { afterSeq: 0, body: 'Before anything.' }),
      note(2, { afterSeq: 2, body: 'VIP customer.' }),
      note(3, { afterSeq: 2, body: 'Refund approved.' }),
      note(4, { afterSeq: 3, author: null, body: 'Last word.' }),
    ];
    const pending = [
      { clientId: 'client-1', body: 'Hello', createdAt: '2025-01-01T12:02:00.000Z', status: 'sending' as const, error: null },
    ];
    mount(<MessageList messages={[message(1), message(2), message(3)]} notes={notes} pending={pending} />);

    const entries = [...container.querySelectorAll('.message, .note')].map(
      (element) => element.querySelector('.message-body, .note-body')?.textContent,
    );
    expect(entries).toEqual([
      'Before anything.',
      'Message 1',
      'Message 2',
      'VIP customer.',
      'Refund approved.',
      'Message 3',
      'Last word.',
      'Hello',
    ]);

    const first = container.querySelector('.note')!;
    expect(first.getAttribute('role')).toBe('note');
    expect(first.getAttribute('aria-label')).toBe('Internal note');
    expect(first.classList.contains('message')).toBe(false);
    const time = first.querySelector('time')!;
    expect(first.querySelector('.note-meta')?.textContent).toBe(`Internal note · Grace Hopper · ${time.textContent}`);
    expect(time.getAttribute('datetime')).toBe(notes[0]!.createdAt);
    expect(container.querySelectorAll('.note')[3]!.querySelector('.note-author')?.textContent).toBe('Former agent');
  });

  it('renders markup in a note as literal text', () => {
    const body = '<img src=x onerror=alert(1)> **not bold**';
    mount(<MessageList messages={[message(1)]} notes={[note(1, { afterSeq: 1, body })]} />);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.note-body')?.textContent).toBe(body);
  });

  it("never leaves out a note whose message isn't loaded: it goes after the last message before it", () => {
    const items = interleaveNotes([message(1), message(4)], [note(1, { afterSeq: 9 }), note(2, { afterSeq: 2 }), note(3, { afterSeq: 4 })]);
    expect(items.map((item) => (item.kind === 'message' ? `message ${item.message.seq}` : item.note.id))).toEqual([
      'message 1',
      'note-2',
      'message 4',
      'note-3',
      'note-1',
    ]);
  });

  describe('read receipts', () => {
    const agentAuthor = { kind: 'agent' as const, id: 'agent-1', name: 'Grace' };
    const bot = { kind: 'bot' as const, id: null, name: null };
    const transcript = [
      message(1, { body: 'Hi' }),
      message(2, { author: bot, body: 'Let me find someone.' }),
      message(3, { author: { kind: 'system', id: null, name: null }, body: 'Grace joined.' }),
      message(4, { author: agentAuthor, body: 'Hello!' }),
      message(5, { body: 'Thanks' }),
      message(6, { author: agentAuthor, body: 'Anything else?' }),
    ];

    it('says "Seen" in words under the newest agent or bot message the visitor has seen', () => {
      mount(<MessageList messages={transcript} visitorSeenSeq={5} />);
      expect(receipts()).toEqual([[4, 'Seen by the visitor']]);
      // The visible word; the rest is for screen readers.
      expect(container.querySelector('.message-seen')!.firstChild!.textContent).toBe('Seen');
    });

    it('moves as the visitor reads on', () => {
      mount(<MessageList messages={transcript} visitorSeenSeq={2} />);
      expect(receipts()).toEqual([[2, 'Seen by the visitor']]);
      act(() => render(<MessageList messages={transcript} visitorSeenSeq={6} />, container));
      expect(receipts()).toEqual([[6, 'Seen by the visitor']]);
    });

    it.each([
      ['nothing seen yet', 0],
      ['only the visitor’s own message seen', 1],
      ['no seen seq given', undefined],
    ])('shows nothing with %s', (_name, visitorSeenSeq) => {
      mount(<MessageList messages={transcript} visitorSeenSeq={visitorSeenSeq} />);
      expect(receipts()).toEqual([]);
    });
  });

  it('shows the quick replies a message offered as chips, not buttons', () => {
    mount(
      <MessageList
        messages={[
          message(1, {
            author: { kind: 'bot', id: null, name: null },
            body: 'Refund or replacement?',
            quickReplies: ['Refund', 'Replacement'],
          }),
          message(2, { body: 'Refund' }),
        ]}
      />,
    );
    const offered = container.querySelectorAll('[aria-label="Quick replies offered"]');
    expect(offered).toHaveLength(1);
    expect(offered[0]!.closest<HTMLElement>('.message')!.dataset.seq).toBe('1');
    expect([...offered[0]!.querySelectorAll('li')].map((chip) => chip.textContent)).toEqual(['Refund', 'Replacement']);
    expect(container.querySelector('.message-list button')).toBeNull();
  });
});

const bot = { kind: 'bot' as const, id: null, name: null };
const reply = (messageId: string, profile: BotReply['profile']): BotReply => ({
  messageId,
  model: 'claude-haiku-5-5',
  inputTokens: 900,
  outputTokens: 120,
  latencyMs: 1400,
  rounds: 1,
  sources: [],
  profile,
  createdAt: '2026-11-01T09:00:00.000Z',
});

/** Opens the details under the message `seq`, as a click on its summary would, and lets them load. */
async function openDetails(seq: number) {
  const details = container.querySelector<HTMLDetailsElement>(`[data-seq="${seq}"] details`)!;
  await act(async () => {
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
  });
  await settle();
  return details;
}

describe('MessageList: a bot message’s details', () => {
  it('shows the model and the profile that answered, nothing for the widget’s own settings, asking once per conversation', async () => {
    const conversationId = 'conversation-details-1';
    const request = vi.fn(async () => ({
      botReplies: [reply('billing-answer', { id: 'profile-1', name: 'Billing' }), reply('own-answer', null)],
    }));
    const approvals = { actions: {}, teams: [], viewer: { id: 'agent-1', isAdmin: false }, request } as unknown as Approvals;
    mount(
      <MessageList
        approvals={approvals}
        messages={[
          message(1, { id: 'billing-answer', conversationId, author: bot, body: 'Your refund is on its way.' }),
          message(2, { id: 'own-answer', conversationId, author: bot, body: 'Anything else?' }),
          message(3, { conversationId, body: 'No, thanks.' }),
        ]}
      />,
    );
    // Its chunk loads first.
    await vi.waitFor(() => expect(container.querySelectorAll('details')).toHaveLength(2));
    // Bot messages only, folded, and nothing asked before one is opened.
    expect(container.querySelector('[data-seq="3"] details')).toBeNull();
    expect(request).not.toHaveBeenCalled();

    const first = await openDetails(1);
    expect(request).toHaveBeenCalledWith('GET', `/api/conversations/${conversationId}/bot-replies`);
    expect(first.textContent).toContain('Model: claude-haiku-5-5');
    expect(first.textContent).toContain('Profile: Billing');

    const second = await openDetails(2);
    expect(second.textContent).toContain('Model: claude-haiku-5-5');
    expect(second.textContent).not.toContain('Profile');
    expect(request).toHaveBeenCalledTimes(1);
  });
});
