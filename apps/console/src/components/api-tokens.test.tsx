// @vitest-environment happy-dom
import { API_SCOPES, API_TOKEN_MAX_DAYS, API_TOKEN_NAME_MAX_LENGTH, type ApiToken } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../__fixtures__/render.js';
import {
  buttonIn,
  click,
  fakeFetch,
  fieldIn,
  freshContainerEachTest,
  json,
  otherSectionList,
  submit as submitForm,
  tick,
  type,
} from '../__fixtures__/settings-page.js';
import { createApi } from '../api.js';
import { formatFullTime } from '../format.js';
import { apiScopeLabels, apiScopes, TOKEN_NAME_MAX_LENGTH, tokenExpiryChoices, WebhooksPage } from './webhooks-page.js';

const container = freshContainerEachTest();

const at = '2026-11-01T09:00:00.000Z';
const CRM = '20000000-0000-4000-8000-000000000001';
const OLD = '20000000-0000-4000-8000-000000000002';
const NEW = '20000000-0000-4000-8000-000000000003';

function apiToken(id: string, name: string, overrides: Partial<ApiToken> = {}): ApiToken {
  return {
    id,
    name,
    hint: 'parley_AbC1…',
    scopes: ['conversations:read'],
    expiresAt: null,
    lastUsedAt: null,
    createdBy: { id: 'admin-1', name: 'Ada Admin' },
    createdAt: at,
    ...overrides,
  };
}

/** A fake server holding two tokens (one expired) and no webhook, answering like the real routes. */
function fakeServer() {
  let tokens: ApiToken[] = [
    apiToken(CRM, 'CRM sync', {
      hint: 'parley_CrM9…',
      scopes: ['conversations:read', 'contacts:write'],
      lastUsedAt: '2026-11-20T10:30:00.000Z',
      expiresAt: '2999-01-01T00:00:00.000Z',
    }),
    apiToken(OLD, 'Old export', { expiresAt: '2026-01-01T00:00:00.000Z', createdBy: null }),
  ];
  return fakeFetch(
    ({ method, path, body }) => {
      // The page's other sections (webhooks-page, bot-actions and mcp-servers tests): none.
      const other = otherSectionList(path, '/api/tokens');
      if (other) return other;
      if (path === '/api/tokens') {
        if (method === 'GET') return json(200, { tokens });
        const created = apiToken(NEW, body.name, {
          hint: 'parley_NeW1…',
          scopes: body.scopes,
          expiresAt: body.expiresInDays === null ? null : '2026-12-01T09:00:00.000Z',
        });
        tokens = [created, ...tokens];
        return json(201, { token: created, secret: 'parley_NeW1_secret_shown_once' });
      }
      const id = path.split('/').at(-1);
      if (method === 'DELETE' && tokens.some((token) => token.id === id)) {
        tokens = tokens.filter((token) => token.id !== id);
        return new Response(null, { status: 204 });
      }
      return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    },
    // Only the tokens' requests are refused, whatever they are.
    (request) => request.path.startsWith('/api/tokens'),
  );
}

async function mount(server = fakeServer()) {
  await act(async () => {
    render(<WebhooksPage api={createApi({ fetch: server.fetch })} isAdmin />, container());
  });
  await settle();
  return server;
}

const tokensSection = () => container().querySelector<HTMLElement>('section[aria-labelledby="api-tokens-title"]')!;
const addForm = () => container().querySelector<HTMLElement>('section[aria-labelledby="api-token-add-title"]')!;
const item = (name: string) => tokensSection().querySelector<HTMLLIElement>(`li[aria-label="${name}"]`);
const listed = () => [...tokensSection().querySelectorAll('li')].map((li) => li.getAttribute('aria-label'));
const secretPanel = () => tokensSection().querySelector<HTMLElement>('.invitation-link');
const scopeBox = (scope: string) => addForm().querySelector<HTMLInputElement>(`input[type="checkbox"][value="${scope}"]`)!;
const posts = (server: ReturnType<typeof fakeServer>) => server.requests.filter((request) => request.method === 'POST');

/** Submits the add form. */
const submit = () => submitForm(addForm().querySelector('form')!);

describe('API tokens on the Settings → API & webhooks page', () => {
  it('words every scope of the protocol, in its order, and keeps its limits', () => {
    expect(apiScopes).toEqual([...API_SCOPES]);
    for (const scope of API_SCOPES) expect(apiScopeLabels[scope]).toMatch(/^[A-Z]/);
    expect(TOKEN_NAME_MAX_LENGTH).toBe(API_TOKEN_NAME_MAX_LENGTH);
    for (const { days } of tokenExpiryChoices) if (days !== null) expect(days).toBeLessThanOrEqual(API_TOKEN_MAX_DAYS);
  });

  it('heads the page with each of what it holds', async () => {
    await mount();
    expect([...container().querySelectorAll('h1, h2')].map((heading) => `${heading.tagName} ${heading.textContent}`)).toEqual([
      'H1 API & webhooks',
      'H2 API tokens',
      'H2 Webhooks',
      'H2 Bot actions',
      'H2 MCP servers',
    ]);
  });

  it('lists the tokens with their hint, scopes, maker, last use and expiry, marking expired ones', async () => {
    const server = await mount();
    expect(server.requests).toContainEqual({ method: 'GET', path: '/api/tokens', body: undefined });
    expect(listed()).toEqual(['CRM sync', 'Old export']);
    const crm = item('CRM sync')!;
    expect(crm.textContent).toContain('parley_CrM9…');
    expect(crm.textContent).toContain('Scopes: conversations:read, contacts:write');
    expect(crm.textContent).toContain(`Created by Ada Admin on ${formatFullTime(at)}.`);
    expect(crm.textContent).toContain(`Last used ${formatFullTime('2026-11-20T10:30:00.000Z')}.`);
    expect(crm.textContent).toContain(`Expires ${formatFullTime('2999-01-01T00:00:00.000Z')}.`);
    expect(crm.querySelector('.people-status')).toBeNull();

    const old = item('Old export')!;
    expect(old.textContent).toContain('Created by a removed member');
    expect(old.textContent).toContain('Never used.');
    expect(old.querySelector('.people-status')!.textContent).toBe('Expired');
    expect(old.textContent).toContain(`Expired ${formatFullTime('2026-01-01T00:00:00.000Z')}.`);
  });

  it('says when there is no token, and that a token without expiry never expires', async () => {
    const server = fakeServer();
    server.refuseNext(json(200, { tokens: [apiToken(CRM, 'Forever')] }));
    await mount(server);
    expect(item('Forever')!.textContent).toContain('Never expires.');

    render(null, container());
    const empty = fakeServer();
    empty.refuseNext(json(200, { tokens: [] }));
    await mount(empty);
    expect(tokensSection().textContent).toContain('No API token yet.');
  });

  it('creates a token, shows its secret once with a Copy button, and never again once closed', async () => {
    const server = await mount();
    const writeText = vi.fn(async (_text: string) => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const form = addForm();
    expect(form.querySelector('fieldset legend')!.textContent).toBe('Scopes');
    expect(scopeBox('knowledge:write').closest('label')!.textContent).toContain(apiScopeLabels['knowledge:write']);
    expect([...fieldIn<HTMLSelectElement>(form, 'Expires after').options].map((option) => option.textContent)).toEqual([
      'No expiry',
      '30 days',
      '90 days',
      '365 days',
    ]);
    await type(fieldIn<HTMLInputElement>(form, 'Name'), '  Data warehouse ');
    // Ticked out of order: sent in the protocol's.
    await tick(scopeBox('reports:read'));
    await tick(scopeBox('conversations:read'));
    await type(fieldIn<HTMLSelectElement>(form, 'Expires after'), '90');
    await submit();

    expect(posts(server)).toEqual([
      {
        method: 'POST',
        path: '/api/tokens',
        body: { name: 'Data warehouse', scopes: ['conversations:read', 'reports:read'], expiresInDays: 90 },
      },
    ]);
    const secret = fieldIn<HTMLInputElement>(secretPanel()!, 'API token');
    expect(secret.value).toBe('parley_NeW1_secret_shown_once');
    expect(secret.readOnly).toBe(true);
    expect(document.activeElement).toBe(secret);
    const note = document.getElementById(secret.getAttribute('aria-describedby')!)!;
    expect(note.textContent).toContain('it won’t be shown again');
    // Announced: the page's status line is a live region.
    const status = tokensSection().querySelector(':scope > [role="status"]')!;
    expect(status.textContent).toBe('Created the token “Data warehouse”. Copy it now: it won’t be shown again.');

    await click(buttonIn(secretPanel()!, 'Copy'));
    expect(writeText).toHaveBeenCalledWith('parley_NeW1_secret_shown_once');
    expect(secretPanel()!.textContent).toContain('Copied.');
    // The new token is listed first, and the form is empty again.
    expect(listed()).toEqual(['Data warehouse', 'CRM sync', 'Old export']);
    expect(fieldIn<HTMLInputElement>(addForm(), 'Name').value).toBe('');
    expect(scopeBox('reports:read').checked).toBe(false);

    await click(buttonIn(secretPanel()!, 'Done'));
    expect(secretPanel()).toBeNull();
    expect(container().innerHTML).not.toContain('parley_NeW1_secret_shown_once');
    // The list is not asked for again: the server would not send the secret anyway.
    expect(server.requests.filter((request) => request.method === 'GET' && request.path === '/api/tokens')).toHaveLength(1);
  });

  it('sends no expiry as null', async () => {
    const server = await mount();
    await type(fieldIn<HTMLInputElement>(addForm(), 'Name'), 'Forever');
    await tick(scopeBox('webhooks:write'));
    await type(fieldIn<HTMLSelectElement>(addForm(), 'Expires after'), '');
    await submit();
    expect(posts(server).at(-1)!.body).toEqual({ name: 'Forever', scopes: ['webhooks:write'], expiresInDays: null });
    expect(item('Forever')!.textContent).toContain('Never expires.');
  });

  it('asks for a name and a scope before sending anything', async () => {
    const server = await mount();
    await submit();
    const name = fieldIn<HTMLInputElement>(addForm(), 'Name');
    expect(name.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(name.getAttribute('aria-describedby')!)!.textContent).toBe('Name the token after what uses it.');
    const scopes = addForm().querySelector('fieldset')!;
    expect(scopes.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(scopes.getAttribute('aria-describedby')!)!.textContent).toBe('Pick at least one scope.');

    await type(name, 'CI');
    await submit();
    expect(name.hasAttribute('aria-invalid')).toBe(false);
    expect(scopes.getAttribute('aria-invalid')).toBe('true');
    expect(posts(server)).toEqual([]);

    await tick(scopeBox('knowledge:read'));
    await submit();
    expect(posts(server)).toHaveLength(1);
    expect(addForm().querySelector('[aria-invalid]')).toBeNull();
  });

  it("shows the server's refusal, on the field it names or as text, and keeps what was typed", async () => {
    const server = await mount();
    await type(fieldIn<HTMLInputElement>(addForm(), 'Name'), 'CI');
    await tick(scopeBox('contacts:read'));
    server.refuseNext(
      json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request is invalid.',
          issues: [{ path: 'body.name', message: 'Another token has this name.' }],
        },
      }),
    );
    await submit();
    const name = fieldIn<HTMLInputElement>(addForm(), 'Name');
    expect(name.value).toBe('CI');
    expect(document.getElementById(name.getAttribute('aria-describedby')!)!.textContent).toBe('Another token has this name.');
    expect(addForm().querySelector('[role="alert"]')).toBeNull();
    expect(secretPanel()).toBeNull();

    server.refuseNext(json(403, { error: { code: 'forbidden', message: 'Only admins can manage API tokens: <b>no</b>.' } }));
    await submit();
    const alert = addForm().querySelector('[role="alert"]')!;
    expect(alert.className).toBe('form-error');
    expect(alert.textContent).toBe('Only admins can manage API tokens: <b>no</b>.');
    expect(alert.querySelector('b')).toBeNull();
    expect(scopeBox('contacts:read').checked).toBe(true);
    expect(secretPanel()).toBeNull();
  });

  it('revokes a token after confirming, and drops its secret if it is shown', async () => {
    const server = await mount();
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await click(buttonIn(item('CRM sync')!, 'Revoke'));
    expect(confirm).toHaveBeenCalledWith('Revoke the token “CRM sync”? Whatever uses it can no longer call the API.');
    expect(server.requests.some((request) => request.method === 'DELETE')).toBe(false);
    expect(item('CRM sync')).not.toBeNull();

    confirm.mockReturnValue(true);
    await click(buttonIn(item('CRM sync')!, 'Revoke'));
    expect(server.requests.at(-1)).toEqual({ method: 'DELETE', path: `/api/tokens/${CRM}`, body: undefined });
    expect(listed()).toEqual(['Old export']);
    expect(tokensSection().querySelector(':scope > [role="status"]')!.textContent).toBe('Revoked the token “CRM sync”.');

    // A token just made and revoked: its secret is of no use, gone too.
    await type(fieldIn<HTMLInputElement>(addForm(), 'Name'), 'Short-lived');
    await tick(scopeBox('contacts:read'));
    await submit();
    expect(secretPanel()).not.toBeNull();
    await click(buttonIn(item('Short-lived')!, 'Revoke'));
    expect(server.requests.at(-1)).toEqual({ method: 'DELETE', path: `/api/tokens/${NEW}`, body: undefined });
    expect(secretPanel()).toBeNull();
  });

  it('shows a failed revoke as text on the token, which stays listed', async () => {
    const server = await mount();
    vi.stubGlobal('confirm', () => true);
    server.refuseNext(json(404, { error: { code: 'not_found', message: 'No such API token.' } }));
    await click(buttonIn(item('Old export')!, 'Revoke'));
    expect(item('Old export')!.querySelector('[role="alert"]')!.textContent).toBe('No such API token.');
    expect(buttonIn(item('Old export')!, 'Revoke')!.disabled).toBe(false);
  });

  it('shows a failed listing with Try again', async () => {
    const server = fakeServer();
    server.refuseNext(json(500, { error: { code: 'internal', message: 'The server could not answer.' } }));
    await mount(server);
    expect(tokensSection().querySelector('[role="alert"]')!.textContent).toBe('The server could not answer.');
    await click(buttonIn(tokensSection(), 'Try again'));
    expect(listed()).toEqual(['CRM sync', 'Old export']);
  });

  it('is for admins only, and asks the server nothing otherwise', async () => {
    const server = fakeServer();
    await act(async () => render(<WebhooksPage api={createApi({ fetch: server.fetch })} isAdmin={false} />, container()));
    await settle();
    expect(container().textContent).toBe('Only admins can manage API tokens and webhooks.');
    expect(server.requests).toEqual([]);
  });
});
