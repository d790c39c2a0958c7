// @vitest-environment happy-dom
import type { Ticket, TicketStatus, TicketUpdate } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { slaClock, ticket } from '../__fixtures__/factories.js';
import { TicketPanel, type TicketPanelProps } from './ticket-panel.js';

// Local times, so "due at" stays on the same day whatever the machine's time zone.
const now = new Date(2025, 0, 6, 9, 0);
const minutesFromNow = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

let container: HTMLElement;

beforeEach(() => {
  // Only the interval and the clock: Preact and happy-dom keep their own timers.
  vi.useFakeTimers({ now, toFake: ['setInterval', 'clearInterval', 'Date'] });
});

afterEach(() => {
  render(null, container);
  container.remove();
  vi.useRealTimers();
});

function mount(shown: Ticket, overrides: Partial<TicketPanelProps> = {}) {
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(<TicketPanel ticket={shown} onUpdate={() => Promise.resolve()} {...overrides} />, container));
}

/** Each clock line: its state word (if any), its sentence and its style. */
function clockLines() {
  return [...container.querySelectorAll('.sla-clock')].map((line) => ({
    state: line.querySelector('.sla-state')?.textContent ?? null,
    text: line.lastElementChild?.textContent,
    style: line.className,
  }));
}

function toggle(): HTMLButtonElement | undefined {
  return [...container.querySelectorAll('button')].find((button) => button.textContent?.trim() === 'Waiting on customer');
}

describe('TicketPanel clocks', () => {
  it('says where each clock stands, with a word for warnings and breaches as well as their style', () => {
    mount(
      ticket({
        sla: [
          slaClock({ metric: 'first_response', dueAt: minutesFromNow(200), state: 'running' }),
          slaClock({ metric: 'next_response', dueAt: minutesFromNow(20), state: 'warning' }),
          slaClock({ metric: 'resolution', dueAt: minutesFromNow(-12), state: 'breached' }),
        ],
      }),
    );
    expect(clockLines()).toEqual([
      { state: null, text: 'First response due in 3 h 20 min', style: 'sla-clock sla-clock-running' },
      { state: 'Due soon', text: 'Next response due in 20 min', style: 'sla-clock sla-clock-warning' },
      { state: 'Overdue', text: 'Resolution overdue by 12 min', style: 'sla-clock sla-clock-breached' },
    ]);
  });

  it('gives a far due time as a time of day, and says when the business hours give none', () => {
    const due = new Date(2025, 0, 6, 14, 30);
    mount(
      ticket({
        sla: [
          slaClock({ metric: 'next_response', dueAt: due.toISOString() }),
          slaClock({ metric: 'resolution', dueAt: null, warnAt: null }),
        ],
      }),
    );
    const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(due);
    expect(clockLines().map((line) => line.text)).toEqual([
      `Next response due at ${time}`,
      'Resolution: no due time (outside business hours)',
    ]);
  });

  it('trusts a breach the server saw even when this clock is behind', () => {
    mount(ticket({ sla: [slaClock({ dueAt: minutesFromNow(1), state: 'breached' })] }));
    expect(clockLines()).toMatchObject([{ state: 'Overdue', text: 'First response overdue' }]);
  });

  it('counts down every 30 seconds, and stops its timer once gone', () => {
    mount(ticket({ sla: [slaClock({ dueAt: minutesFromNow(10) })] }));
    expect(clockLines()[0]!.text).toBe('First response due in 10 min');
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(clockLines()[0]!.text).toBe('First response due in 9 min');
    act(() => {
      vi.advanceTimersByTime(10 * 60_000);
    });
    expect(clockLines()[0]!.text).toBe('First response overdue by less than a minute');
    act(() => render(null, container));
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('TicketPanel status and changes', () => {
  it.each<[TicketStatus, string, boolean]>([
    ['open', 'Open', true],
    ['pending', 'Waiting on customer', true],
    ['resolved', 'Resolved', false],
    ['closed', 'Closed', false],
  ])('shows the %s status as "%s", with the toggle only while the follow-up is not done', (status, label, toggled) => {
    mount(ticket({ status }));
    expect(container.querySelector('.ticket-status')?.textContent).toBe(label);
    expect(toggle() !== undefined).toBe(toggled);
  });

  it('sends a new priority chosen in the labelled menu', async () => {
    const updates: TicketUpdate[] = [];
    mount(ticket(), {
      onUpdate: async (update) => {
        updates.push(update);
      },
    });
    const label = [...container.querySelectorAll('label')].find((candidate) => candidate.textContent?.startsWith('Priority'));
    const select = label?.querySelector('select');
    expect([...select!.options].map((option) => option.textContent)).toEqual(['Low', 'Normal', 'High', 'Urgent']);
    expect(select!.value).toBe('normal');
    await act(() => {
      select!.value = 'high';
      select!.dispatchEvent(new Event('change'));
    });
    expect(updates).toEqual([{ priority: 'high' }]);
  });

  it('waits on the customer with the toggle, and ignores presses while the change is on its way', async () => {
    const updates: TicketUpdate[] = [];
    const answered: (() => void)[] = [];
    mount(ticket({ status: 'open' }), {
      onUpdate: (update) => {
        updates.push(update);
        return new Promise<void>((resolve) => answered.push(resolve));
      },
    });
    expect(toggle()!.getAttribute('aria-pressed')).toBe('false');
    await act(() => toggle()!.click());
    expect(toggle()!.getAttribute('aria-disabled')).toBe('true');
    await act(() => toggle()!.click());
    expect(updates).toEqual([{ pending: true }]);
    await act(async () => answered[0]!());
    expect(toggle()!.hasAttribute('aria-disabled')).toBe(false);
  });

  it('stops waiting on the customer when pressed again', async () => {
    const updates: TicketUpdate[] = [];
    mount(ticket({ status: 'pending', pendingSince: '2025-01-06T08:00:00.000Z' }), {
      onUpdate: async (update) => {
        updates.push(update);
      },
    });
    expect(toggle()!.getAttribute('aria-pressed')).toBe('true');
    await act(() => toggle()!.click());
    expect(updates).toEqual([{ pending: false }]);
  });
});
