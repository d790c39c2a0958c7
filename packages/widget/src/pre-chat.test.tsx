// @vitest-environment happy-dom
import { ParleyError } from '@parley/client';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeClient } from './__fixtures__/fake-client.js';
import { mountApp, type AppHandle } from './mount-app.js';

let mounted: AppHandle[] = [];
afterEach(() => {
  for (const handle of mounted) handle.unmount();
  mounted = [];
});

async function setup(client: FakeClient) {
  let handle!: AppHandle;
  await act(() => {
    handle = mountApp(client, { open: true });
  });
  mounted.push(handle);
  const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
  return { root, handle };
}

const form = (root: ShadowRoot) => root.querySelector<HTMLFormElement>('form.pre-chat');
/** Whether the composer is drawn: the form hides it with a rule of its own while shown. */
const composerShown = (root: ShadowRoot) =>
  root.querySelector('form.composer') !== null &&
  ![...root.querySelectorAll('style')].some((style) => style.textContent?.includes('.composer{display:none}'));
/** The form's inputs, by field name. */
const input = (root: ShadowRoot, name: string) => form(root)!.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;
/** A field's label text. */
const label = (root: ShadowRoot, name: string) => root.querySelector(`label[for="${input(root, name).id}"]`)?.textContent;
/** The problem shown under a field, or null. */
const problem = (root: ShadowRoot, name: string) => {
  const id = input(root, name).getAttribute('aria-describedby');
  return id ? (root.getElementById(id)?.textContent ?? null) : null;
};

async function fill(root: ShadowRoot, values: Record<string, string>) {
  for (const [name, value] of Object.entries(values)) {
    await act(() => {
      const field = input(root, name);
      field.value = value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
    });
  }
}

async function submit(root: ShadowRoot) {
  // A phone number is checked with libphonenumber-js, imported on demand: loaded once here, its import then settles at
  // once in the form.
  await import('./phone-number.js');
  await act(() => {
    form(root)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  // The check and the answer of `submitContact` (promises) arrive.
  await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
}

describe('the pre-chat form', () => {
  it('asks for the configured fields before the first message, with labels, autocomplete and types, the composer hidden', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ name: 'required', email: 'optional', phone: 'required' });
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());

    expect(composerShown(root)).toBe(false);
    expect([...form(root)!.querySelectorAll('input')].map((field) => [field.name, field.type, field.getAttribute('autocomplete')])).toEqual(
      [
        ['name', 'text', 'name'],
        ['email', 'email', 'email'],
        ['phone', 'tel', 'tel'],
      ],
    );
    expect(label(root, 'name')).toBe('Name (required)');
    expect(label(root, 'email')).toBe('E-mail');
    expect(label(root, 'phone')).toBe('Phone (required)');
    expect(input(root, 'name').getAttribute('aria-required')).toBe('true');
    expect(input(root, 'email').getAttribute('aria-required')).toBe('false');
  });

  it('asks only for the fields not off', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ email: 'required' });
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());
    expect([...form(root)!.querySelectorAll('input')].map((field) => field.name)).toEqual(['email']);
  });

  it('checks the fields before sending, showing each problem under its field', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ name: 'required', email: 'required', phone: 'optional' });
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());

    await submit(root);
    expect(client.contactsSubmitted).toEqual([]);
    expect(problem(root, 'name')).toBe('Enter your name.');
    expect(problem(root, 'email')).toBe('Enter your e-mail address.');
    expect(problem(root, 'phone')).toBeNull();
    expect(input(root, 'name').getAttribute('aria-invalid')).toBe('true');

    await fill(root, { name: '  ', email: 'ada@example', phone: '12-34' });
    await submit(root);
    expect(client.contactsSubmitted).toEqual([]);
    expect(problem(root, 'name')).toBe('Enter your name.');
    expect(problem(root, 'email')).toBe('That is not an e-mail address.');
    expect(problem(root, 'phone')).toBe('That is not a phone number.');
    expect(composerShown(root)).toBe(false);
  });

  it('sends the details given, trimmed, and shows the composer once the server stored them', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ name: 'required', email: 'optional', phone: 'optional' });
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());

    await fill(root, { name: ' Ada Lovelace ', phone: '+44 20 7946 0958' });
    await submit(root);
    expect(client.contactsSubmitted).toEqual([{ name: 'Ada Lovelace', phone: '+44 20 7946 0958' }]);
    expect(form(root)).toBeNull();
    expect(composerShown(root)).toBe(true);
    expect(root.textContent).toContain('Thanks! Write your message below.');
  });

  it('reads a phone number as the server does: in E.164, or national in the widget’s default country', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ phone: 'required' });
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());

    // Enough digits, but no number anywhere: refused here, nothing sent.
    await fill(root, { phone: '+1 000 000 000' });
    await submit(root);
    expect(problem(root, 'phone')).toBe('That is not a phone number.');
    // A national number needs the widget's default country; this widget has none.
    await fill(root, { phone: '020 7946 0958' });
    await submit(root);
    expect(problem(root, 'phone')).toBe('That is not a phone number.');
    expect(client.contactsSubmitted).toEqual([]);

    await fill(root, { phone: '+44 20 7946 0958' });
    await submit(root);
    expect(client.contactsSubmitted).toEqual([{ phone: '+44 20 7946 0958' }]);
  });

  it('reads a national number in the widget’s default country', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ phone: 'required' }, false, 'GB');
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());

    await fill(root, { phone: '020 7946 0958' });
    await submit(root);
    expect(client.contactsSubmitted).toEqual([{ phone: '020 7946 0958' }]);
    expect(form(root)).toBeNull();
  });

  it("shows the server's issues under the fields they name", async () => {
    const client = new FakeClient();
    client.askBeforeChat({ name: 'required', phone: 'required' });
    client.submitContactResult = () =>
      Promise.reject(
        new ParleyError('invalid_payload', 'Invalid payload.', { issues: [{ path: 'phone', message: 'That number cannot be dialled.' }] }),
      );
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());

    await fill(root, { name: 'Ada', phone: '+1 415 555 2671' });
    await submit(root);
    expect(client.contactsSubmitted).toHaveLength(1);
    expect(problem(root, 'phone')).toBe('That number cannot be dialled.');
    expect(problem(root, 'name')).toBeNull();
    expect(composerShown(root)).toBe(false);

    // Another failure (no answer) is shown under the button, and the visitor may try again.
    client.submitContactResult = () => Promise.reject(new ParleyError('unavailable', 'The server did not answer in time.'));
    await submit(root);
    expect(form(root)!.querySelector('[role="alert"]:not(.error)')?.textContent).toBe('The server did not answer in time.');
    expect(form(root)!.querySelector<HTMLButtonElement>('button[type="submit"]')!.disabled).toBe(false);
  });

  it('is not asked when the server says it was answered, nor once the visitor has a conversation, nor when all off', async () => {
    const answered = new FakeClient();
    answered.askBeforeChat({ name: 'required' }, true);
    let { root, handle } = await setup(answered);
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(form(root)).toBeNull();
    expect(composerShown(root)).toBe(true);
    // Not even the extras chunk: a visitor with nothing to answer does not pay for it.
    expect(root.querySelector('.panel > style')).toBeNull();
    handle.unmount();

    const chatting = new FakeClient();
    chatting.askBeforeChat({ name: 'required' });
    chatting.beginConversation();
    ({ root, handle } = await setup(chatting));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(form(root)).toBeNull();
    expect(composerShown(root)).toBe(true);
    handle.unmount();

    const off = new FakeClient();
    off.askBeforeChat({});
    ({ root } = await setup(off));
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(form(root)).toBeNull();
    expect(root.querySelector('.panel > style')).toBeNull();
  });

  it('is not asked again on this page once answered, though the panel is closed and opened', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ name: 'required' });
    const { root, handle } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());
    await fill(root, { name: 'Ada' });
    await submit(root);
    expect(form(root)).toBeNull();
    await act(() => handle.close());
    await act(() => handle.open());
    expect(form(root)).toBeNull();
    expect(composerShown(root)).toBe(true);
    expect(client.contactsSubmitted).toHaveLength(1);
  });

  it('lets a form of optional fields be answered empty', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ email: 'optional' });
    const { root } = await setup(client);
    await vi.waitFor(() => expect(form(root)).not.toBeNull());
    await submit(root);
    // Nothing to send: the form goes for this page.
    expect(client.contactsSubmitted).toEqual([]);
    expect(form(root)).toBeNull();
    expect(composerShown(root)).toBe(true);
  });

  it('shows the form in the visitor’s language', async () => {
    const client = new FakeClient();
    client.askBeforeChat({ name: 'required' });
    let handle!: AppHandle;
    await act(() => {
      handle = mountApp(client, { open: true, locale: 'de' });
    });
    mounted.push(handle);
    const root = document.querySelector<HTMLElement>('[data-parley-widget]')!.shadowRoot!;
    await vi.waitFor(() => expect(label(root, 'name')).toBe('Name (Pflichtfeld)'));
  });
});
