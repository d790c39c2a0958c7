// @vitest-environment happy-dom
import { emptyThread } from '@parley/client/thread';
import { ParleyError, type ConversationSummary, type SavedReply } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent, CONVERSATION_ID, summary } from '../__fixtures__/factories.js';
import { settle } from '../__fixtures__/render.js';
import { ConversationView, type ConversationViewProps } from './conversation-view.js';
import { readQuickReplies } from './quick-replies-field.js';
import { findSlashQuery, matchSavedReplies } from './saved-reply-picker.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function savedReply(shortcut: string, title: string, body: string, scope: SavedReply['scope'] = 'shared'): SavedReply {
  return {
    id: `id-${shortcut}`,
    shortcut,
    title,
    body,
    scope,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

const replies = [
  savedReply('greeting', 'Say hello', 'Hi {contact.name}, {agent.name} from {organization.name} here.'),
  savedReply('late', 'Parcel is late', 'Sorry for the delay, {contact.name}.', 'personal'),
  savedReply('refund', 'Refund policy', 'Refunds take 5 days. We will write to {contact.email}.'),
  savedReply('return', 'Returns', 'Hi {contact.name}, send it back within 30 days.'),
];

const noop = () => {};

/** The open conversation with `conversation`, its reply box offering `load`'s saved replies. */
async function mount(
  conversation: ConversationSummary,
  load: () => Promise<SavedReply[]> = () => Promise.resolve(replies),
  overrides: Partial<ConversationViewProps> = {},
) {
  const sent: string[] = [];
  const drafts: string[] = [];
  const typing: string[] = [];
  const loads = vi.fn(load);
  container = document.createElement('div');
  document.body.append(container);
  await act(() =>
    render(
      <ConversationView
        conversationId={CONVERSATION_ID}
        conversation={conversation}
        thread={{ ...emptyThread, loaded: true }}
        agent={agent}
        sendsEmail={null}
        notice={null}
        initialDraft=""
        onDraftChange={(draft) => drafts.push(draft)}
        onSend={(body) => sent.push(body)}
        onRetry={noop}
        onDiscard={noop}
        onUpdate={() => Promise.resolve()}
        agents={[]}
        loadTeams={() => Promise.resolve([])}
        onTransfer={() => Promise.resolve(true)}
        onOpenTicket={() => Promise.resolve()}
        onUpdateTicket={() => Promise.resolve()}
        loadSavedReplies={loads}
        onTyping={() => typing.push('typing')}
        onStopTyping={() => typing.push('stopped')}
        onDismissNotice={noop}
        onReload={noop}
        onBack={noop}
        {...overrides}
      />,
      container,
    ),
  );
  return { sent, drafts, loads, typing };
}

const textarea = () => container.querySelector<HTMLTextAreaElement>('textarea.reply-input')!;
const listbox = () => container.querySelector<HTMLElement>('[role="listbox"]');
const options = () => [...container.querySelectorAll<HTMLElement>('[role="option"]')];
const optionShortcuts = () => options().map((option) => option.querySelector('.saved-reply-shortcut')!.textContent);
/** Whether the picker is open, as the "Saved replies" button tells assistive technology. */
const expanded = () =>
  [...container.querySelectorAll('button')].find((candidate) => candidate.textContent === 'Saved replies')!.getAttribute('aria-expanded');
const activeOption = () => {
  const id = textarea().getAttribute('aria-activedescendant');
  return id ? document.getElementById(id) : null;
};

/** Types `value` as the whole text of the box, the caret at its end. */
async function type(value: string) {
  await act(async () => {
    const box = textarea();
    box.value = value;
    box.setSelectionRange(value.length, value.length);
    box.dispatchEvent(new Event('input', { bubbles: true }));
  });
  // The saved replies load on the first opening.
  await act(async () => {});
}

async function press(key: string, init: KeyboardEventInit = {}) {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  await act(() => {
    textarea().dispatchEvent(event);
  });
  return event;
}

describe('the saved replies picker', () => {
  it('opens on /re with the matching replies, a listbox the reply box drives', async () => {
    const { loads } = await mount(summary());
    expect(textarea().getAttribute('aria-autocomplete')).toBe('list');
    expect(textarea().hasAttribute('aria-expanded')).toBe(false);
    expect(expanded()).toBe('false');
    expect(listbox()).toBeNull();
    expect(loads).not.toHaveBeenCalled();

    await type('/re');
    expect(loads).toHaveBeenCalledTimes(1);
    expect(listbox()).not.toBeNull();
    expect(expanded()).toBe('true');
    expect(textarea().getAttribute('aria-controls')).toBe(listbox()!.id);
    // Shortcuts that start with the query first; `greeting` contains it.
    expect(optionShortcuts()).toEqual(['/refund', '/return', '/greeting']);
    expect(activeOption()).toBe(options()[0]);
    expect(options().map((option) => option.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false']);

    // Titles match too, and the list follows what is typed.
    await type('/re del');
    expect(listbox()).toBeNull();
    await type('Sure. /parcel');
    expect(optionShortcuts()).toEqual(['/late']);
    expect(options()[0]!.textContent).toContain('Personal');
    await type('/nothing');
    expect(listbox()).toBeNull();
    expect(container.querySelector('.saved-reply-picker [role="status"]')!.textContent).toBe('No saved reply matches /nothing.');
    expect(textarea().hasAttribute('aria-activedescendant')).toBe(false);
    expect(loads).toHaveBeenCalledTimes(1);
  });

  it('opens only on a slash at the start or after whitespace, followed by a letter or digit', async () => {
    await mount(summary());
    for (const text of ['/', 'and/or', 'https://shop.example/re', '/ re']) {
      await type(text);
      expect(expanded(), text).toBe('false');
    }
    await type('Hello\n/gr');
    expect(optionShortcuts()).toEqual(['/greeting']);
  });

  it('moves with the arrow keys and inserts the filled-in body with Enter, in place of the /query', async () => {
    const { sent, drafts } = await mount(summary());
    await type('Thanks! /re');
    await press('ArrowDown');
    expect(activeOption()!.textContent).toContain('/return');
    await press('ArrowDown');
    await press('ArrowDown');
    expect(activeOption()!.textContent).toContain('/refund');
    await press('ArrowUp');
    expect(activeOption()!.textContent).toContain('/greeting');
    await press('ArrowUp');
    expect(activeOption()!.textContent).toContain('/return');

    const enter = await press('Enter');
    expect(enter.defaultPrevented).toBe(true);
    const filled = 'Thanks! Hi Ada Lovelace, send it back within 30 days.';
    expect(textarea().value).toBe(filled);
    expect(textarea().selectionStart).toBe(filled.length);
    expect(drafts.at(-1)).toBe(filled);
    expect(listbox()).toBeNull();
    expect(expanded()).toBe('false');
    // Enter inserted; it did not send.
    expect(sent).toEqual([]);
    await press('Enter');
    expect(sent).toEqual([filled]);
  });

  it('fills in the agent and the organization, and inserts with Tab', async () => {
    await mount(summary());
    await type('/gree');
    const tab = await press('Tab');
    expect(tab.defaultPrevented).toBe(true);
    expect(textarea().value).toBe('Hi Ada Lovelace, Grace Hopper from Acme here.');
  });

  it('leaves a visible gap where the contact has no name or e-mail address', async () => {
    await mount(summary({ contact: { id: 'contact-1', name: null, email: null } }));
    await type('/return');
    await press('Enter');
    expect(textarea().value).toBe('Hi ____, send it back within 30 days.');
    await type('/refund');
    await press('Enter');
    expect(textarea().value).toBe('Refunds take 5 days. We will write to ____.');
  });

  it('closes with Escape and stays closed while that /query is typed on, so Enter sends', async () => {
    const { sent } = await mount(summary());
    await type('/re');
    const escape = await press('Escape');
    expect(escape.defaultPrevented).toBe(true);
    expect(listbox()).toBeNull();
    await type('/ref');
    expect(expanded()).toBe('false');
    await press('Enter');
    expect(sent).toEqual(['/ref']);
    // A new /query opens it again.
    await type('/ref');
    expect(optionShortcuts()).toEqual(['/refund']);
  });

  it('opens from the "Saved replies" button with every reply, and a click inserts at the caret', async () => {
    await mount(summary());
    await type('Hello. ');
    const button = [...container.querySelectorAll('button')].find((candidate) => candidate.textContent === 'Saved replies')!;
    expect(button.getAttribute('aria-expanded')).toBe('false');
    await act(async () => button.click());
    await act(async () => {});
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(optionShortcuts()).toEqual(['/greeting', '/late', '/refund', '/return']);
    expect(document.activeElement).toBe(textarea());
    await act(async () => options()[1]!.click());
    expect(textarea().value).toBe('Hello. Sorry for the delay, Ada Lovelace.');
    expect(listbox()).toBeNull();
  });

  it('says why the saved replies could not be loaded, and tries again on the next opening', async () => {
    let fail = true;
    const { loads } = await mount(summary(), async () => {
      if (fail) throw new ParleyError('unavailable', 'Cannot reach the server.');
      return replies;
    });
    await type('/re');
    expect(container.querySelector('.saved-reply-picker [role="alert"]')!.textContent).toBe(
      'Saved replies could not be loaded: Cannot reach the server.',
    );
    await press('Escape');
    fail = false;
    await type('x /re');
    expect(loads).toHaveBeenCalledTimes(2);
    expect(optionShortcuts()).toEqual(['/refund', '/return', '/greeting']);
  });
});

describe('findSlashQuery and matchSavedReplies', () => {
  it('finds the /query that ends at the caret', () => {
    expect(findSlashQuery('Hi /ref', 7)).toEqual({ start: 3, end: 7, query: 'ref' });
    expect(findSlashQuery('Hi /ref and more', 7)).toEqual({ start: 3, end: 7, query: 'ref' });
    expect(findSlashQuery('Hi /ref and more', 16)).toBeNull();
    expect(findSlashQuery('/réponse', 8)).toEqual({ start: 0, end: 8, query: 'réponse' });
  });

  it('matches shortcuts and titles in any case', () => {
    expect(matchSavedReplies(replies, 'RE').map((reply) => reply.shortcut)).toEqual(['refund', 'return', 'greeting']);
    expect(matchSavedReplies(replies, 'policy').map((reply) => reply.shortcut)).toEqual(['refund']);
    expect(matchSavedReplies(replies, '')).toHaveLength(4);
  });
});

/** The conversation view with notes: `write` answers each note (stored by default). */
async function mountWithNotes(conversation: ConversationSummary, write: (body: string) => Promise<boolean> = async () => true) {
  const notes: string[] = [];
  const modes: string[] = [];
  const mounted = await mount(conversation, undefined, {
    onWriteNote: async (body) => {
      notes.push(body);
      return write(body);
    },
    onModeChange: (mode) => modes.push(mode),
    sendsEmail: true,
  });
  return { ...mounted, notes, modes };
}

const toggle = (name: string) =>
  [...container.querySelectorAll<HTMLButtonElement>('.composer-mode button')].find((candidate) => candidate.textContent === name)!;
const label = () => container.querySelector(`label[for="${textarea().id}"]`)!.textContent;
const submit = () => container.querySelector<HTMLButtonElement>('.reply-box button[type="submit"]')!;

describe('internal notes', () => {
  it('switches with a "Reply" / "Internal note" toggle, and says in words which one the box writes', async () => {
    const { modes } = await mountWithNotes(summary({ status: 'agent', assignee: { id: agent.id, name: agent.name } }));
    const group = container.querySelector('.composer-mode')!;
    expect(group.getAttribute('role')).toBe('group');
    // Before the box in the document: Shift+Tab from the box reaches them.
    expect(group.compareDocumentPosition(textarea()) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(toggle('Reply').getAttribute('aria-pressed')).toBe('true');
    expect(toggle('Internal note').getAttribute('aria-pressed')).toBe('false');
    expect(label()).toBe('Reply');
    expect(submit().textContent).toBe('Send');

    await act(() => toggle('Internal note').click());
    expect(toggle('Internal note').getAttribute('aria-pressed')).toBe('true');
    expect(toggle('Reply').getAttribute('aria-pressed')).toBe('false');
    expect(label()).toBe('Internal note — only agents see this');
    expect(textarea().placeholder).toBe('Internal note — only agents see this');
    expect(container.querySelector('.reply-box')!.classList.contains('is-note')).toBe(true);
    expect(submit().textContent).toBe('Add note');
    expect(document.activeElement).toBe(textarea());
    expect(modes).toEqual(['note']);

    await act(() => toggle('Reply').click());
    expect(label()).toBe('Reply');
    expect(container.querySelector('.reply-box')!.classList.contains('is-note')).toBe(false);
    expect(modes).toEqual(['note', 'reply']);
  });

  it('sends a note with Enter through writeNote, not the reply path, and stays in note mode', async () => {
    const { sent, notes, typing, drafts } = await mountWithNotes(summary({ status: 'bot' }));
    await type('Started typing a reply');
    expect(typing.at(-1)).toBe('typing');
    await act(() => toggle('Internal note').click());
    // The visitor was told the agent is typing; a note is not for them.
    expect(typing.at(-1)).toBe('stopped');
    const heard = typing.length;

    await type('Customer is a VIP, refund approved.');
    expect(typing).toHaveLength(heard);
    await press('Enter');
    await act(async () => {});
    expect(notes).toEqual(['Customer is a VIP, refund approved.']);
    expect(sent).toEqual([]);
    expect(textarea().value).toBe('');
    expect(drafts.at(-1)).toBe('');

    // Still a note: agents often write several.
    expect(label()).toBe('Internal note — only agents see this');
    await type('Second note');
    await act(async () => submit().click());
    await act(async () => {});
    expect(notes).toEqual(['Customer is a VIP, refund approved.', 'Second note']);
    expect(sent).toEqual([]);

    await act(() => toggle('Reply').click());
    await type('Hello!');
    await press('Enter');
    expect(sent).toEqual(['Hello!']);
    expect(notes).toHaveLength(2);
  });

  it('keeps the text of a note the server refused, and the box read-only while one is on its way', async () => {
    let answer: (stored: boolean) => void = noop;
    const { notes } = await mountWithNotes(summary(), () => new Promise<boolean>((resolve) => (answer = resolve)));
    await act(() => toggle('Internal note').click());
    await type('Check the invoice.');
    await press('Enter');
    expect(textarea().readOnly).toBe(true);
    expect(submit().disabled).toBe(true);
    // A second Enter while it is on its way writes nothing more.
    await press('Enter');
    expect(notes).toEqual(['Check the invoice.']);

    await act(async () => answer(false));
    await act(async () => {});
    expect(textarea().readOnly).toBe(false);
    expect(textarea().value).toBe('Check the invoice.');
  });

  it('hides what replying would do (take over, e-mail) while a note is written', async () => {
    await mountWithNotes(summary({ status: 'bot', contact: { id: 'contact-1', name: 'Ada', email: 'ada@example.com' } }));
    expect(container.querySelector('.take-over-hint')).not.toBeNull();
    await act(() => toggle('Internal note').click());
    expect(container.querySelector('.take-over-hint')).toBeNull();
    expect(container.querySelector('.reply-delivery-note')).toBeNull();
    expect(textarea().hasAttribute('aria-describedby')).toBe(false);
  });

  it('inserts saved replies in note mode too, without telling the visitor the agent is typing', async () => {
    const { typing, notes } = await mountWithNotes(summary());
    await act(() => toggle('Internal note').click());
    const heard = typing.length;
    await type('/late');
    await press('Enter');
    expect(textarea().value).toBe('Sorry for the delay, Ada Lovelace.');
    expect(typing).toHaveLength(heard);
    await press('Enter');
    await act(async () => {});
    expect(notes).toEqual(['Sorry for the delay, Ada Lovelace.']);
  });

  it('opens in the mode the conversation was left in', async () => {
    await mount(summary(), undefined, { onWriteNote: async () => true, initialMode: 'note' });
    expect(label()).toBe('Internal note — only agents see this');
    expect(toggle('Internal note').getAttribute('aria-pressed')).toBe('true');
  });

  it('has no toggle without a way to write notes', async () => {
    await mount(summary());
    expect(container.querySelector('.composer-mode')).toBeNull();
    expect(label()).toBe('Reply');
  });
});

/** The reply box with what it sends: each reply's body and the quick replies it carried. */
async function mountButtons(overrides: Partial<ConversationViewProps> = {}) {
  const sends: [string, string[] | undefined][] = [];
  await mount(summary({ status: 'agent', assignee: { id: agent.id, name: agent.name } }), undefined, {
    onSend: (body, quickReplies) => sends.push([body, quickReplies]),
    ...overrides,
  });
  return sends;
}
const buttonsToggle = () =>
  [...container.querySelectorAll<HTMLButtonElement>('.reply-footer button')].find((candidate) => candidate.textContent === 'Buttons');
const field = () => container.querySelector<HTMLTextAreaElement>('.quick-replies-field textarea');
const chips = () => [...container.querySelectorAll('.quick-replies-field .chip')].map((chip) => chip.firstChild!.textContent);
const hint = () => document.getElementById(field()!.getAttribute('aria-describedby')!)!.textContent;

async function openButtons() {
  await act(() => buttonsToggle()!.click());
  // The field is loaded on first use, from its own chunk.
  await vi.waitFor(async () => {
    await settle();
    expect(field()).not.toBeNull();
  });
}

async function typeButtons(value: string) {
  await act(async () => {
    const input = field()!;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('quick replies ("Buttons")', () => {
  it('opens a labelled field where each line or comma-separated entry becomes a removable chip', async () => {
    await mountButtons();
    expect(buttonsToggle()!.getAttribute('aria-expanded')).toBe('false');
    expect(field()).toBeNull();
    await openButtons();
    expect(buttonsToggle()!.getAttribute('aria-expanded')).toBe('true');
    expect(container.querySelector(`label[for="${field()!.id}"]`)!.textContent).toBe('Buttons the visitor can click instead of typing');
    expect(hint()).toBe('Up to 6 buttons, each up to 60 characters.');

    await typeButtons(' Refund , Replacement\n\nSomething else,');
    expect(chips()).toEqual(['Refund', 'Replacement', 'Something else']);
    const remove = container.querySelector<HTMLButtonElement>('.quick-replies-field .chip button[aria-label="Remove Replacement"]')!;
    await act(() => remove.click());
    expect(chips()).toEqual(['Refund', 'Something else']);
    expect(field()!.value).toBe('Refund\nSomething else');
  });

  it('sends the buttons with the reply, then empties and closes the field', async () => {
    const sends = await mountButtons();
    await openButtons();
    await typeButtons('Refund, Replacement');
    await type('Which would you like?');
    await press('Enter');
    expect(sends).toEqual([['Which would you like?', ['Refund', 'Replacement']]]);
    expect(field()).toBeNull();
    expect(buttonsToggle()!.getAttribute('aria-expanded')).toBe('false');

    // The next reply goes without them; opened again, the field is empty.
    await type('Let me know.');
    await press('Enter');
    expect(sends[1]).toEqual(['Let me know.', undefined]);
    await openButtons();
    expect(field()!.value).toBe('');
    await type('Anything else?');
    await press('Enter');
    expect(sends[2]).toEqual(['Anything else?', undefined]);
  });

  it('keeps the buttons while the field is closed, and sends none then', async () => {
    const sends = await mountButtons();
    await openButtons();
    await typeButtons('Yes, No');
    await act(() => buttonsToggle()!.click());
    await type('Is that all?');
    await press('Enter');
    expect(sends).toEqual([['Is that all?', undefined]]);
  });

  it.each([
    ['seven buttons', '1, 2, 3, 4, 5, 6, 7', 'At most 6 buttons: remove 1.'],
    ['a button that is too long', `Fine, ${'x'.repeat(61)}`, `A button has at most 60 characters: shorten “${'x'.repeat(61)}”.`],
    ['the same button twice', 'Yes, No, Yes', 'Each button must differ from the others.'],
  ])('says what is wrong, and sends nothing, with %s', async (_name, value, error) => {
    const sends = await mountButtons();
    await openButtons();
    await typeButtons(value);
    expect(hint()).toBe(error);
    expect(field()!.getAttribute('aria-invalid')).toBe('true');
    await type('Pick one');
    expect(submit().disabled).toBe(true);
    await press('Enter');
    expect(sends).toEqual([]);

    await typeButtons('Yes, No');
    expect(field()!.getAttribute('aria-invalid')).toBe('false');
    await press('Enter');
    expect(sends).toEqual([['Pick one', ['Yes', 'No']]]);
  });

  it('counts characters as the server does: 60 emoji fit', () => {
    expect(readQuickReplies(`${'😀'.repeat(60)}, ok`)).toEqual({ entries: ['😀'.repeat(60), 'ok'], error: null });
    expect(readQuickReplies('  ,\n ')).toEqual({ entries: [], error: null });
  });

  it('has no "Buttons" while an internal note is written', async () => {
    await mountButtons({ onWriteNote: async () => true, initialMode: 'note' });
    expect(buttonsToggle()).toBeUndefined();
  });
});
