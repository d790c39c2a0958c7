// @vitest-environment happy-dom
import { ParleyError } from '@parley/client';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { botDraft, FakeClient, message, session } from './__fixtures__/fake-client.js';
import { mountApp, type AppHandle, type MountAppOptions } from './mount-app.js';
import type { WidgetAppearance } from './widget-settings.js';

/** A custom property the widget sets on its host (the accent, the offsets), or ''. */
function hostProperty(root: ShadowRoot, name: string) {
  const rules = [...root.querySelectorAll('style')].map((style) => style.textContent ?? '').filter((css) => css.startsWith(':host{'));
  return rules.map((css) => css.match(new RegExp(`${name}:([^;}]+)`))?.[1]).find(Boolean) ?? '';
}

/** Where the server serves an agent's picture (`GET /api/avatars/:userId/:version.webp`). */
const AVATAR_URL = 'https://chat.example.com/api/avatars/0f8b1c8e-4c1a-4b5e-9d8e-2f0a6c3d9b71/3b9c0e4f5a6d7e81.webp';

/** The accent the widget applies: the `--parley-accent` it sets on its host. */
const accentOf = (root: ShadowRoot) => hostProperty(root, '--parley-accent');

let mounted: AppHandle[] = [];

afterEach(() => {
  for (const handle of mounted) handle.unmount();
  mounted = [];
  vi.useRealTimers();
});

async function setup(client = new FakeClient(), options: MountAppOptions = {}) {
  let handle!: AppHandle;
  await act(() => {
    handle = mountApp(client, options);
  });
  mounted.push(handle);
  const host = options.target ?? document.querySelector<HTMLElement>('[data-parley-widget]')!;
  const root = host.shadowRoot!;
  return { client, handle, host, root };
}

/** The accessible name as the widget sets it: `aria-label`, else the text. */
function nameOf(element: Element) {
  return element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '';
}

function button(root: ShadowRoot, name: string) {
  return [...root.querySelectorAll('button')].find((candidate) => nameOf(candidate) === name) ?? null;
}

function textbox(root: ShadowRoot, name: string) {
  return [...root.querySelectorAll('textarea')].find((candidate) => nameOf(candidate) === name) ?? null;
}

async function type(root: ShadowRoot, value: string) {
  const composer = textbox(root, 'Message')!;
  await act(() => {
    composer.value = value;
    composer.dispatchEvent(new Event('input', { bubbles: true }));
  });
  return composer;
}

async function press(element: Element, key: string, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  await act(() => {
    element.dispatchEvent(event);
  });
  return event;
}

/** The topic picker: a group named by its question. */
function picker(root: ShadowRoot) {
  return root.querySelector<HTMLElement>('[role="group"].topics');
}

/** The names of the picker's pressed buttons. */
function pressed(root: ShadowRoot) {
  return [...picker(root)!.querySelectorAll('button')].filter((item) => item.getAttribute('aria-pressed') === 'true').map(nameOf);
}

/** Lets a chunk that is wanted load: long enough for the extras chunk, loaded once already, to arrive. */
function settle() {
  return act(() => new Promise((resolve) => setTimeout(resolve, 20)));
}

describe('App', () => {
  it('renders only a launcher named "Open chat" until opened', async () => {
    const { root } = await setup();
    const launcher = button(root, 'Open chat');
    expect(launcher).not.toBeNull();
    expect(launcher!.getAttribute('aria-expanded')).toBe('false');
    expect(root.querySelector('[role="log"]')).toBeNull();
    expect(textbox(root, 'Message')).toBeNull();
  });

  it('opens on a click of the launcher, showing the log, the composer and Send', async () => {
    const { root } = await setup();
    await act(() => button(root, 'Open chat')!.click());

    expect(root.querySelector('[role="log"]')).not.toBeNull();
    expect(textbox(root, 'Message')).not.toBeNull();
    expect(button(root, 'Send')).not.toBeNull();
    const launcher = root.querySelector('.launcher');
    expect(nameOf(launcher!)).toBe('Close chat');
    expect(launcher?.getAttribute('aria-expanded')).toBe('true');

    await act(() => launcher!.click());
    expect(root.querySelector('[role="log"]')).toBeNull();
    expect(button(root, 'Open chat')).not.toBeNull();
  });

  it('shows the title and greeting from the session, and applies the accent colour', async () => {
    const { root } = await setup(new FakeClient(), { open: true });
    expect(root.querySelector('h2')?.textContent).toBe('Acme support');
    expect(root.querySelector('[role="dialog"]')?.getAttribute('aria-label')).toBe('Acme support');
    expect(root.querySelector('[role="log"]')?.textContent).toContain('Hi! Ask us anything.');
    expect(accentOf(root)).toBe('#ff5500');
  });

  it('renders message text literally, never as HTML', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    const attack = '<img src=x onerror=alert(1)>';
    await act(() => client.receive(message('agent', attack, 'Mallory')));

    const log = root.querySelector('[role="log"]')!;
    expect(log.querySelector('img')).toBeNull();
    expect(root.querySelector('img')).toBeNull();
    expect(log.textContent).toContain(attack);
  });

  it("renders the bot's and agents' markdown safely, and only links in the visitor's own text", async () => {
    const client = new FakeClient();
    client.messages = [
      message('visitor', 'Is **this** https://shop.example/a ok?'),
      message('agent', 'Yes: **free** returns, see [our policy](https://shop.example/returns) or [this](javascript:alert(1)).', 'Ada'),
    ];
    const { root } = await setup(client, { open: true });
    const [visitor, agent] = [...root.querySelectorAll('[role="log"] .body')];
    expect(visitor!.querySelector('strong')).toBeNull();
    expect(visitor!.textContent).toBe('Is **this** https://shop.example/a ok?');
    expect(visitor!.querySelector('a')?.getAttribute('href')).toBe('https://shop.example/a');
    expect(agent!.querySelector('strong')?.textContent).toBe('free');
    const links = [...agent!.querySelectorAll('a')];
    expect(
      links.map((link) => [link.textContent, link.getAttribute('href'), link.getAttribute('rel'), link.getAttribute('target')]),
    ).toEqual([['our policy', 'https://shop.example/returns', 'noopener noreferrer', '_blank']]);
    expect(agent!.textContent).toContain('[this](javascript:alert(1))');
  });

  it('offers the quick replies of the newest message as buttons that send their text, until something follows it', async () => {
    const client = new FakeClient();
    const offer = { ...message('bot', 'Shall I find your order?'), quickReplies: ['Yes, please', 'No, thanks'] };
    client.messages = [{ ...message('agent', 'Older choice', 'Ada'), quickReplies: ['Old'] }, offer];
    const { root } = await setup(client, { open: true });
    const composer = textbox(root, 'Message')!;
    await act(() => {
      composer.value = 'half-written';
      composer.dispatchEvent(new Event('input'));
    });
    expect(button(root, 'Old')).toBeNull();
    await act(() => button(root, 'Yes, please')!.click());
    expect(client.sent).toEqual(['Yes, please']);
    // What the visitor was writing stays, and so does the focus in the composer.
    expect(composer.value).toBe('half-written');
    expect(root.activeElement).toBe(composer);

    await act(() => client.receive(message('visitor', 'Yes, please')));
    expect(button(root, 'No, thanks')).toBeNull();
    // A visitor's message never offers any, whatever it carries.
    await act(() => client.receive({ ...message('visitor', 'x'), quickReplies: ['Forged'] }));
    expect(button(root, 'Forged')).toBeNull();
  });

  it('lists the sources a bot reply cites under it, numbered as in the text, linking only http(s) URLs', async () => {
    const client = new FakeClient();
    const reply = {
      ...message('bot', 'Returns are free within 30 days [2]. Repairs take two weeks [3].'),
      citations: [
        { index: 2, documentId: 'd1', chunkId: 7, title: 'Returns', section: 'Return policy', url: 'https://shop.example/returns' },
        { index: 3, documentId: 'd2', chunkId: 9, title: 'Repairs <b>now</b>', section: '', url: 'javascript:alert(1)' },
      ],
    };
    client.messages = [reply];
    const { root } = await setup(client, { open: true });

    // Drawn with the panel's files, a chunk loaded when it first opens.
    await vi.waitFor(() => expect(root.querySelector('[role="log"] ol.sources')).not.toBeNull());
    const sources = root.querySelector('[role="log"] ol.sources')!;
    expect(sources.getAttribute('aria-label')).toBe('Sources');
    const items = [...sources.querySelectorAll('li')];
    expect(items.map((item) => [item.getAttribute('value'), item.textContent])).toEqual([
      ['2', 'Returns › Return policy'],
      ['3', 'Repairs <b>now</b>'],
    ]);
    const link = items[0]!.querySelector('a')!;
    expect(link.getAttribute('href')).toBe('https://shop.example/returns');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(items[1]!.querySelector('a')).toBeNull();
    expect(sources.querySelector('b')).toBeNull();
  });

  it('names the page of a cited PDF and links to the page', async () => {
    const client = new FakeClient();
    const url = 'https://shop.example/manuals/dx-300.pdf#page=3';
    client.messages = [
      {
        ...message('bot', 'Clean the filter after every cycle [1].'),
        citations: [{ index: 1, documentId: 'd3', chunkId: 11, title: 'Dryer manual', section: '', url, page: 3 }],
      },
    ];
    const { root } = await setup(client, { open: true });
    await vi.waitFor(() => expect(root.querySelector('[role="log"] ol.sources li a')).not.toBeNull());
    const link = root.querySelector<HTMLAnchorElement>('[role="log"] ol.sources li a')!;
    expect([link.textContent, link.getAttribute('href')]).toEqual(['Dryer manual, p. 3', url]);
  });

  it('tells visitor messages from agent and bot messages', async () => {
    const client = new FakeClient();
    client.messages = [message('visitor', 'I need help'), message('agent', 'Sure!', 'Ada'), message('bot', 'Beep')];
    const { root } = await setup(client, { open: true });

    const items = [...root.querySelectorAll('[role="log"] [data-author]')];
    expect(items.map((item) => item.getAttribute('data-author'))).toEqual(['visitor', 'agent', 'bot']);
    expect(items.map((item) => item.className)).toEqual(['message visitor', 'message agent', 'message bot']);
    expect(items[1]!.querySelector('.author')?.textContent).toBe('Ada');
    // A bot message without a name of its own carries the widget's bot name.
    expect(items[2]!.querySelector('.author')?.textContent).toBe('Acme bot');
  });

  it("renders the bot's reply as it streams, as text only, under the bot's name", async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    const log = root.querySelector('[role="log"]')!;

    await act(() => client.setDrafts([botDraft('m9', 'Hel')]));
    let item = log.querySelector('[data-draft="true"]')!;
    expect(item.querySelector('.author')?.textContent).toBe('Acme bot');
    expect(item.querySelector('p')?.textContent).toBe('Hel');
    expect(item.className).toBe('message bot streaming');
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Acme bot is typing…');

    await act(() => client.setDrafts([botDraft('m9', 'Hello <b>there</b><img src=x onerror=alert(1)>')]));
    item = log.querySelector('[data-draft="true"]')!;
    expect(item.querySelector('p')?.textContent).toBe('Hello <b>there</b><img src=x onerror=alert(1)>');
    expect(log.querySelector('b, img')).toBeNull();
  });

  it("keeps a streaming reply's words from being read out one delta at a time", async () => {
    const client = new FakeClient();
    client.drafts = [botDraft('m9', 'Hello')];
    const { root } = await setup(client, { open: true });
    expect(root.querySelector('[data-draft="true"]')?.getAttribute('aria-hidden')).toBe('true');
  });

  it('removes the partial text of a cancelled or failed reply', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    await act(() => client.setDrafts([botDraft('m9', 'Let me check')]));
    expect(root.querySelector('[role="log"]')!.textContent).toContain('Let me check');

    await act(() => client.setDrafts([]));
    expect(root.querySelector('[role="log"]')!.textContent).not.toContain('Let me check');
    expect(root.querySelector('[data-draft]')).toBeNull();
    expect(root.textContent).not.toContain('is typing…');
  });

  it('shows the stored reply in place of its draft, once', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    await act(() => client.setDrafts([botDraft('m9', 'Open 9 to 5.', false)]));
    expect(root.querySelector('[data-draft="true"]')!.className).toBe('message bot');

    const stored = { ...message('bot', 'Open 9 to 5.', 'Acme bot'), id: 'm9' };
    await act(() => {
      client.setDrafts([]);
      client.receive(stored);
    });
    const items = [...root.querySelectorAll('[role="log"] [data-author="bot"]')];
    expect(items.map((item) => item.querySelector('p')?.textContent)).toEqual(['Open 9 to 5.']);
    expect(items[0]!.hasAttribute('data-draft')).toBe(false);
  });

  it('offers "Talk to a person" while the bot answers, and says a person is coming once asked', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    expect(root.textContent).not.toContain('Waiting for a person to join…');

    await act(() => button(root, 'Talk to a person')!.click());
    expect(client.humanRequests).toEqual([undefined]);
    expect(button(root, 'Talk to a person')).toBeNull();
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Waiting for a person to join…');
    expect(root.activeElement).toBe(textbox(root, 'Message'));

    await act(() => client.setConversationStatus('agent'));
    expect(button(root, 'Talk to a person')).toBeNull();
    expect(root.textContent).not.toContain('Waiting for a person to join…');
  });

  it('asks for a rating once a conversation is resolved, sends it once, and hides the form when it is rated', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    const resolved = { ...message('system', 'The conversation was resolved.'), event: { type: 'resolved' as const } };
    await act(() => {
      client.receive(resolved);
      client.setConversationStatus('resolved');
    });
    // The form is a chunk of its own, loaded now.
    await vi.waitFor(() => expect(root.querySelector('form.rating')).not.toBeNull());
    const form = root.querySelector<HTMLFormElement>('form.rating')!;
    expect(form.getAttribute('aria-label')).toBe('How was this conversation?');
    expect(button(root, 'Send rating')).toBeNull();

    await act(() => button(root, '4 out of 5')!.click());
    expect(button(root, '4 out of 5')!.getAttribute('aria-pressed')).toBe('true');
    const comment = textbox(root, 'Anything to add? (optional)')!;
    await act(() => {
      comment.value = '  Quick and kind  ';
      comment.dispatchEvent(new Event('input'));
    });
    await act(async () => {
      button(root, 'Send rating')!.click();
      await Promise.resolve();
    });
    expect(client.ratings).toEqual([[resolved.seq, 4, 'Quick and kind']]);
    expect(root.querySelector('form.rating')).toBeNull();
    expect(root.textContent).toContain('The conversation was rated 4 out of 5. “Quick and kind”');
  });

  it('asks for an e-mail or phone number when nobody can answer, says what was wrong, and stops asking once given', async () => {
    const client = new FakeClient();
    const saves = client.saveContactResult;
    client.saveContactResult = () => Promise.reject(new ParleyError('invalid_payload', 'The phone number is not valid.'));
    const { root } = await setup(client, { open: true });
    await act(() => {
      client.setConversationStatus('queued');
      client.receive({
        ...message(
          'system',
          "Nobody from our team is available right now. Leave your e-mail address or phone number and we'll get back to you.",
        ),
        event: { type: 'away', reason: 'no_agent', nextOpening: null },
      });
    });
    await vi.waitFor(() => expect(root.querySelector('form[aria-label="Leave your contact details"]')).not.toBeNull());
    const field = (name: string) => root.querySelector<HTMLInputElement>(`input[aria-label="${name}"]`)!;
    const fill = (name: string, value: string) =>
      act(() => {
        field(name).value = value;
        field(name).dispatchEvent(new Event('input'));
      });
    const send = () =>
      act(async () => {
        root.querySelector<HTMLButtonElement>('form[aria-label="Leave your contact details"] button[type="submit"]')!.click();
        await Promise.resolve();
      });

    await send();
    expect(root.querySelector('form [role="alert"]')?.textContent).toBe('Enter an e-mail address or a phone number.');
    await fill('Phone (optional)', '12');
    await send();
    expect(root.querySelector('form [role="alert"]')?.textContent).toBe('The phone number is not valid.');

    client.saveContactResult = saves;
    await fill('E-mail', ' ada@example.com ');
    await fill('Phone (optional)', '');
    await send();
    expect(client.contactsSaved.at(-1)).toEqual({ email: 'ada@example.com' });
    expect(root.querySelector('form[aria-label="Leave your contact details"]')).toBeNull();
  });

  it('tells the client how far the visitor has read while the panel is open and the page visible', async () => {
    const client = new FakeClient();
    const { root, handle } = await setup(client);
    const first = message('agent', 'Hello?');
    await act(() => client.receive(first));
    expect(client.seen).not.toContain(first.seq);

    await act(() => root.querySelector<HTMLElement>('.launcher')!.click());
    expect(client.seen.at(-1)).toBe(first.seq);
    const second = message('agent', 'Are you there?');
    await act(() => client.receive(second));
    expect(client.seen.at(-1)).toBe(second.seq);

    // Another tab is in front: nothing is seen until this page is visible again.
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    try {
      const third = message('agent', 'Anyone?');
      await act(() => client.receive(third));
      expect(client.seen).not.toContain(third.seq);
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
      await act(() => document.dispatchEvent(new Event('visibilitychange')));
      expect(client.seen.at(-1)).toBe(third.seq);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }

    await act(() => handle.close());
    const fourth = message('agent', 'Bye.');
    await act(() => client.receive(fourth));
    await act(() => document.dispatchEvent(new Event('visibilitychange')));
    expect(client.seen).not.toContain(fourth.seq);
  });

  it('offers the transcript by e-mail under a resolved conversation when the server sends e-mail, and says where it went', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    await act(() => {
      client.receive({ ...message('system', 'The conversation was resolved.'), event: { type: 'resolved' } });
      client.setConversationStatus('resolved');
    });
    await vi.waitFor(() => expect(root.querySelector('form.rating')).not.toBeNull());
    expect(button(root, 'E-mail me this conversation')).toBeNull();

    await act(() => {
      client.session = { ...client.session!, email: true };
      client.emit('session', client.session);
    });
    // Rated or not, the offer stays.
    await act(() => button(root, '5 out of 5')!.click());
    await act(async () => {
      button(root, 'Send rating')!.click();
      await Promise.resolve();
    });
    expect(button(root, 'Send rating')).toBeNull();
    await act(() => button(root, 'E-mail me this conversation')!.click());

    const form = root.querySelector<HTMLFormElement>('form[aria-label="E-mail me this conversation"]')!;
    const field = form.querySelector<HTMLInputElement>('input')!;
    expect(field.type).toBe('email');
    expect(field.closest('label')?.textContent).toBe('Your e-mail address');
    expect(field.value).toBe('');
    expect(root.activeElement).toBe(field);
    await act(() => {
      field.value = ' ada@example.com ';
      field.dispatchEvent(new Event('input'));
    });
    await act(async () => {
      form.querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
      await Promise.resolve();
    });
    expect(client.transcripts).toEqual(['ada@example.com']);
    const sent = root.querySelector('[role="status"]')!;
    expect(sent.textContent).toBe('Sent to ada@example.com.');
    expect(root.activeElement).toBe(sent);
    expect(root.querySelector('form[aria-label="E-mail me this conversation"]')).toBeNull();
  });

  it('sends the transcript without an address when the field is left empty, fills in an address left before, and says what was wrong', async () => {
    const client = new FakeClient();
    client.session = { ...client.session!, email: true };
    client.requestTranscriptResult = () => Promise.reject(new ParleyError('invalid_payload', 'Give an e-mail address to send it to.'));
    const { root } = await setup(client, { open: true });
    await act(() => {
      client.receive({ ...message('system', 'The conversation was resolved.'), event: { type: 'resolved' } });
      client.setConversationStatus('resolved');
    });
    await vi.waitFor(() => expect(button(root, 'E-mail me this conversation')).not.toBeNull());
    await act(() => button(root, 'E-mail me this conversation')!.click());
    const form = () => root.querySelector<HTMLFormElement>('form[aria-label="E-mail me this conversation"]')!;
    const send = () =>
      act(async () => {
        form().querySelector<HTMLButtonElement>('button[type="submit"]')!.click();
        await Promise.resolve();
      });

    await send();
    expect(client.transcripts).toEqual([undefined]);
    expect(form().querySelector('[role="alert"]')?.textContent).toBe('Give an e-mail address to send it to.');

    client.requestTranscriptResult = () =>
      Promise.reject(
        new ParleyError('invalid_payload', 'The request payload is not valid.', {
          issues: [{ path: 'email', message: 'That is not an e-mail address.' }],
        }),
      );
    // One the browser lets through (it stops 'ada@' itself) but the server refuses.
    const field = form().querySelector('input')!;
    await act(() => {
      field.value = 'ada@example';
      field.dispatchEvent(new Event('input'));
    });
    await send();
    expect(client.transcripts).toEqual([undefined, 'ada@example']);
    expect(form().querySelector('[role="alert"]')?.textContent).toBe('That is not an e-mail address.');
  });

  it('fills in the address the visitor left in this conversation', async () => {
    const client = new FakeClient();
    client.session = { ...client.session!, email: true };
    const { root } = await setup(client, { open: true });
    await act(() => {
      client.receive({
        ...message('system', "Thanks! We'll get back to you at ada@example.com."),
        event: { type: 'contact_saved', email: 'ada@example.com' },
      });
      client.receive({ ...message('system', 'The conversation was resolved.'), event: { type: 'resolved' } });
      client.setConversationStatus('resolved');
    });
    await vi.waitFor(() => expect(button(root, 'E-mail me this conversation')).not.toBeNull());
    await act(() => button(root, 'E-mail me this conversation')!.click());
    expect(root.querySelector<HTMLInputElement>('form[aria-label="E-mail me this conversation"] input')!.value).toBe('ada@example.com');
  });

  it('says so when the rating could not be sent, and keeps the form', async () => {
    const client = new FakeClient();
    client.rateResult = () => Promise.reject(new Error('offline'));
    const { root } = await setup(client, { open: true });
    await act(() => {
      client.receive({ ...message('system', 'The conversation was resolved.'), event: { type: 'resolved' } });
      client.setConversationStatus('resolved');
    });
    await vi.waitFor(() => expect(button(root, '5 out of 5')).not.toBeNull());
    await act(() => button(root, '5 out of 5')!.click());
    await act(async () => {
      button(root, 'Send rating')!.click();
      await Promise.resolve();
    });
    expect(root.querySelector('form.rating [role="alert"]')?.textContent).toBe("Couldn't send your rating. Try again.");
  });

  it('shows the place in the queue and the usual wait, live, while the visitor waits', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    await act(() => client.setConversationStatus('queued'));
    const status = () => root.querySelector('[role="status"]')?.textContent;
    expect(status()).toBe('Waiting for a person to join…');

    await act(() => client.setQueue({ conversationId: 'c1', position: 3, expectedWaitSeconds: null }));
    // Without enough recent waits the server says nothing about the wait, and neither does the widget.
    expect(status()).toBe("You're number 3 in the queue.");
    await act(() => client.setQueue({ conversationId: 'c1', position: 2, expectedWaitSeconds: 130 }));
    expect(status()).toBe("You're number 2 in the queue. Usually within 3 min.");
    await act(() => client.setQueue({ conversationId: 'c1', position: 1, expectedWaitSeconds: 20 }));
    expect(status()).toBe("You're number 1 in the queue. Usually within 1 min.");

    await act(() => {
      client.setQueue(null);
      client.setConversationStatus('agent');
    });
    expect(root.textContent).not.toContain('in the queue');
  });

  it('shows system messages as centered status lines, in the words the server wrote for the visitor', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    // The server words each line in the widget's language when it writes it: the widget needs no wording of its own,
    // so it shows lines of events it doesn't know as well as those it does.
    await act(() => {
      client.receive({
        ...message('system', 'Eine Person aus unserem Team wurde gebeten.'),
        event: { type: 'handoff_requested', by: 'visitor' },
      });
      client.receive({ ...message('system', "You're number 2 in the queue."), event: { type: 'queued', position: 2 } });
      client.receive({ ...message('system', 'Something new happened.'), event: { type: 'future' } as never });
    });
    const lines = [...root.querySelectorAll('[role="log"] [data-author="system"]')];
    expect(lines.map((line) => line.textContent)).toEqual([
      'Eine Person aus unserem Team wurde gebeten.',
      "You're number 2 in the queue.",
      'Something new happened.',
    ]);
    expect(lines.every((line) => line.classList.contains('system') && !line.querySelector('.author'))).toBe(true);
  });

  it('does not offer "Talk to a person" without a conversation with the bot', async () => {
    const client = new FakeClient();
    client.session = { ...session, conversation: { id: 'c1', status: 'agent', lastSeq: 3 } };
    const { root } = await setup(client, { open: true });
    expect(button(root, 'Talk to a person')).toBeNull();
    await act(() => client.setConversationStatus('bot'));
    expect(button(root, 'Talk to a person')).not.toBeNull();
  });

  it.each([
    ['transition_rejected', 'status', "You're already talking to our team."],
    ['unavailable', 'alert', "Couldn't reach a person: Not connected."],
  ] as const)('explains a request for a person refused with %s', async (code, role, shown) => {
    const client = new FakeClient();
    client.requestHumanResult = () => Promise.reject(new ParleyError(code, code === 'unavailable' ? 'Not connected.' : undefined));
    const { root } = await setup(client, { open: true });

    await act(() => button(root, 'Talk to a person')!.click());
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(root.querySelector(`[role="${role}"]`)?.textContent).toBe(shown);
    // The button stays, focusable, for another try.
    await act(() => button(root, 'Talk to a person')!.click());
    expect(client.humanRequests).toHaveLength(2);
  });

  it('sends one request for a person however often the button is pressed meanwhile', async () => {
    const client = new FakeClient();
    let answer!: () => void;
    client.requestHumanResult = () => new Promise((resolve) => (answer = () => resolve(client.session!.conversation!)));
    const { root } = await setup(client, { open: true });
    await act(() => {
      button(root, 'Talk to a person')!.click();
      button(root, 'Talk to a person')!.click();
    });
    expect(client.humanRequests).toEqual([undefined]);
    await act(() => answer());
  });

  it('sends on Enter, keeps Shift+Enter for a new line, and clears the composer', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });

    const composer = await type(root, 'line one');
    const shiftEnter = await press(composer, 'Enter', { shiftKey: true });
    expect(shiftEnter.defaultPrevented).toBe(false);
    expect(client.sent).toEqual([]);

    const enter = await press(composer, 'Enter');
    expect(enter.defaultPrevented).toBe(true);
    expect(client.sent).toEqual(['line one']);
    expect(composer.value).toBe('');
  });

  it('sends with the Send button, which is disabled while the composer is blank', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    expect(button(root, 'Send')!.disabled).toBe(true);
    await type(root, '   ');
    expect(button(root, 'Send')!.disabled).toBe(true);
    await type(root, 'Hello');
    await act(() => button(root, 'Send')!.click());
    expect(client.sent).toEqual(['Hello']);
  });

  it("reports the visitor's typing to the client", async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    await type(root, 'H');
    await type(root, '');
    expect(client.typing).toEqual([true, false]);
  });

  it('shows "Agent is typing…" while an agent types, until their message arrives', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    const typing = { conversationId: 'c1', author: { kind: 'agent' as const, name: 'Ada' }, typing: true };

    await act(() => client.emit('typing', typing));
    expect(root.textContent).toContain('Agent is typing…');
    await act(() => client.receive(message('agent', 'Here you go', 'Ada')));
    expect(root.textContent).not.toContain('Agent is typing…');

    await act(() => client.emit('typing', typing));
    await act(() => client.emit('typing', { ...typing, typing: false }));
    expect(root.textContent).not.toContain('Agent is typing…');
  });

  it('drops a stale typing indicator after a while', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    vi.useFakeTimers();
    await act(() => client.emit('typing', { conversationId: 'c1', author: { kind: 'agent', name: null }, typing: true }));
    expect(root.textContent).toContain('Agent is typing…');
    await act(() => {
      vi.advanceTimersByTime(8000);
    });
    expect(root.textContent).not.toContain('Agent is typing…');
  });

  it('marks queued messages as not sent while offline', async () => {
    const client = new FakeClient();
    client.status = 'offline';
    client.pending = [{ clientId: 'a', body: 'Are you there?', createdAt: '2025-01-01T00:00:00.000Z' }];
    const { root } = await setup(client, { open: true });

    const item = root.querySelector('[data-pending="true"]')!;
    expect(item.textContent).toContain('Are you there?');
    expect(item.textContent).toContain('Not sent yet');
    expect(root.textContent).toContain("You're offline");

    await act(() => client.setStatus('connected'));
    expect(root.querySelector('[data-pending="true"]')!.textContent).toContain('Sending…');
    expect(root.textContent).not.toContain("You're offline");
  });

  it('shows a clear error line when the connection is refused', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    await act(() => client.setStatus('error', new ParleyError('origin_not_allowed', 'This website is not allowed to use this widget.')));
    const alert = root.querySelector('[role="alert"]');
    expect(alert?.textContent).toBe("Couldn't connect to chat: This website is not allowed to use this widget.");
  });

  it('shows why a message was refused', async () => {
    const client = new FakeClient();
    client.sendResult = () => Promise.reject(new ParleyError('message_too_long', 'Messages can be at most 4000 characters long.'));
    const { root } = await setup(client, { open: true });
    const composer = await type(root, 'x');
    await press(composer, 'Enter');
    await act(() => Promise.resolve());
    expect(root.querySelector('[role="alert"]')?.textContent).toBe('Message not sent: Messages can be at most 4000 characters long.');
  });

  it('focuses the composer when opened, but does not take focus when mounted open', async () => {
    const { root, handle } = await setup(new FakeClient(), { open: true });
    await act(() => {});
    expect(root.activeElement).toBeNull();
    await act(() => handle.close());
    await act(() => handle.open());
    expect(root.activeElement).toBe(textbox(root, 'Message'));
  });

  it('closes on Escape and gives focus back to the launcher', async () => {
    const { root, handle } = await setup(new FakeClient(), { open: true });
    await act(() => {});
    await press(textbox(root, 'Message')!, 'Escape');
    expect(root.querySelector('[role="log"]')).toBeNull();
    expect(root.activeElement).toBe(button(root, 'Open chat'));
    await act(() => handle.open());
    expect(root.querySelector('[role="log"]')).not.toBeNull();
  });

  describe('pre-chat topics', () => {
    const topics = [
      { id: 'billing', label: 'Billing' },
      { id: 'tech', label: 'Technical help' },
    ];
    it('asks what the visitor needs before the first message, and sends the topic picked with it', async () => {
      const client = new FakeClient();
      client.offerTopics(topics);
      const { root } = await setup(client, { open: true });
      // The picker is in the extras chunk, loaded now.
      await vi.waitFor(() => expect(picker(root)).not.toBeNull());

      const group = picker(root)!;
      const label = root.getElementById(group.getAttribute('aria-labelledby')!);
      expect(label?.textContent).toBe('What can we help you with?');
      expect([...group.querySelectorAll('button')].map(nameOf)).toEqual(['Billing', 'Technical help']);
      expect(pressed(root)).toEqual([]);
      // Above the composer.
      expect(group.compareDocumentPosition(root.querySelector('form.composer')!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();

      await act(() => button(root, 'Billing')!.click());
      expect(client.topicsChosen).toEqual(['billing']);
      expect(pressed(root)).toEqual(['Billing']);
      await act(() => button(root, 'Technical help')!.click());
      expect(pressed(root)).toEqual(['Technical help']);

      await press(await type(root, 'The app crashes'), 'Enter');
      expect(client.sent).toEqual(['The app crashes']);
      expect(client.sentTopics).toEqual(['tech']);
    });

    it('clears the choice when the chosen topic is pressed again, and lets the visitor just write', async () => {
      const client = new FakeClient();
      client.offerTopics(topics);
      const { root } = await setup(client, { open: true });
      await vi.waitFor(() => expect(picker(root)).not.toBeNull());

      await act(() => button(root, 'Billing')!.click());
      await act(() => button(root, 'Billing')!.click());
      expect(client.topicsChosen).toEqual(['billing', null]);
      expect(pressed(root)).toEqual([]);

      await press(await type(root, 'Hello'), 'Enter');
      expect(client.sent).toEqual(['Hello']);
      expect(client.sentTopics).toEqual([null]);
    });

    it('keeps showing the choice when the panel is closed and opened again', async () => {
      const client = new FakeClient();
      client.offerTopics(topics);
      const { root, handle } = await setup(client, { open: true });
      await vi.waitFor(() => expect(picker(root)).not.toBeNull());
      await act(() => button(root, 'Technical help')!.click());

      await act(() => handle.close());
      await act(() => handle.open());
      expect(pressed(root)).toEqual(['Technical help']);
    });

    it('goes away once the conversation exists, or while the first message waits to be sent', async () => {
      const client = new FakeClient();
      client.offerTopics(topics);
      const { root } = await setup(client, { open: true });
      await vi.waitFor(() => expect(picker(root)).not.toBeNull());

      // A message queued offline already carries the topic chosen when it was written.
      await act(() => {
        client.pending = [{ clientId: 'a', body: 'Hello?', createdAt: '2025-01-01T00:00:00.000Z', topic: 'billing' }];
        client.emit('pending', client.pending);
      });
      expect(picker(root)).toBeNull();
      await act(() => {
        client.pending = [];
        client.emit('pending', client.pending);
      });
      expect(picker(root)).not.toBeNull();

      await act(() => client.beginConversation());
      expect(picker(root)).toBeNull();
      expect(root.textContent).not.toContain('What can we help you with?');
    });

    it('shows no picker when the widget offers no topics, or once the visitor has a conversation', async () => {
      for (const offered of [undefined, []]) {
        const client = new FakeClient();
        client.offerTopics(offered);
        const { root, handle } = await setup(client, { open: true });
        await settle();
        expect(picker(root)).toBeNull();
        // Not even the chunk: a visitor without topics does not pay for it.
        expect(root.querySelector('.panel > style')).toBeNull();
        handle.unmount();
      }

      const client = new FakeClient();
      client.session = { ...session, topics };
      const { root } = await setup(client, { open: true });
      await settle();
      expect(picker(root)).toBeNull();
      expect(button(root, 'Billing')).toBeNull();
    });
  });

  it('counts unread replies on the launcher, previews the newest and names its author in the title once', async () => {
    vi.useFakeTimers();
    document.title = 'Harbor & Pine';
    const client = new FakeClient();
    // The visitor saw up to here on an earlier visit: older replies are not unread.
    client.session = { ...session, conversation: { ...session.conversation!, visitorSeenSeq: 0 } };
    const { root } = await setup(client);
    const launcher = root.querySelector<HTMLElement>('.launcher')!;
    await act(() => client.receive(message('visitor', 'Hello?')));
    expect(root.querySelector('.badge')).toBeNull();
    expect(nameOf(launcher)).toBe('Open chat');

    await act(() => client.receive(message('agent', 'Hi, Ada here. How can I help?', 'Ada Lovelace')));
    await act(() => client.receive(message('bot', 'Here is our returns policy.')));
    expect(root.querySelector('.badge')?.textContent).toBe('2');
    expect(nameOf(launcher)).toBe('Open chat, 2 new messages');
    const preview = root.querySelector<HTMLElement>('.preview')!;
    expect(preview.textContent).toBe('Acme botHere is our returns policy.');
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Acme bot: Here is our returns policy.');
    // The title comes with a chunk of its own, loaded for the first unread reply.
    await vi.waitFor(() => expect(document.title).toBe('New message from Acme bot'));
    await act(() => vi.advanceTimersByTime(4000));
    expect(document.title).toBe('Harbor & Pine');

    // The preview opens the chat: everything is seen, and nothing is unread once closed again.
    await act(() => preview.click());
    expect(root.querySelector('[role="log"]')).not.toBeNull();
    expect(root.querySelector('.badge')).toBeNull();
    await act(() => launcher.click());
    expect(root.querySelector('.badge')).toBeNull();
    expect(root.querySelector('.preview')).toBeNull();
    expect(document.title).toBe('Harbor & Pine');
  });

  it('counts the replies of a new conversation from its start, whatever was seen in the one before', async () => {
    const client = new FakeClient();
    const { root, handle } = await setup(client, { open: true });
    // The first conversation went up to a high seq, all seen with the panel open.
    const old = { ...message('agent', 'Anything else?', 'Ada'), seq: 40 };
    await act(() => client.receive(old));
    // It was resolved and closed; the visitor's next message starts a new conversation, whose seq starts again at 1.
    client.session = { ...session, conversation: { id: 'c2', status: 'queued', lastSeq: 1 } };
    client.messages = [{ ...message('visitor', 'One more thing'), conversationId: 'c2', seq: 1 }];
    await act(() => client.emit('conversation', client.session!.conversation!));
    await act(() => handle.close());
    await act(() => client.receive({ ...message('agent', 'Sure, go ahead', 'Ada'), conversationId: 'c2', seq: 2 }));
    expect(root.querySelector('.badge')?.textContent).toBe('1');
  });

  it('leaves out replies the server counts as seen on an earlier visit', async () => {
    const client = new FakeClient();
    const old = message('agent', 'Seen last time', 'Ada');
    const fresh = message('agent', 'New since', 'Ada');
    client.messages = [old, fresh];
    client.session = { ...session, conversation: { ...session.conversation!, visitorSeenSeq: old.seq } };
    const { root } = await setup(client);
    expect(root.querySelector('.badge')?.textContent).toBe('1');
    expect(root.querySelector('.preview')?.textContent).toBe('AdaNew since');
  });

  it('shows when each message was written, and names the author and their initials once per group', async () => {
    const client = new FakeClient();
    const first = message('agent', 'Hi!', 'Ada Lovelace');
    const second = message('agent', 'How can I help?', 'Ada Lovelace');
    const later = { ...message('agent', 'Still there?', 'Ada Lovelace'), createdAt: '2025-01-01T00:20:00.000Z' };
    const bot = message('bot', 'Beep');
    client.messages = [first, second, later, bot];
    const { root } = await setup(client, { open: true });
    const items = [...root.querySelectorAll('[role="log"] [data-author]')];
    expect(items.map((item) => item.classList.contains('grouped'))).toEqual([false, true, false, false]);
    // Every message keeps its author for screen readers; a group shows it once.
    expect(items.map((item) => item.querySelector('.author')?.className)).toEqual(['author', 'author hidden', 'author', 'author']);
    expect(items[0]!.querySelector('.author')?.getAttribute('data-initials')).toBe('AL');
    expect(items[3]!.querySelector('.author')?.getAttribute('data-initials')).toBe('Ab');
    const time = items[0]!.querySelector('time')!;
    expect(time.getAttribute('datetime')).toBe(first.createdAt);
    // Not today: the date too, in the visitor's language.
    expect(time.textContent).toBe(new Date(first.createdAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' }));
  });

  it("draws an agent's picture in their avatar instead of initials, and initials for whoever has none", async () => {
    const client = new FakeClient();
    const pictured = message('agent', 'Hi!', 'Ada Lovelace');
    pictured.author.avatarUrl = AVATAR_URL;
    client.messages = [pictured, message('agent', 'Me too.', 'Grace Hopper'), message('bot', 'Beep')];
    const { root } = await setup(client, { open: true });
    const authors = [...root.querySelectorAll<HTMLElement>('[role="log"] .author')];
    // The picture is the disc's background (the stylesheet's `--p`); the name stays the element's only text.
    expect(authors[0]!.style.getPropertyValue('--p')).toBe(`url("${AVATAR_URL}")`);
    expect(authors[0]!.getAttribute('data-initials')).toBe('');
    expect(authors[0]!.textContent).toBe('Ada Lovelace');
    expect(authors.slice(1).map((author) => [author.getAttribute('data-initials'), author.getAttribute('style')])).toEqual([
      ['GH', null],
      ['Ab', null],
    ]);
    // A picture removed since: initials again.
    await act(() => {
      const { avatarUrl: _removed, ...author } = pictured.author;
      client.messages = [{ ...pictured, author }];
      client.emit('message', client.messages[0]);
    });
    const [again] = [...root.querySelectorAll<HTMLElement>('[role="log"] .author')];
    expect(again!.getAttribute('data-initials')).toBe('AL');
    expect(again!.style.getPropertyValue('--p')).toBe('');
  });

  it('keeps the reading position when news arrives while the visitor reads further up, with a pill to the newest', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true });
    const log = root.querySelector<HTMLElement>('[role="log"]')!;
    Object.defineProperties(log, { scrollHeight: { value: 1000, configurable: true }, clientHeight: { value: 300, configurable: true } });
    log.scrollTop = 100;
    await act(() => log.dispatchEvent(new Event('scroll')));
    await act(() => client.receive(message('agent', 'News', 'Ada')));
    expect(log.scrollTop).toBe(100);
    const pill = button(root, 'New messages')!;
    await act(() => pill.click());
    expect(log.scrollTop).toBe(1000);
    expect(button(root, 'New messages')).toBeNull();
    // At the end, news scrolls into view by itself.
    await act(() => client.receive(message('agent', 'More news', 'Ada')));
    expect(button(root, 'New messages')).toBeNull();
  });

  it("themes itself from the widget's settings: dark, offsets, launcher label, team name and who may answer", async () => {
    const client = new FakeClient();
    client.session = {
      ...session,
      widget: {
        ...session.widget,
        accentColor: '#fde047',
        theme: 'dark',
        offsetX: 32,
        offsetY: 90,
        launcherLabel: 'Questions?',
        teamName: 'Harbor & Pine team',
        agents: [{ name: 'Ada', avatarUrl: AVATAR_URL }, { name: 'Grace Hopper' }],
      },
    };
    const { root, handle } = await setup(client);
    // Their styles are a chunk of their own: drawn once it is in.
    for (let round = 0; round < 100 && !root.querySelector('.dark'); round++) await settle();
    const widget = root.querySelector<HTMLElement>('.root')!;
    expect(widget.classList.contains('dark')).toBe(true);
    expect(hostProperty(root, '--parley-x')).toBe('32px');
    expect(hostProperty(root, '--parley-y')).toBe('90px');
    // A light accent gets black text: WCAG AA.
    expect(accentOf(root)).toBe('#fde047');
    expect([...root.querySelectorAll('style')].some((style) => style.textContent?.includes('--parley-accent-text:#000'))).toBe(true);
    const launcher = root.querySelector<HTMLElement>('.launcher')!;
    expect(launcher.className).toBe('launcher label');
    expect(launcher.textContent).toBe('Questions?');
    expect(nameOf(launcher)).toBe('Questions?');
    await act(() => client.receive(message('agent', 'Hi!', 'Ada')));
    expect(nameOf(launcher)).toBe('Questions?, 1 new message');

    await act(() => handle.open());
    expect(launcher.className).toBe('launcher');
    expect(nameOf(launcher)).toBe('Close chat');
    const header = root.querySelector('.header')!;
    expect(header.querySelector('h2 + p')?.textContent).toBe('Harbor & Pine team');
    // Ada's picture, Grace's initials: decorative, the team's name says who they are.
    const avatars = [...header.querySelectorAll('.agents span')];
    expect(avatars.map((avatar) => avatar.textContent)).toEqual(['', 'GH']);
    const picture = avatars[0]!.querySelector('img')!;
    expect({ src: picture.getAttribute('src'), alt: picture.getAttribute('alt') }).toEqual({ src: AVATAR_URL, alt: '' });
    expect(avatars[1]!.querySelector('img')).toBeNull();
    expect(header.querySelector('.agents')?.getAttribute('aria-hidden')).toBe('true');
  });

  it('is light by default, and without settings keeps the launcher in its corner', async () => {
    const client = new FakeClient();
    client.session = null;
    const { root } = await setup(client, { settings: {} });
    await settle();
    const widget = root.querySelector<HTMLElement>('.root')!;
    expect(widget.classList.contains('dark')).toBe(false);
    expect(hostProperty(root, '--parley-x')).toBe('20px');
    expect(root.querySelector('.launcher')?.className).toBe('launcher');
  });

  it('puts the widget on the left when the widget settings say so', async () => {
    const client = new FakeClient();
    client.session = { ...session, widget: { ...session.widget, position: 'left' } };
    const { root } = await setup(client);
    expect(root.querySelector('.root')!.className).toBe('root left');
  });
});

describe('mountApp', () => {
  it('tells listeners when the panel opens and closes and how many replies are unread, until they stop listening', async () => {
    const client = new FakeClient();
    const { handle, root } = await setup(client);
    const events: unknown[][] = [];
    const stops = [
      handle.on('open', () => events.push(['open'])),
      handle.on('close', () => events.push(['close'])),
      handle.on('unread', (count) => events.push(['unread', count])),
    ];
    await act(() => client.receive(message('agent', 'Hello?', 'Ada')));
    await act(() => client.receive(message('agent', 'Still there?', 'Ada')));
    await act(() => root.querySelector<HTMLElement>('.launcher')!.click());
    await act(() => handle.close());
    expect(events).toEqual([['unread', 1], ['unread', 2], ['open'], ['unread', 0], ['close']]);
    for (const stop of stops) stop();
    await act(() => handle.open());
    expect(events).toHaveLength(5);
  });

  it("speaks the language the page sets, over the browser's", async () => {
    const { handle, root } = await setup(new FakeClient());
    expect(root.querySelector('.launcher')?.getAttribute('aria-label')).toBe('Open chat');
    await act(() => handle.setLocale('de-AT'));
    for (let round = 0; round < 150 && root.querySelector('.root')?.getAttribute('lang') !== 'de'; round++) await settle();
    expect(root.querySelector('.launcher')?.getAttribute('aria-label')).toBe('Chat öffnen');
    // A language the widget doesn't speak: English.
    await act(() => handle.setLocale('ja'));
    await settle();
    expect(root.querySelector('.launcher')?.getAttribute('aria-label')).toBe('Open chat');
  });

  it('keeps its markup and styles inside a shadow root', async () => {
    const headStyles = document.head.querySelectorAll('style').length;
    const { host, root } = await setup(new FakeClient(), { open: true });

    expect(host.children).toHaveLength(0);
    expect(root.querySelector('style')?.textContent).toBeTypeOf('string');
    expect(document.head.querySelectorAll('style')).toHaveLength(headStyles);
    expect(document.querySelector('[role="log"]')).toBeNull();
    expect(root.querySelector('[role="log"]')).not.toBeNull();
  });

  it('is driven by open, close and toggle', async () => {
    const { root, handle } = await setup();
    await act(() => handle.open());
    expect(button(root, 'Close chat')).not.toBeNull();
    await act(() => handle.toggle());
    expect(button(root, 'Open chat')).not.toBeNull();
    await act(() => handle.toggle());
    await act(() => handle.close());
    expect(root.querySelector('[role="log"]')).toBeNull();
  });

  it('reuses the shadow root of a given target, replacing what was there', async () => {
    const target = document.body.appendChild(document.createElement('div'));
    target.attachShadow({ mode: 'open' }).append(document.createElement('button'));
    const { root } = await setup(new FakeClient(), { target });
    expect(root).toBe(target.shadowRoot);
    expect(root.querySelectorAll('button')).toHaveLength(1);
    expect(button(root, 'Open chat')).not.toBeNull();
  });

  it('opens no connection until the visitor opens the panel, then connects once', async () => {
    const client = new FakeClient();
    const { root, handle } = await setup(client);
    expect(client.connects).toBe(0);

    await act(() => button(root, 'Open chat')!.click());
    expect(client.connects).toBe(1);
    await act(() => handle.close());
    await act(() => handle.toggle());
    // The real client ignores a connect while connecting or connected; the widget asks on each opening.
    expect(client.connects).toBe(2);
    await act(() => handle.open());
    expect(client.connects).toBe(2);
  });

  it('connects at once when mounted open', async () => {
    const client = new FakeClient();
    await setup(client, { open: true });
    expect(client.connects).toBe(1);
  });

  it("waits for the widget's settings before drawing, keeping what the shadow root showed, then draws with them", async () => {
    const client = new FakeClient();
    client.session = null;
    const target = document.body.appendChild(document.createElement('div'));
    const loaderLauncher = document.createElement('button');
    target.attachShadow({ mode: 'open' }).append(loaderLauncher);
    let answer!: (settings: WidgetAppearance) => void;
    const settings = new Promise<WidgetAppearance>((resolve) => (answer = resolve));
    const { root, handle } = await setup(client, { target, settings, accentColor: '#1f6f5c' });
    expect([...root.children]).toEqual([loaderLauncher]);

    // A click on the loader's launcher meanwhile opens the panel once drawn, and connects at once.
    await act(() => handle.open());
    expect(client.connects).toBe(1);
    expect([...root.children]).toEqual([loaderLauncher]);

    await act(async () => answer({ title: 'Harbor & Pine support', greeting: 'Hi there!', accentColor: '#ff5500', position: 'left' }));
    expect(root.contains(loaderLauncher)).toBe(false);
    expect(root.querySelector('h2')?.textContent).toBe('Harbor & Pine support');
    expect(root.querySelector('[role="log"]')?.textContent).toContain('Hi there!');
    expect(root.querySelector('.root')!.className).toBe('root left open');
    // data-color wins over the settings' color, so the launcher keeps the color the loader drew it in.
    expect(accentOf(root)).toBe('#1f6f5c');
    // Opened by the visitor, not mounted open: the composer gets the focus.
    expect(root.activeElement).toBe(textbox(root, 'Message'));
    expect(client.connects).toBe(1);
  });

  it('draws with its defaults when the settings cannot be had, and ignores a color that is not a hex color', async () => {
    const client = new FakeClient();
    client.session = null;
    const { root } = await setup(client, { open: true, settings: Promise.resolve(undefined), accentColor: 'url(x)' });
    await act(async () => {});
    expect(root.querySelector('h2')?.textContent).toBe('Chat with us');
    expect(accentOf(root)).toBe('');
  });

  it('prefers the settings of the loaded session over those fetched before connecting', async () => {
    const client = new FakeClient();
    const { root } = await setup(client, { open: true, settings: { title: 'From the settings call' } });
    expect(root.querySelector('h2')?.textContent).toBe('Acme support');
  });

  it('removes everything and unsubscribes on unmount', async () => {
    const client = new FakeClient();
    const { host, handle } = await setup(client);
    expect(client.listenerCount()).toBeGreaterThan(0);
    await act(() => handle.unmount());
    expect(host.isConnected).toBe(false);
    expect(client.listenerCount()).toBe(0);
  });
});

/** The browser's preferred languages, as `navigator.languages` reports them, for one test. */
function browserLanguages(languages: string[]) {
  vi.spyOn(navigator, 'languages', 'get').mockReturnValue(languages);
}

/**
 * Waits, letting Preact run its effects (`settle` is an `act`), until `found` finds something: a chunk (a language,
 * the extras) takes a while to load on a busy machine. Fails after about three seconds.
 */
async function until<T>(found: () => T | null | undefined): Promise<T> {
  for (let round = 0; round < 150; round++) {
    const result = found();
    if (result) return result;
    await settle();
  }
  throw new Error(`Not found in time: ${found.toString()}`);
}

/** A client whose session has these settings (the session's settings win over those known before). */
function withWidget(widget: { title: string; greeting: string }) {
  const client = new FakeClient();
  client.session = { ...session, widget: { ...session.widget!, ...widget } };
  return client;
}

/** Mounts, then waits for the widget to be drawn (a language other than English arrives in a chunk of its own). */
async function setupDrawn(client = new FakeClient(), options: MountAppOptions = {}) {
  const setUp = await setup(client, options);
  await until(() => setUp.root.querySelector('.root'));
  return setUp;
}

describe('languages', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('speaks German to a German browser: the launcher, the composer and the log have German names', async () => {
    browserLanguages(['de-DE', 'en']);
    const { root, handle } = await setupDrawn();
    expect(root.querySelector('.root')!.getAttribute('lang')).toBe('de');
    expect(root.querySelector('.root')!.getAttribute('dir')).toBe('ltr');
    expect(button(root, 'Chat öffnen')).not.toBeNull();
    expect(button(root, 'Open chat')).toBeNull();

    await act(() => handle.open());
    expect(button(root, 'Chat schließen')).not.toBeNull();
    expect(textbox(root, 'Nachricht')!.getAttribute('placeholder')).toBe('Nachricht schreiben…');
    expect(button(root, 'Senden')).not.toBeNull();
    expect(root.querySelector('[role="log"]')!.getAttribute('aria-label')).toBe('Nachrichten');
  });

  it('mirrors the widget for an Arabic browser (dir="rtl"), keeping the corner the settings name', async () => {
    browserLanguages(['ar-EG']);
    const { root, handle } = await setupDrawn(new FakeClient(), { settings: { position: 'right' } });
    const widgetRoot = root.querySelector('.root')!;
    expect(widgetRoot.getAttribute('dir')).toBe('rtl');
    expect(widgetRoot.getAttribute('lang')).toBe('ar');
    expect(widgetRoot.classList.contains('left')).toBe(false);
    expect(button(root, 'فتح المحادثة')).not.toBeNull();

    await act(() => handle.open());
    expect(textbox(root, 'الرسالة')).not.toBeNull();
    expect(button(root, 'إغلاق المحادثة')).not.toBeNull();
  });

  it('speaks English to a browser whose languages it does not know, drawing at once', async () => {
    browserLanguages(['ja-JP', 'ko']);
    const { root } = await setup(new FakeClient(), { settings: { locale: 'xx' } });
    // No chunk to wait for: drawn within the mount call.
    expect(root.querySelector('.root')!.getAttribute('lang')).toBe('en');
    expect(root.querySelector('.root')!.getAttribute('dir')).toBe('ltr');
    expect(button(root, 'Open chat')).not.toBeNull();
  });

  it("takes the widget's configured locale when the browser's languages are all unknown", async () => {
    browserLanguages(['ja-JP']);
    const { root } = await setupDrawn(new FakeClient(), { settings: { locale: 'pt-BR' } });
    expect(button(root, 'Abrir chat')).not.toBeNull();
    expect(root.querySelector('.root')!.getAttribute('lang')).toBe('pt');
  });

  it("prefers the browser's language to the widget's configured locale", async () => {
    browserLanguages(['en-GB', 'de']);
    const { root } = await setup(new FakeClient(), { settings: { locale: 'de' } });
    expect(button(root, 'Open chat')).not.toBeNull();
  });

  it('tells the client the language it speaks when the page or the browser picked it, and each language the page sets', async () => {
    browserLanguages(['ja-JP', 'es-MX']);
    const client = new FakeClient();
    const { handle } = await setupDrawn(client, { settings: { locale: 'de' } });
    // The tag as the browser has it, region and all (its dates).
    expect(client.locales).toEqual(['es-MX']);
    await act(() => handle.setLocale('de-AT'));
    expect(client.locales).toEqual(['es-MX', 'de-AT']);
    // A language the widget doesn't speak: it shows English, and says so.
    await act(() => handle.setLocale('ja'));
    expect(client.locales).toEqual(['es-MX', 'de-AT', 'en']);

    const paged = new FakeClient();
    await setupDrawn(paged, { locale: 'fr-CA', settings: { locale: 'de' } });
    expect(paged.locales).toEqual(['fr-CA']);
  });

  it("leaves the browser's language to the client when neither the page nor the browser names one it speaks", async () => {
    browserLanguages(['ja-JP']);
    const client = new FakeClient();
    await setupDrawn(client, { settings: { locale: 'pt-BR' } });
    expect(client.locales).toEqual([]);
  });

  it("lets the page's locale (the script tag's data-locale) win over the browser's languages", async () => {
    browserLanguages(['de-DE']);
    const { root } = await setupDrawn(new FakeClient(), { locale: 'fr-CA', settings: { locale: 'de' } });
    expect(button(root, 'Ouvrir le chat')).not.toBeNull();
  });

  it("waits for the settings and the catalog before drawing: the loader's launcher stays meanwhile", async () => {
    browserLanguages(['es-ES']);
    const target = document.body.appendChild(document.createElement('div'));
    const shadow = target.attachShadow({ mode: 'open' });
    shadow.append(document.createElement('button'));
    let resolve!: (settings: WidgetAppearance) => void;
    const settings = new Promise<WidgetAppearance>((onResolve) => (resolve = onResolve));
    const { root } = await setup(new FakeClient(), { target, settings });
    expect(root.querySelector('.root')).toBeNull();
    await act(() => resolve({ title: 'Soporte' }));
    await until(() => root.querySelector('.root'));
    // Drawn once, in Spanish: never in English first.
    expect(button(root, 'Abrir chat')).not.toBeNull();
    target.remove();
  });

  it("words the protocol's default title and greeting in the visitor's language, and keeps the owner's own", async () => {
    browserLanguages(['es']);
    const defaults = await setupDrawn(withWidget({ title: 'Chat with us', greeting: 'Hi! How can we help?' }), { open: true });
    expect(defaults.root.querySelector('h2')?.textContent).toBe('Chatea con nosotros');
    expect(defaults.root.querySelector('.greeting')?.textContent).toBe('¡Hola! ¿En qué podemos ayudarte?');
    defaults.handle.unmount();

    const own = await setupDrawn(withWidget({ title: 'Soporte Acme', greeting: '¡Hola!' }), { open: true });
    expect(own.root.querySelector('h2')?.textContent).toBe('Soporte Acme');
    expect(own.root.querySelector('.greeting')?.textContent).toBe('¡Hola!');
  });

  it('says the place in the queue and the wait in German', async () => {
    browserLanguages(['de']);
    const client = new FakeClient();
    const { root } = await setupDrawn(client, { open: true });
    await act(() => client.setConversationStatus('queued'));
    const status = () => root.querySelector('[role="status"]')?.textContent;
    expect(status()).toBe('Wir verbinden Sie mit einem Mitarbeiter…');
    await act(() => client.setQueue({ conversationId: 'c1', position: 2, expectedWaitSeconds: 130 }));
    expect(status()).toBe('Sie sind auf Platz 2 der Warteschlange. Meist sind wir in 3 Min. für Sie da.');
  });

  it('hands the catalog to the forms of the extras chunk: the rating form in German', async () => {
    browserLanguages(['de-CH']);
    const client = new FakeClient();
    const { root } = await setupDrawn(client, { open: true });
    await act(() => {
      client.receive({ ...message('system', 'Das Gespräch wurde abgeschlossen.'), event: { type: 'resolved' } });
      client.setConversationStatus('resolved');
    });
    const form = await until(() => root.querySelector('form.rating'));
    expect(form.getAttribute('aria-label')).toBe('Wie war dieses Gespräch?');
    expect(button(root, '4 von 5')).not.toBeNull();
  });
});
