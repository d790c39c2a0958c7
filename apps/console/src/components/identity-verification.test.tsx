// @vitest-environment happy-dom
import { PUBLIC_KEY_MAX_LENGTH as protocolMaxLength, type IdentityVerification, type IdentityVerificationPatch } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type FetchFunction } from '../api.js';
import { settle } from '../__fixtures__/render.js';
import { formatFullTime } from '../format.js';
import { IdentityVerificationSection, PUBLIC_KEY_MAX_LENGTH, signingSample } from './identity-verification.js';

const WIDGET_ID = '11111111-1111-4111-8111-111111111111';
const PATH = `/api/widgets/${WIDGET_ID}/identity-verification`;
const NEW_SECRET = 'pis_Wm81LrQaZ0c4bH7yN2eX5uJ9sV1kD6fG3hT8pR4wE0';
const PEM = '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A fetch that never reaches the server. */
const offline: FetchFunction = () => Promise.reject(new TypeError('Failed to fetch'));

const none: IdentityVerification = { secret: null, previousSecretExpiresAt: null, publicKey: null };

/** A fake server of the route: records requests, applies changes, refuses a key that is not a PEM. */
function fakeServer(initial: IdentityVerification = none) {
  const requests: Array<{ method: string; path: string; body: IdentityVerificationPatch | undefined }> = [];
  let stored = initial;
  const fetch: FetchFunction = async (path, init) => {
    const method = init.method ?? 'GET';
    const body = init.body ? (JSON.parse(String(init.body)) as IdentityVerificationPatch) : undefined;
    requests.push({ method, path, body });
    if (path !== PATH) return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    if (method === 'GET') return json(200, stored);
    if (body?.secret === 'generate') {
      stored = {
        ...stored,
        secret: { hint: 'pis_Wm81LrQa', createdAt: '2026-11-30T10:15:00.000Z' },
        previousSecretExpiresAt: stored.secret ? '2026-12-01T10:15:00.000Z' : null,
      };
      return json(200, { ...stored, newSecret: NEW_SECRET });
    }
    if (body?.secret === null) stored = { ...stored, secret: null, previousSecretExpiresAt: null };
    if (typeof body?.publicKey === 'string') {
      if (!body.publicKey.startsWith('-----BEGIN PUBLIC KEY-----')) {
        const message = 'That is not a public key in PEM (SPKI) or a JWK.';
        return json(400, {
          error: { code: 'invalid_payload', message: 'The request payload is not valid.', issues: [{ path: 'body.publicKey', message }] },
        });
      }
      stored = { ...stored, publicKey: { key: body.publicKey, algorithm: 'EdDSA' } };
    }
    if (body?.publicKey === null) stored = { ...stored, publicKey: null };
    return json(200, stored);
  };
  return { fetch, requests, patches: () => requests.filter((request) => request.method === 'PATCH').map((request) => request.body) };
}

async function mount(initial?: IdentityVerification) {
  const server = fakeServer(initial);
  container = document.createElement('div');
  document.body.append(container);
  await act(async () => {
    render(<IdentityVerificationSection api={createApi({ fetch: server.fetch })} widgetId={WIDGET_ID} />, container);
  });
  await settle();
  return server;
}

function button(text: string): HTMLButtonElement | undefined {
  return [...container.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === text);
}

async function click(text: string) {
  const found = button(text);
  if (!found) throw new Error(`no button "${text}"`);
  await act(async () => found.click());
  await settle();
}

const secretField = () =>
  [...container.querySelectorAll<HTMLLabelElement>('label.field')]
    .find((label) => label.textContent?.startsWith('New secret'))
    ?.querySelector('input');
const keyField = () => container.querySelector<HTMLTextAreaElement>('textarea')!;

async function typeKey(value: string) {
  await act(async () => {
    keyField().value = value;
    keyField().dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function saveKey() {
  await act(async () => {
    container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

describe('IdentityVerificationSection', () => {
  it('generates a secret and shows it once, with a Copy button', async () => {
    const server = await mount();
    expect(server.requests[0]).toMatchObject({ method: 'GET', path: PATH });
    expect(container.textContent).toContain('No secret');
    expect(button('Remove secret')).toBeUndefined();

    await click('Generate secret');
    expect(server.patches()).toEqual([{ secret: 'generate' }]);
    const field = secretField()!;
    expect(field.value).toBe(NEW_SECRET);
    expect(field.readOnly).toBe(true);
    expect(document.activeElement).toBe(field);
    expect(container.querySelector(`[id="${field.getAttribute('aria-describedby')}"]`)!.textContent).toContain('won’t be shown again');
    expect(container.textContent).toContain(`Secret pis_Wm81LrQa…, made ${formatFullTime('2026-11-30T10:15:00.000Z')}.`);

    const writeText = vi.fn(async () => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    await click('Copy');
    expect(writeText).toHaveBeenCalledWith(NEW_SECRET);
    expect(container.textContent).toContain('Copied.');

    // Once done with, it is gone for good: nothing on the page holds it any more.
    await click('Done');
    expect(secretField()).toBeUndefined();
    expect(container.innerHTML).not.toContain(NEW_SECRET);
    expect(button('Rotate secret')).toBeDefined();
  });

  it('rotates after confirming that the old secret keeps working for 24 hours, and removes the secret', async () => {
    const server = await mount({ ...none, secret: { hint: 'pis_3kT9vQx2', createdAt: '2026-11-30T09:00:00.000Z' } });
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await click('Rotate secret');
    expect(confirm.mock.calls[0]).toEqual([expect.stringContaining('keeps working for 24 hours')]);
    expect(server.patches()).toEqual([]);

    confirm.mockReturnValue(true);
    await click('Rotate secret');
    expect(server.patches()).toEqual([{ secret: 'generate' }]);
    expect(secretField()!.value).toBe(NEW_SECRET);
    expect(container.textContent).toContain(`The previous secret keeps working until ${formatFullTime('2026-12-01T10:15:00.000Z')}.`);
    expect(container.textContent).toContain(`The previous secret is still accepted until ${formatFullTime('2026-12-01T10:15:00.000Z')}.`);

    await click('Remove secret');
    expect(server.patches()[1]).toEqual({ secret: null });
    expect(secretField()).toBeUndefined();
    expect(container.textContent).toContain('No secret');
    expect(button('Generate secret')).toBeDefined();
  });

  it('shows the server’s reason under the field for a key it refuses, and the algorithm of one it takes', async () => {
    const server = await mount();
    await typeKey('{"kty":"oct","k":"c2VjcmV0"}');
    await saveKey();
    expect(server.patches()).toEqual([{ publicKey: '{"kty":"oct","k":"c2VjcmV0"}' }]);
    expect(keyField().getAttribute('aria-invalid')).toBe('true');
    const described = keyField().getAttribute('aria-describedby')!.split(' ');
    const error = described
      .map((id) => container.querySelector(`[id="${id}"]`))
      .find((element) => element?.classList.contains('field-error'));
    expect(error!.textContent).toBe('That is not a public key in PEM (SPKI) or a JWK.');
    // What was pasted stays, to be fixed.
    expect(keyField().value).toBe('{"kty":"oct","k":"c2VjcmV0"}');

    await typeKey(`\n${PEM}\n`);
    await saveKey();
    expect(server.patches()[1]).toEqual({ publicKey: PEM });
    expect(keyField().hasAttribute('aria-invalid')).toBe(false);
    expect(container.querySelector('.field-error')).toBeNull();
    expect(container.querySelector('[role="status"]')!.textContent).toBe('Saved. Algorithm: EdDSA.');
    expect(container.textContent).toContain('Algorithm: EdDSA. Tokens signed with its private key are accepted.');

    vi.stubGlobal('confirm', () => true);
    await click('Remove key');
    expect(server.patches()[2]).toEqual({ publicKey: null });
    expect(keyField().value).toBe('');
    expect(button('Remove key')).toBeUndefined();
  });

  it('limits the key to the length the server takes', async () => {
    await mount();
    expect(PUBLIC_KEY_MAX_LENGTH).toBe(protocolMaxLength);
    expect(keyField().maxLength).toBe(protocolMaxLength);
  });

  it('asks for a key before sending an empty one, and says when the server cannot be reached', async () => {
    const server = await mount();
    await saveKey();
    expect(server.patches()).toEqual([]);
    expect(container.querySelector('.field-error')!.textContent).toContain('Paste the public key');

    render(null, container);
    container.remove();
    container = document.createElement('div');
    document.body.append(container);
    await act(async () => {
      render(<IdentityVerificationSection api={createApi({ fetch: offline })} widgetId={WIDGET_ID} />, container);
    });
    await settle();
    expect(container.querySelector('[role="alert"]')!.textContent).toContain('Cannot reach the server');
  });

  it('shows how the site’s server signs a token with jose, and how the page passes it on', async () => {
    await mount();
    const sample = container.querySelector('pre')!.textContent!;
    expect(sample).toBe(signingSample);
    expect(sample).toContain('new SignJWT({ name: user.name, email: user.email })');
    expect(sample).toContain(".setProtectedHeader({ alg: 'HS256' })");
    expect(sample).toContain('.sign(new TextEncoder().encode(process.env.PARLEY_IDENTITY_SECRET))');
    expect(sample).toContain('Parley.identify({ token });');
  });
});
