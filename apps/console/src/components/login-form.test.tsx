// @vitest-environment happy-dom
import type { LoginResponse } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent } from '../__fixtures__/factories.js';
import { createApi, type FetchFunction } from '../api.js';
import { LoginForm } from './login-form.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
});

function mount(fetch: FetchFunction, onSignedIn: (login: LoginResponse) => void = () => {}) {
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(<LoginForm api={createApi({ fetch })} onSignedIn={onSignedIn} />, container));
}

/** The control whose label text is `text`, as a person (or a browser test) finds it. */
function field(text: string): HTMLInputElement {
  const label = [...container.querySelectorAll('label')].find((candidate) => candidate.textContent?.trim() === text);
  const input = label?.querySelector('input');
  if (!input) throw new Error(`No field labelled ${text}`);
  return input;
}

function button(name: string): HTMLButtonElement {
  const found = [...container.querySelectorAll('button')].find((candidate) => candidate.textContent?.trim() === name);
  if (!found) throw new Error(`No button named ${name}`);
  return found;
}

async function type(input: HTMLInputElement, value: string) {
  await act(() => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit() {
  await act(() => button('Sign in').click());
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('LoginForm', () => {
  it('posts the credentials and shows the error text when the server answers 401', async () => {
    const requests: { url: string; init: RequestInit }[] = [];
    mount(async (url, init) => {
      requests.push({ url, init });
      return json(401, { error: { code: 'unauthorized', message: 'Wrong e-mail or password.' } });
    });

    await type(field('Email'), 'grace@example.com');
    await type(field('Password'), 'not-the-password');
    await submit();

    const alert = await vi.waitFor(() => {
      const found = container.querySelector('[role="alert"]');
      if (!found) throw new Error('no alert yet');
      return found;
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/api/auth/login');
    expect(requests[0]!.init.method).toBe('POST');
    expect(JSON.parse(requests[0]!.init.body as string)).toEqual({ email: 'grace@example.com', password: 'not-the-password' });
    expect(alert.textContent).toBe('Wrong e-mail or password.');
    expect(button('Sign in').disabled).toBe(false);
  });

  it('hands the login answer over on success', async () => {
    const login: LoginResponse = { token: 'token-1', expiresAt: '2999-01-01T00:00:00.000Z', agent };
    const signedIn: LoginResponse[] = [];
    mount(
      async () => json(200, login),
      (answer) => signedIn.push(answer),
    );

    await type(field('Email'), 'grace@example.com');
    await type(field('Password'), 'correct horse');
    await submit();

    await vi.waitFor(() => expect(signedIn).toEqual([login]));
    expect(container.querySelector('[role="alert"]')).toBeNull();
  });

  it('asks for both fields before calling the server', async () => {
    const requests: string[] = [];
    mount(async (url) => {
      requests.push(url);
      return json(500, {});
    });

    await submit();

    expect(requests).toEqual([]);
    expect(container.querySelector('[role="alert"]')?.textContent).toBe('Enter your email and password.');
  });
});
