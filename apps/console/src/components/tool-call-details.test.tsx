// @vitest-environment happy-dom
import { render, type ComponentChild } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { message, note } from '../__fixtures__/factories.js';
import { toolCall } from '../__fixtures__/tool-calls.js';
import { interleaveNotes, interleaveToolCalls, MessageList } from './message-list.js';
import { ToolCallDetails } from './tool-call-details.js';

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

const bot = { kind: 'bot' as const, id: null, name: 'Sam' };
/** What each `<dt>` labels, with the text of its `<dd>`. */
const sectionsOf = (details: Element) =>
  [...details.querySelectorAll('dt')].map((term) => [term.textContent, term.nextElementSibling?.textContent]);

describe('ToolCallDetails', () => {
  it('is folded to the tool and its duration, and opens onto the input and the result as indented JSON', () => {
    const call = toolCall(1, { tool: 'lookup_order', input: { order: 'A-17' }, output: { status: 'shipped', items: [1, 2] } });
    mount(<ToolCallDetails toolCall={call} />);

    const details = container.querySelector('details')!;
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')?.textContent).toBe('Tool: lookup_order · 120 ms');
    expect(sectionsOf(details)).toEqual([
      ['Input', '{\n  "order": "A-17"\n}'],
      ['Result', JSON.stringify({ status: 'shipped', items: [1, 2] }, null, 2)],
    ]);
    expect(details.querySelectorAll('pre')).toHaveLength(2);
  });

  it('says when a call failed, and shows its error instead of a result', () => {
    const call = toolCall(1, {
      tool: 'collect_contact',
      durationMs: 2400,
      success: false,
      output: null,
      error: 'The phone number is not valid.',
    });
    mount(<ToolCallDetails toolCall={call} />);

    const details = container.querySelector('details')!;
    expect(details.className).toBe('tool-call tool-call-failed');
    expect(details.querySelector('summary')?.textContent).toBe('Tool: collect_contact · 2.4 s · failed');
    expect(sectionsOf(details)).toEqual([
      ['Input', JSON.stringify({ query: 'question 1' }, null, 2)],
      ['Error', 'The phone number is not valid.'],
    ]);
  });

  it('says how a call that waited for a decision was decided, and nothing for the others', () => {
    mount(
      <>
        <ToolCallDetails toolCall={toolCall(1, { tool: 'refund_order', policy: 'approve', decision: { status: 'approved', by: 'Ana' } })} />
        <ToolCallDetails
          toolCall={toolCall(2, { tool: 'cancel_order', policy: 'confirm', decision: { status: 'confirmed', by: 'the visitor' } })}
        />
        <ToolCallDetails toolCall={toolCall(3, { tool: 'refund_order', policy: 'approve', decision: null })} />
        <ToolCallDetails toolCall={toolCall(4, { tool: 'lookup_order', policy: 'auto', decision: null })} />
      </>,
    );
    expect([...container.querySelectorAll('summary')].map((summary) => summary.textContent)).toEqual([
      'Tool: refund_order · 120 ms · approval: approved by Ana',
      'Tool: cancel_order · 120 ms · confirmation: confirmed by the visitor',
      'Tool: refund_order · 120 ms · approval: no decision',
      'Tool: lookup_order · 120 ms',
    ]);
  });

  it('shows markup in what a tool received or returned as text, never as HTML', () => {
    const markup = '<img src=x onerror=alert(1)>';
    mount(<ToolCallDetails toolCall={toolCall(1, { input: { query: markup }, output: { html: markup, note: '<b>bold</b>' } })} />);

    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    const [input, result] = [...container.querySelectorAll('pre')];
    expect(input!.textContent).toContain(`"query": "${markup}"`);
    expect(result!.textContent).toContain(`"html": "${markup}"`);
    expect(result!.innerHTML).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('tool calls in the transcript', () => {
  it('fold under the bot message they led to, in the order they were made', async () => {
    const reply = message(2, { author: bot, body: 'Your order shipped.' });
    mount(
      <MessageList
        messages={[message(1), reply, message(3)]}
        toolCalls={[toolCall(1, { messageId: reply.id, tool: 'lookup_order' }), toolCall(2, { messageId: reply.id, tool: 'track_parcel' })]}
      />,
    );
    // The tool calls come in a chunk of their own.
    await vi.waitFor(() => expect(container.querySelector('.tool-calls details')).not.toBeNull());

    const lists = container.querySelectorAll('.tool-calls');
    expect(lists).toHaveLength(1);
    const list = lists[0]!;
    expect(list.closest('.message')?.getAttribute('data-seq')).toBe('2');
    expect(list.getAttribute('aria-label')).toBe('Tool calls');
    expect([...list.querySelectorAll('summary')].map((summary) => summary.textContent)).toEqual([
      'Tool: lookup_order · 120 ms',
      'Tool: track_parcel · 120 ms',
    ]);
  });

  it('place calls that led to no message on screen by time, those in a row together, and leave none out', async () => {
    const messages = [message(1), message(2), message(3)];
    const abandoned = [
      toolCall(1, { createdAt: '2025-01-01T12:00:02.500Z', tool: 'handoff_to_human' }),
      toolCall(2, { createdAt: '2025-01-01T12:00:02.500Z', tool: 'collect_contact' }),
    ];
    // Led to a reply not loaded yet: shown by time too, rather than lost.
    const ofUnloadedReply = toolCall(3, { messageId: 'message-9', createdAt: '2025-01-01T12:00:09.000Z' });
    mount(<MessageList messages={messages} notes={[note(1, { afterSeq: 3 })]} toolCalls={[...abandoned, ofUnloadedReply]} />);
    await vi.waitFor(() => expect(container.querySelectorAll('.tool-calls details')).toHaveLength(3));

    const entries = [...container.querySelector('[role="log"]')!.children]
      .filter((element) => !element.classList.contains('day-separator'))
      .map((element) => {
        if (element.classList.contains('tool-calls')) return `tools:${element.querySelectorAll('details').length}`;
        return element.classList.contains('note') ? 'note' : `message:${element.getAttribute('data-seq')}`;
      });
    // The note was written a minute later than the last call.
    expect(entries).toEqual(['message:1', 'message:2', 'tools:2', 'message:3', 'tools:1', 'note']);
    const unattached = container.querySelector('.tool-calls-unattached');
    expect(unattached?.getAttribute('aria-label')).toBe('Bot tool calls without a reply');
  });

  it('adds nothing to a transcript without tool calls', () => {
    const items = interleaveNotes([message(1), message(2)], [note(1, { afterSeq: 1 })]);
    expect(interleaveToolCalls(items, [])).toEqual(items);
    mount(<MessageList messages={[message(1, { author: bot })]} />);
    expect(container.querySelector('.tool-calls')).toBeNull();
  });
});
