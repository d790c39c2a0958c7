// @vitest-environment happy-dom
import type { InvitationPreview, LoginResponse } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { agent } from '../__fixtures__/factories.js';
import { createApi, type FetchFunction } from '../api.js';
import { memoryStorage, saveSession } from '../session.js';
import type { AgentConnection } from '../socket.js';
import { AcceptInvitation } from './accept-invitation.js';
import { App } from './app.js';

let container: HTMLElement;

afterEach(() => {
  render(null, container);
  container.remove();
  history.replaceState(null, '', '/');
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const TOKEN = 'invitation-token-0123456789abcdef';

const preview: InvitationPreview = {
  email: 'grace@example.com',
  organizationName: 'Harbor & Pine',
  role: 'agent',
  expiresAt: '2999-01-01T00:00:00.000Z',
  accountExists: false,
};

const grace = { ...agent, id: 'user-grace', email: 'grace@example.com', name: 'Grace Hopper', organizationName: 'Harbor & Pine' };
const login: LoginResponse = { token: 'token-grace', expiresAt: '2999-01-01T00:00:00.000Z', agent: grace };

interface Request {
  path: string;
  body: unknown;
}

/** Answers the lookup with `lookup` (a preview, or an error status and body) and the acceptance with a login. */
function fakeServer(lookup: InvitationPreview | { status: number; error: { code: string; message: string } }) {
  const requests: Request[] = [];
  const fetch: FetchFunction = async (path, init) => {
    requests.push({ path, body: init.body ? JSON.parse(String(init.body)) : undefined });
    if (path === '/api/invitations/lookup') return 'status' in lookup ? json(lookup.status, { error: lookup.error }) : json(200, lookup);
    if (path === '/api/invitations/accept') return json(200, login);
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  };
  return { fetch, requests };
}

function mount(fetch: FetchFunction, onSignedIn: (answer: LoginResponse) => void = () => {}) {
  history.replaceState(null, '', `/console/invite#${TOKEN}`);
  container = document.createElement('div');
  document.body.append(container);
  act(() => render(<AcceptInvitation api={createApi({ fetch })} token={TOKEN} basePath="/console/" onSignedIn={onSignedIn} />, container));
}

function field(text: string): HTMLInputElement {
  const label = [...container.querySelectorAll('label')].find(
    (candidate) => candidate.querySelector('.field-label')?.textContent?.trim() === text,
  );
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

const alertText = () => container.querySelector('[role="alert"]')?.textContent ?? null;

describe('AcceptInvitation', () => {
  it('looks the link up, asks a new account’s name and password, refuses a short one, then signs in and clears the URL', async () => {
    const server = fakeServer(preview);
    const signedIn: LoginResponse[] = [];
    mount(server.fetch, (answer) => signedIn.push(answer));

    await vi.waitFor(() => expect(container.querySelector('h1')!.textContent).toBe('Join Harbor & Pine'));
    expect(server.requests).toEqual([{ path: '/api/invitations/lookup', body: { token: TOKEN } }]);
    expect(container.textContent).toContain('You are invited as agent.');
    expect(field('Email').value).toBe('grace@example.com');
    expect(container.textContent).toContain('At least 10 characters.');

    await type(field('Your name'), 'Grace Hopper');
    await type(field('Password'), 'short');
    await type(field('Confirm password'), 'short');
    await act(() => button('Join Harbor & Pine').click());
    expect(alertText()).toBe('Choose a password of at least 10 characters.');

    await type(field('Password'), 'correct horse battery');
    await act(() => button('Join Harbor & Pine').click());
    expect(alertText()).toBe('The two passwords differ: type the same one twice.');
    expect(server.requests).toHaveLength(1);

    await type(field('Confirm password'), 'correct horse battery');
    await act(() => button('Join Harbor & Pine').click());

    await vi.waitFor(() => expect(signedIn).toEqual([login]));
    expect(server.requests[1]).toEqual({
      path: '/api/invitations/accept',
      body: { token: TOKEN, name: 'Grace Hopper', password: 'correct horse battery' },
    });
    expect(location.pathname).toBe('/console/');
    expect(location.hash).toBe('');
  });

  it('asks only for the password of an existing account', async () => {
    const server = fakeServer({ ...preview, accountExists: true });
    const signedIn: LoginResponse[] = [];
    mount(server.fetch, (answer) => signedIn.push(answer));

    await vi.waitFor(() => expect(container.textContent).toContain('This e-mail has a Parley account already'));
    expect(() => field('Your name')).toThrow();
    expect(() => field('Confirm password')).toThrow();

    await type(field('Password'), 'pw');
    await act(() => button('Join Harbor & Pine').click());

    await vi.waitFor(() => expect(signedIn).toEqual([login]));
    expect(server.requests[1]!.body).toEqual({ token: TOKEN, password: 'pw' });
  });

  it('says an expired or unknown link does not work, with a way to the sign-in page', async () => {
    const server = fakeServer({ status: 404, error: { code: 'not_found', message: 'This invitation has expired.' } });
    mount(server.fetch);

    await vi.waitFor(() => expect(container.querySelector('h1')!.textContent).toBe('This invitation link does not work'));
    expect(alertText()).toContain('It has expired, was revoked or has been used already.');
    expect(alertText()).toContain('This invitation has expired.');
    const signIn = container.querySelector('a')!;
    expect(signIn.textContent).toBe('Go to the sign-in page');
    expect(signIn.getAttribute('href')).toBe('/console/');
  });

  it('offers to try again when the server cannot be reached', async () => {
    let calls = 0;
    mount(async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('Failed to fetch');
      return json(200, preview);
    });

    await vi.waitFor(() => expect(alertText()).toBe('Cannot reach the server. Check your connection and try again.'));
    await act(() => button('Try again').click());
    await vi.waitFor(() => expect(container.querySelector('h1')!.textContent).toBe('Join Harbor & Pine'));
  });
});

describe('App at an invitation link', () => {
  const idleConnection: AgentConnection = {
    connected: false,
    onConnection() {},
    on() {},
    send: () => new Promise(() => {}),
    setPresence: () => new Promise(() => {}),
    requestAssist: () => new Promise(() => {}),
    prepareAttachment: () => new Promise(() => {}),
    attachmentUrl: () => new Promise(() => {}),
    setTyping() {},
    close() {},
  };

  it('shows the invitation even to someone signed in, and replaces their session with the new one', async () => {
    const storage = memoryStorage();
    saveSession(storage, { token: 'token-someone-else', expiresAt: '2999-01-01T00:00:00.000Z', agent });
    const server = fakeServer({ ...preview, accountExists: true });
    const fetch: FetchFunction = async (path, init) => {
      if (path.startsWith('/api/invitations/')) return server.fetch(path, init);
      if (path === '/api/me') return json(200, { agent, email: false });
      if (path === '/api/teams') return json(200, { teams: [] });
      if (path === '/api/presence') return json(200, { agents: [] });
      return json(200, { conversations: [], nextCursor: null });
    };
    history.replaceState(null, '', `/console/invite#${TOKEN}`);
    container = document.createElement('div');
    document.body.append(container);
    act(() => render(<App storage={storage} connect={() => idleConnection} fetch={fetch} basePath="/console/" />, container));

    await vi.waitFor(() => expect(container.querySelector('h1')!.textContent).toBe('Join Harbor & Pine'));
    await type(field('Password'), 'pw');
    await act(() => button('Join Harbor & Pine').click());

    await vi.waitFor(() => expect(container.querySelector('.topbar')).not.toBeNull());
    expect(container.querySelector('.agent-name')!.textContent).toBe('Grace Hopper');
    expect(JSON.parse(storage.getItem('parley.console.session')!).token).toBe('token-grace');
    expect(location.pathname).toBe('/console/');
  });
});
