// @vitest-environment happy-dom
import type { ConversationSummary } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { slaClock, summary, ticket } from '../__fixtures__/factories.js';
import { ConversationList } from './conversation-list.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function mount(conversation: ConversationSummary) {
  container = document.createElement('div');
  document.body.append(container);
  act(() =>
    render(
      <ConversationList conversations={[conversation]} openId={null} unread={new Map()} typing={new Set()} onOpen={() => {}} />,
      container,
    ),
  );
}

/** The row's description, as a screen reader reads it after the contact's name. */
function description(): string {
  const button = container.querySelector('.conversation-open')!;
  return button
    .getAttribute('aria-describedby')!
    .split(' ')
    .map((id) => container.querySelector(`#${CSS.escape(id)}`)!.textContent!)
    .join(' ');
}

const badges = () => [...container.querySelectorAll('.ticket-badge, .sla-badge')].map((badge) => [badge.textContent, badge.className]);

describe('ConversationList follow-up badges', () => {
  it('marks an open follow-up with a breached clock "Overdue", in the error style, inside the row description', () => {
    mount(
      summary({
        status: 'agent',
        ticket: ticket({ sla: [slaClock({ state: 'warning' }), slaClock({ metric: 'resolution', state: 'breached' })] }),
      }),
    );
    expect(badges()).toEqual([
      ['Follow-up', 'ticket-badge'],
      ['Overdue', 'sla-badge sla-badge-breached'],
    ]);
    expect(description()).toContain('Follow-up');
    expect(description()).toContain('Overdue');
  });

  it.each<[string, ConversationSummary, string[][]]>([
    [
      'a pending follow-up whose clock warns',
      summary({ status: 'agent', ticket: ticket({ status: 'pending', sla: [slaClock({ state: 'warning' })] }) }),
      [
        ['Follow-up', 'ticket-badge'],
        ['Due soon', 'sla-badge sla-badge-warning'],
      ],
    ],
    ['a follow-up on time', summary({ status: 'agent', ticket: ticket({ sla: [slaClock()] }) }), [['Follow-up', 'ticket-badge']]],
    ['a resolved follow-up', summary({ status: 'resolved', ticket: ticket({ status: 'resolved' }) }), []],
    ['a conversation that is no follow-up', summary({ status: 'agent' }), []],
  ])('badges %s', (_situation, conversation, expected) => {
    mount(conversation);
    expect(badges()).toEqual(expected);
  });

  it("keeps the row's button named after the contact alone, its only visible text", () => {
    mount(summary({ status: 'agent', ticket: ticket({ sla: [slaClock({ state: 'breached' })] }) }));
    const button = container.querySelector('.conversation-open')!;
    expect(button.textContent).toBe('Ada Lovelace');
    expect(button.hasAttribute('aria-label')).toBe(false);
    expect(button.hasAttribute('aria-labelledby')).toBe(false);
  });
});

describe('ConversationList unread counts', () => {
  it('shows how many visitor messages are unread, read as "3 unread" in the row description, not in its name', () => {
    container = document.createElement('div');
    document.body.append(container);
    const conversation = summary({ status: 'agent' });
    act(() =>
      render(
        <ConversationList
          conversations={[conversation]}
          openId={null}
          unread={new Map([[conversation.id, 3]])}
          typing={new Set()}
          onOpen={() => {}}
        />,
        container,
      ),
    );
    const row = container.querySelector('.conversation-item')!;
    expect(row.classList.contains('is-unread')).toBe(true);
    expect(container.querySelector('.unread-badge')?.textContent).toBe('3 unread');
    expect(description()).toContain('3 unread');
    expect(container.querySelector('.conversation-open')!.textContent).toBe('Ada Lovelace');
  });

  it('shows no badge for a conversation without unread messages', () => {
    mount(summary({ status: 'agent' }));
    expect(container.querySelector('.unread-badge')).toBeNull();
    expect(container.querySelector('.conversation-item')!.classList.contains('is-unread')).toBe(false);
  });
});
