// @vitest-environment happy-dom
import type { ProactiveRule } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session as baseSession, FakeClient } from './__fixtures__/fake-client.js';
import { en } from './i18n/en.js';
import { mountApp, type AppHandle } from './mount-app.js';
import { countVisit, Proactive, type ProactiveProps } from './proactive.js';

const DAY = 86_400_000;

function rule(fields: Partial<ProactiveRule> & Pick<ProactiveRule, 'id'>): ProactiveRule {
  return {
    message: `Message of ${fields.id}`,
    trigger: 'auto',
    urlPattern: '',
    delaySeconds: 0,
    minVisits: 1,
    repeatAfterDays: 30,
    ...fields,
  };
}

let container: HTMLDivElement;
const answered: string[] = [];

function draw(props: Partial<ProactiveProps> & Pick<ProactiveProps, 'rules'>) {
  const all: ProactiveProps = {
    triggered: [],
    hidden: false,
    botName: 'Acme bot',
    text: en,
    onAnswer: (shown) => answered.push(shown.id),
    ...props,
  };
  return act(() => render(<Proactive {...all} />, container));
}

const bubble = () => container.querySelector<HTMLButtonElement>('.invite .preview');
const status = () => container.querySelector('[role="status"]')!.textContent;

beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '/');
  container = document.createElement('div');
  document.body.append(container);
  answered.length = 0;
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
});

afterEach(() => {
  render(null, container);
  container.remove();
  vi.useRealTimers();
});

describe('Proactive', () => {
  it("shows the first rule whose time came, as a bubble with the bot's name, announced but never focused", async () => {
    const focused = document.activeElement;
    await draw({ rules: [rule({ id: 'later', delaySeconds: 3000 }), rule({ id: 'hello', message: 'Need a hand?' })] });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(bubble()!.textContent).toBe('Acme botNeed a hand?');
    expect(status()).toBe('Acme bot: Need a hand?');
    expect(document.activeElement).toBe(focused);
    // One bubble a page: the later rule's time comes and nothing changes.
    await act(() => vi.advanceTimersByTimeAsync(3000_000));
    expect(container.querySelectorAll('.invite')).toHaveLength(1);
    expect(bubble()!.textContent).toContain('Need a hand?');
  });

  it('waits for the time on the page, counted from its start', async () => {
    // The page has been open 30 s (the fake clock's performance.now() starts at 0).
    await act(() => vi.advanceTimersByTimeAsync(30_000));
    await draw({ rules: [rule({ id: 'slow', delaySeconds: 600 })] });
    await act(() => vi.advanceTimersByTimeAsync(570_000 - 1));
    expect(bubble()).toBeNull();
    await act(() => vi.advanceTimersByTimeAsync(1));
    expect(bubble()).not.toBeNull();
  });

  it("applies a rule only on pages its URL pattern matches, path and query, '*' for anything", async () => {
    history.replaceState(null, '', '/pricing?plan=team');
    await draw({ rules: [rule({ id: 'docs', urlPattern: '/docs/*' }), rule({ id: 'pricing', urlPattern: '/pricing*' })] });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(bubble()!.textContent).toContain('Message of pricing');
  });

  it('shows a rule at most once in its period, in this browser', async () => {
    const rules = [rule({ id: 'hello', repeatAfterDays: 7 })];
    await draw({ rules });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(bubble()).not.toBeNull();

    // The next page, the next day: not again.
    render(null, container);
    vi.setSystemTime(Date.now() + DAY);
    await draw({ rules });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(bubble()).toBeNull();

    // A week after it showed: again.
    render(null, container);
    vi.setSystemTime(Date.now() + 6 * DAY);
    await draw({ rules });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(bubble()).not.toBeNull();
  });

  it('counts visits: a page load more than 30 minutes after the last one starts the next', () => {
    const start = Date.now();
    expect(countVisit(start)).toBe(1);
    expect(countVisit(start + 10 * 60_000)).toBe(1);
    expect(countVisit(start + 39 * 60_000)).toBe(1);
    expect(countVisit(start + 70 * 60_000)).toBe(2);
    expect(countVisit(start + 3 * DAY)).toBe(3);
    // Storage that holds something else starts counting again rather than failing.
    localStorage.setItem('parley:visits', '"not an object"');
    expect(countVisit(start + 4 * DAY)).toBe(1);
    localStorage.setItem('parley:visits', '{"n":"x","at":null}');
    expect(countVisit(start + 5 * DAY)).toBe(1);
  });

  it("skips a page-triggered rule until the page calls for it, and shows it then whatever the rule's conditions", async () => {
    const rules = [rule({ id: 'cart', trigger: 'page', urlPattern: '/checkout', minVisits: 5, delaySeconds: 60 })];
    await draw({ rules });
    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(bubble()).toBeNull();
    await draw({ rules, triggered: ['unknown'] });
    expect(bubble()).toBeNull();
    await draw({ rules, triggered: ['unknown', 'cart'] });
    expect(bubble()!.textContent).toContain('Message of cart');
  });

  it('shows nothing while hidden (panel open, a reply previewed, a conversation going on), and skips a rule whose time came then', async () => {
    const rules = [rule({ id: 'hello' })];
    await draw({ rules, hidden: true });
    await act(() => vi.advanceTimersByTimeAsync(0));
    expect(bubble()).toBeNull();
    await draw({ rules, hidden: false });
    expect(bubble()).toBeNull();
    // Not spent: the next page may show it.
    expect(localStorage.getItem('parley:proactive')).toBeNull();
  });

  it('hides a shown bubble while hidden and brings it back after', async () => {
    const rules = [rule({ id: 'hello' })];
    await draw({ rules });
    await act(() => vi.advanceTimersByTimeAsync(0));
    await draw({ rules, hidden: true });
    expect(bubble()).toBeNull();
    expect(status()).toBe('');
    await draw({ rules, hidden: false });
    expect(bubble()).not.toBeNull();
  });

  it('answers with the rule on a click, and goes away for this page when dismissed', async () => {
    const rules = [rule({ id: 'hello' })];
    await draw({ rules });
    await act(() => vi.advanceTimersByTimeAsync(0));
    await act(() => bubble()!.click());
    expect(answered).toEqual(['hello']);

    const dismiss = container.querySelector<HTMLButtonElement>('.dismiss')!;
    expect(dismiss.getAttribute('aria-label')).toBe('Dismiss message');
    await act(() => dismiss.click());
    expect(bubble()).toBeNull();
    await draw({ rules, triggered: ['hello'] });
    expect(bubble()).toBeNull();
  });
});

describe('Proactive in the widget', () => {
  let handle: AppHandle | undefined;
  afterEach(() => handle?.unmount());

  it('loads for a widget with rules; a click opens the chat and the client sends the answer with the rule', async () => {
    const client = new FakeClient();
    client.session = {
      ...baseSession,
      conversation: null,
      widget: { ...baseSession.widget, proactive: [rule({ id: 'hello', message: 'Questions about sizes?' })] },
    };
    await act(() => {
      handle = mountApp(client);
    });
    const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
    await vi.waitFor(() => expect(root.querySelector('.invite .preview')).not.toBeNull());
    await act(() => root.querySelector<HTMLButtonElement>('.invite .preview')!.click());
    expect(client.proactiveAnswered).toEqual(['hello']);
    expect(root.querySelector('[role="log"], .log')).not.toBeNull();
    expect(root.querySelector('.invite')).toBeNull();
  });

  it('shows a page-triggered rule when the page calls trigger, also before the widget has drawn', async () => {
    const client = new FakeClient();
    client.session = {
      ...baseSession,
      conversation: null,
      widget: { ...baseSession.widget, proactive: [rule({ id: 'cart', trigger: 'page', message: 'Trouble paying?' })] },
    };
    let settingsArrive!: (value: undefined) => void;
    await act(() => {
      handle = mountApp(client, { settings: new Promise((resolve) => (settingsArrive = resolve)) });
      handle.trigger('cart');
    });
    await act(() => settingsArrive(undefined));
    const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
    await vi.waitFor(() => expect(root.querySelector('.invite .preview')?.textContent).toContain('Trouble paying?'));
  });

  it('loads nothing for a widget without rules', async () => {
    const client = new FakeClient();
    client.session = { ...baseSession, conversation: null };
    await act(() => {
      handle = mountApp(client);
    });
    await act(() => vi.advanceTimersByTimeAsync(50));
    const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
    expect(root.querySelector('.invite')).toBeNull();
    expect(root.querySelector('[role="status"]')?.textContent ?? '').toBe('');
  });
});
