// @vitest-environment happy-dom
import { ParleyError, type Contact, type ContactEdit } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatFullTime } from '../format.js';
import { ContactPanel, languageName, localTime, safeHref, type ContactPanelProps } from './contact-panel.js';

const now = new Date('2025-01-06T09:00:00Z');

function contact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 'contact-1',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+4930901820',
    page: 'https://shop.example/checkout?step=2',
    referrer: 'https://www.google.com/',
    browser: { name: 'Chrome', version: '126.0.0.0' },
    os: { name: 'Windows', version: 'NT 10.0' },
    timeZone: 'Asia/Tokyo',
    language: 'de-CH',
    createdAt: '2025-01-01T08:00:00.000Z',
    lastSeenAt: '2025-01-06T08:55:00.000Z',
    externalId: null,
    verifiedAt: null,
    conversations: [
      {
        id: 'conv-2',
        status: 'agent',
        createdAt: '2025-01-06T08:56:00.000Z',
        lastMessage: { body: 'Where is my parcel?', authorKind: 'visitor' },
      },
      { id: 'conv-1', status: 'closed', createdAt: '2024-12-01T10:00:00.000Z', lastMessage: null },
    ],
    ...overrides,
  };
}

let container: HTMLElement;

beforeEach(() => {
  vi.useFakeTimers({ now, toFake: ['setInterval', 'clearInterval', 'Date'] });
});

afterEach(() => {
  render(null, container);
  container.remove();
  vi.useRealTimers();
});

async function mount(overrides: Partial<ContactPanelProps> = {}, shown: Contact = contact()) {
  container = document.createElement('div');
  document.body.append(container);
  const props: ContactPanelProps = {
    contactId: shown.id,
    conversationId: 'conv-2',
    load: () => Promise.resolve(shown),
    save: () => Promise.resolve(shown),
    conversationHref: (id) => `/console/conversations/${id}`,
    onOpenConversation: () => {},
    ...overrides,
  };
  await act(async () => {
    render(<ContactPanel {...props} />, container);
  });
  return props;
}

/** The details as term → text. */
function details(): Record<string, string> {
  const terms = [...container.querySelectorAll('.contact-details dt')];
  return Object.fromEntries(terms.map((term) => [term.textContent ?? '', term.nextElementSibling?.textContent ?? '']));
}

function button(text: string): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === text);
  if (!found) throw new Error(`no button "${text}"`);
  return found;
}

function input(name: string): HTMLInputElement {
  return container.querySelector(`input[name="${name}"]`)!;
}

async function type(name: string, value: string) {
  await act(async () => {
    input(name).value = value;
    input(name).dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit() {
  await act(async () => {
    container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

describe('ContactPanel', () => {
  it('shows who the visitor is and where they are, with the page and referrer as safe external links', async () => {
    await mount();
    const shown = details();
    expect(shown).toMatchObject({
      Name: 'Ada Lovelace',
      'E-mail': 'ada@example.com',
      Phone: '+4930901820',
      Page: 'https://shop.example/checkout?step=2',
      'Came from': 'https://www.google.com/',
      Browser: 'Chrome 126.0.0.0',
      System: 'Windows NT 10.0',
      Language: languageName('de-CH'),
    });
    expect(shown['Local time']).toBe(`${localTime('Asia/Tokyo', now)} (Asia/Tokyo)`);
    const links = [...container.querySelectorAll<HTMLAnchorElement>('a.contact-url')];
    expect(links.map((link) => [link.getAttribute('href'), link.rel, link.target])).toEqual([
      ['https://shop.example/checkout?step=2', 'noopener noreferrer', '_blank'],
      ['https://www.google.com/', 'noopener noreferrer', '_blank'],
    ]);
  });

  it('marks a contact the site verified, with its user id, and not an anonymous one', async () => {
    await mount({}, contact({ externalId: 'user_42', verifiedAt: '2025-01-05T12:00:00.000Z' }));
    const badge = container.querySelector<HTMLElement>('.contact-details .status-badge')!;
    expect(badge.textContent).toBe('Verified');
    expect(badge.closest('dd')!.previousElementSibling!.textContent).toBe('Name');
    expect(badge.title).toBe(`Verified by your site as user user_42 on ${formatFullTime('2025-01-05T12:00:00.000Z')}`);
    expect(details()).toMatchObject({ Name: 'Ada Lovelace Verified', 'User ID': 'user_42' });
    render(null, container);
    container.remove();

    await mount({}, contact({ name: null, email: null, phone: null }));
    expect(container.textContent).not.toContain('Verified');
    expect(details()).not.toHaveProperty('User ID');
    expect(details().Name).toBe('Not given');
  });

  it('keeps the local time to the minute', async () => {
    await mount();
    const before = details()['Local time'];
    await act(async () => {
      vi.advanceTimersByTime(60_000);
    });
    expect(details()['Local time']).toBe(`${localTime('Asia/Tokyo', new Date(now.getTime() + 60_000))} (Asia/Tokyo)`);
    expect(details()['Local time']).not.toBe(before);
  });

  it('never links anything but http(s), and says what is unknown', async () => {
    await mount({}, contact({ page: 'javascript:alert(1)', referrer: null, browser: null, os: null, timeZone: null, language: null }));
    expect(container.querySelectorAll('a.contact-url')).toHaveLength(0);
    expect(details()).toMatchObject({
      Page: 'javascript:alert(1)',
      'Came from': 'Direct or unknown',
      Browser: 'Unknown',
      System: 'Unknown',
      'Local time': 'Unknown',
      Language: 'Unknown',
    });
    expect(safeHref('https://a.example/')).toBe('https://a.example/');
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
    expect(localTime('Mars/Olympus', now)).toBeNull();
  });

  it('lists the contact’s conversations as links that open them in the console', async () => {
    const onOpenConversation = vi.fn();
    await mount({ onOpenConversation });
    const links = [...container.querySelectorAll<HTMLAnchorElement>('.contact-conversations a')];
    expect(links.map((link) => [link.getAttribute('href'), link.getAttribute('aria-current')])).toEqual([
      ['/console/conversations/conv-2', 'page'],
      ['/console/conversations/conv-1', null],
    ]);
    expect(links[0]!.textContent).toContain('Where is my parcel?');
    const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    await act(async () => {
      links[1]!.dispatchEvent(click);
    });
    expect(click.defaultPrevented).toBe(true);
    expect(onOpenConversation).toHaveBeenCalledWith('conv-1');
    // With a modifier key the browser opens it elsewhere.
    const ctrlClick = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ctrlKey: true });
    links[1]!.dispatchEvent(ctrlClick);
    expect(ctrlClick.defaultPrevented).toBe(false);
    expect(onOpenConversation).toHaveBeenCalledTimes(1);
  });

  it('edits name, e-mail and phone, sending only what changed (emptied: cleared), and shows the saved contact', async () => {
    const edits: ContactEdit[] = [];
    await mount({
      save: (_id, edit) => {
        edits.push(edit);
        return Promise.resolve(contact({ name: 'Ada King', email: null }));
      },
    });
    await act(async () => button('Edit').click());
    expect(input('name').value).toBe('Ada Lovelace');
    await type('name', ' Ada King ');
    await type('email', '');
    await submit();
    expect(edits).toEqual([{ name: 'Ada King', email: null }]);
    expect(container.querySelector('form')).toBeNull();
    expect(details()).toMatchObject({ Name: 'Ada King', 'E-mail': 'Not given' });
  });

  it('shows the server’s field errors beside their fields, and keeps the form', async () => {
    await mount({
      save: () =>
        Promise.reject(
          new ParleyError('invalid_payload', 'Invalid payload.', {
            issues: [
              { path: 'body.email', message: 'That is not an e-mail address.' },
              { path: 'phone', message: 'The phone number is not valid.' },
            ],
          }),
        ),
    });
    await act(async () => button('Edit').click());
    await type('email', 'nope');
    await type('phone', '12');
    await submit();
    expect(container.querySelector('form')).not.toBeNull();
    expect(input('email').getAttribute('aria-invalid')).toBe('true');
    const describedBy = input('phone').getAttribute('aria-describedby')!;
    expect(container.querySelector(`[id="${describedBy}"]`)?.textContent).toBe('The phone number is not valid.');
    expect(input('name').hasAttribute('aria-invalid')).toBe(false);
  });

  it('says when a refusal names no field, and when nothing is known about the visitor', async () => {
    await mount({ save: () => Promise.reject(new ParleyError('unavailable', 'Cannot reach the server.')) });
    await act(async () => button('Edit').click());
    await type('name', 'Grace');
    await submit();
    expect(container.querySelector('[role="alert"]')?.textContent).toBe('Cannot reach the server.');
    render(null, container);
    container.remove();

    await mount({ load: () => Promise.reject(new ParleyError('not_found')) });
    expect(container.textContent).toContain('Nothing is known about this visitor yet.');
  });
});
