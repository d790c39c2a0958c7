// @vitest-environment happy-dom
import { BOT_ACTION_LIMITS, BOT_ACTION_METHODS, type BotAction } from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../__fixtures__/render.js';
import {
  buttonIn,
  checkbox,
  click,
  errorOf,
  fakeFetch,
  fieldIn,
  freshContainerEachTest,
  json,
  submit,
  tick,
  type,
} from '../__fixtures__/settings-page.js';
import { createApi } from '../api.js';
import {
  ACTION_DESCRIPTION_MAX_LENGTH,
  ACTION_METHODS,
  ACTION_SECRET_MAX_LENGTH,
  ACTION_TIMEOUT_MAX_MS,
  ACTION_URL_MAX_LENGTH,
  BotActions,
} from './bot-actions.js';
import { CONFIRMATION_TEXT_MAX_LENGTH } from './bot-action-policy.js';

const container = freshContainerEachTest();

const at = '2026-11-01T09:00:00.000Z';
const ORDER = '20000000-0000-4000-8000-000000000001';
const REFUND = '20000000-0000-4000-8000-000000000002';
const BILLING = '30000000-0000-4000-8000-000000000001';

function botAction(id: string, name: string, overrides: Partial<BotAction> = {}): BotAction {
  return {
    id,
    name,
    description: 'Looks up an order.',
    enabled: true,
    policy: 'auto',
    confirmationText: '',
    approverTeamId: null,
    decisionTimeoutSeconds: 900,
    method: 'GET',
    url: 'https://shop.example/api/orders/{{order_number}}',
    headers: {},
    secretNames: [],
    inputSchema: { type: 'object', properties: {}, required: [] },
    responseFields: [],
    timeoutMs: 10_000,
    requiresVerifiedContact: false,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** A fake server holding two actions, answering like the real routes; `refuseNext` answers the next write instead. */
function fakeServer() {
  let actions: BotAction[] = [
    botAction(ORDER, 'lookup_order', {
      headers: { Authorization: 'Bearer {{secrets.SHOP_KEY}}' },
      secretNames: ['SHOP_KEY', 'SHOP_USER'],
      responseFields: ['status', 'shipment.carrier'],
      requiresVerifiedContact: true,
    }),
    botAction(REFUND, 'refund_order', {
      enabled: false,
      method: 'POST',
      url: 'https://shop.example/api/refunds',
      policy: 'approve',
      confirmationText: 'Refund {{amount}} EUR on order {{order_number}}',
      approverTeamId: BILLING,
      decisionTimeoutSeconds: 1800,
    }),
  ];
  return fakeFetch(
    ({ method, path, body }) => {
      // The approver team's choices.
      if (path === '/api/bot/actions') {
        if (method === 'GET') return json(200, { actions });
        const { secrets, ...rest } = body;
        const created = botAction('20000000-0000-4000-8000-000000000003', body.name, { ...rest, secretNames: Object.keys(secrets) });
        actions = [...actions, created];
        return json(201, created);
      }
      const id = path.split('/').at(-1);
      const held = actions.find((candidate) => candidate.id === id);
      if (!held) return json(404, { error: { code: 'not_found', message: 'No such action.' } });
      if (method === 'PATCH') {
        const { secrets = {}, ...rest } = body;
        const secretNames = [
          ...held.secretNames.filter((name) => secrets[name] !== null),
          ...Object.keys(secrets).filter((name) => secrets[name] !== null && !held.secretNames.includes(name)),
        ];
        const updated = { ...held, ...rest, secretNames, updatedAt: '2026-11-02T09:00:00.000Z' };
        actions = actions.map((candidate) => (candidate.id === id ? updated : candidate));
        return json(200, updated);
      }
      if (method === 'DELETE') {
        actions = actions.filter((candidate) => candidate.id !== id);
        return new Response(null, { status: 204 });
      }
      return json(404, { error: { code: 'not_found', message: 'Not found.' } });
    },
    // Only writes are refused: the list is always read.
    (request) => request.method !== 'GET',
  );
}

async function mount(server = fakeServer()) {
  await act(async () => {
    render(
      <BotActions api={createApi({ fetch: server.fetch })} teams={[{ id: BILLING, name: 'Billing', memberIds: [], botProfileId: null }]} />,
      container(),
    );
  });
  await settle();
  return server;
}

const item = (name: string) => container().querySelector<HTMLLIElement>(`li[aria-label="${name}"]`)!;
const addForm = () => container().querySelector<HTMLElement>('section[aria-labelledby="bot-action-add-title"]')!;
/** Fills the add form with a valid action. */
async function fillNew(form: HTMLElement) {
  await type(fieldIn(form, 'Name'), ' track_parcel ');
  await type(fieldIn(form, 'Description for the bot'), 'Tracks a parcel by its number. Use it when a visitor asks where a parcel is.');
  await type(fieldIn(form, 'Method'), 'POST');
  await type(fieldIn(form, 'URL'), 'https://carrier.example/track/{{parcel}}');
}

describe('BotActions', () => {
  it('keeps the protocol’s methods and limits', () => {
    expect(ACTION_METHODS).toEqual([...BOT_ACTION_METHODS]);
    expect([ACTION_DESCRIPTION_MAX_LENGTH, ACTION_URL_MAX_LENGTH, ACTION_SECRET_MAX_LENGTH, ACTION_TIMEOUT_MAX_MS]).toEqual([
      BOT_ACTION_LIMITS.description,
      BOT_ACTION_LIMITS.url,
      BOT_ACTION_LIMITS.secretValue,
      BOT_ACTION_LIMITS.timeoutMs,
    ]);
    expect(CONFIRMATION_TEXT_MAX_LENGTH).toBe(BOT_ACTION_LIMITS.confirmationText);
  });

  it('lists the actions with their method, address and state, as text', async () => {
    const server = fakeServer();
    await mount(server);
    expect(server.requests).toEqual([{ method: 'GET', path: '/api/bot/actions', body: undefined }]);
    const order = item('lookup_order');
    expect(order.textContent).toContain('GET https://shop.example/api/orders/{{order_number}}');
    expect(order.textContent).toContain('Enabled');
    expect(order.textContent).toContain('Secrets: SHOP_KEY, SHOP_USER');
    expect(order.textContent).toContain('Only for visitors whose identity your site verified.');
    expect(buttonIn(order, 'Disable')).toBeDefined();
    const refund = item('refund_order');
    expect(refund.textContent).toContain('POST https://shop.example/api/refunds');
    expect(refund.textContent).toContain('Disabled');
    // The policy, with the approver team by name.
    expect(order.textContent).toContain('Runs automatically.');
    expect(refund.textContent).toContain('Runs after an agent approves (Billing).');
    expect(buttonIn(refund, 'Enable')).toBeDefined();
  });

  it('never renders a name or description as HTML', async () => {
    const server = fakeServer();
    const list = server.fetch;
    await mount({
      ...server,
      fetch: async (path, init) =>
        path === '/api/bot/actions' && (init.method ?? 'GET') === 'GET'
          ? json(200, { actions: [botAction(ORDER, 'lookup', { description: '<img src=x onerror=alert(1)>' })] })
          : list(path, init),
    });
    expect(item('lookup').querySelector('img')).toBeNull();
    expect(item('lookup').textContent).toContain('<img src=x onerror=alert(1)>');
  });

  it('adds an action with the exact body: headers from lines, secrets, input schema from JSON, timeout in ms', async () => {
    const server = await mount();
    const form = addForm();
    await fillNew(form);
    await type(fieldIn(form, 'Headers'), 'Authorization: Bearer {{secrets.TOKEN}}\n\nX-Shop:  eu:1 \n');
    await type(fieldIn(form, 'Secret name'), 'TOKEN');
    await type(fieldIn(form, 'Secret value'), 's3cret');
    expect(fieldIn<HTMLInputElement>(form, 'Secret value').type).toBe('password');
    await click(buttonIn(form, 'Add secret'));
    expect(form.querySelector('li[aria-label="TOKEN"]')!.textContent).toContain('New');
    // Typed but not added: sent too.
    await type(fieldIn(form, 'Secret name'), 'REGION');
    await type(fieldIn(form, 'Secret value'), 'eu');
    await type(fieldIn(form, 'Input schema'), '{"type":"object","properties":{"parcel":{"type":"string"}},"required":["parcel"]}');
    await type(fieldIn(form, 'Response fields'), 'status\n  last_event.place \n\n');
    await type(fieldIn(form, 'Timeout (seconds)'), '2.5');
    await tick(checkbox(form, 'Only for visitors whose identity your site verified'));
    await tick(checkbox(form, 'Enabled'));
    await submit(form.querySelector('form')!);

    expect(server.writes()).toEqual([
      {
        method: 'POST',
        path: '/api/bot/actions',
        body: {
          name: 'track_parcel',
          description: 'Tracks a parcel by its number. Use it when a visitor asks where a parcel is.',
          method: 'POST',
          url: 'https://carrier.example/track/{{parcel}}',
          headers: { Authorization: 'Bearer {{secrets.TOKEN}}', 'X-Shop': 'eu:1' },
          secrets: { TOKEN: 's3cret', REGION: 'eu' },
          inputSchema: { type: 'object', properties: { parcel: { type: 'string' } }, required: ['parcel'] },
          responseFields: ['status', 'last_event.place'],
          timeoutMs: 2500,
          requiresVerifiedContact: true,
          enabled: false,
          policy: 'auto',
          confirmationText: '',
          approverTeamId: null,
          decisionTimeoutSeconds: 900,
        },
      },
    ]);
    // Listed by name, the form empty again (its secrets too), and said.
    expect([...container().querySelectorAll('li[aria-label]')].map((li) => li.getAttribute('aria-label'))).toEqual([
      'lookup_order',
      'refund_order',
      'track_parcel',
    ]);
    expect(fieldIn<HTMLInputElement>(addForm(), 'Name').value).toBe('');
    expect(fieldIn<HTMLTextAreaElement>(addForm(), 'Input schema').value).toBe('{"type":"object","properties":{},"required":[]}');
    expect(addForm().querySelector('li[aria-label="TOKEN"]')).toBeNull();
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Added the action “track_parcel”.');
    expect(container().innerHTML).not.toContain('s3cret');
  });

  it('adds an action an agent approves: its confirmation text, approver team and time to decide in seconds', async () => {
    const server = await mount();
    const form = addForm();
    await fillNew(form);
    // Automatically: no confirmation text, team nor time to decide.
    expect(checkbox(form, 'Automatically').checked).toBe(true);
    expect(form.textContent).not.toContain('Confirmation text');
    await tick(checkbox(form, 'After an agent approves'));
    expect(fieldIn(form, 'Confirmation text').getAttribute('aria-describedby')).toBeTruthy();
    expect(form.textContent).toContain('What the visitor and agents read, e.g. Refund {{amount}} EUR on order {{order_number}}');
    await type(fieldIn(form, 'Confirmation text'), '  Track parcel {{parcel}} ');
    const team = fieldIn<HTMLSelectElement>(form, 'Approver team');
    expect([...team.options].map((option) => option.textContent)).toEqual(['Any agent', 'Billing']);
    await type(team, BILLING);
    expect(fieldIn<HTMLInputElement>(form, 'Time to decide (minutes)').value).toBe('15');
    await type(fieldIn(form, 'Time to decide (minutes)'), '30');
    await submit(form.querySelector('form')!);

    expect(server.writes()).toHaveLength(1);
    expect(server.writes()[0]!.body).toMatchObject({
      policy: 'approve',
      confirmationText: 'Track parcel {{parcel}}',
      approverTeamId: BILLING,
      decisionTimeoutSeconds: 1800,
    });
    expect(item('track_parcel').textContent).toContain('Runs after an agent approves (Billing).');
  });

  it('edits the policy with a PATCH of only it, and refuses a time to decide out of range before sending', async () => {
    const server = await mount();
    await click(buttonIn(item('refund_order'), 'Edit'));
    const form = item('refund_order').querySelector('form')!;
    expect(checkbox(form, 'After an agent approves').checked).toBe(true);
    expect(fieldIn<HTMLTextAreaElement>(form, 'Confirmation text').value).toBe('Refund {{amount}} EUR on order {{order_number}}');
    expect(fieldIn<HTMLSelectElement>(form, 'Approver team').value).toBe(BILLING);
    expect(fieldIn<HTMLInputElement>(form, 'Time to decide (minutes)').value).toBe('30');

    await tick(checkbox(form, 'After the visitor confirms'));
    // The team is for approvals only.
    expect(form.textContent).not.toContain('Approver team');
    await type(fieldIn(form, 'Time to decide (minutes)'), '1441');
    await submit(form);
    expect(server.writes()).toEqual([]);
    expect(errorOf(fieldIn(form, 'Time to decide (minutes)'))).toBe('The time to decide is from 1 to 1440 minutes.');

    await type(fieldIn(form, 'Time to decide (minutes)'), '2');
    await submit(form);
    expect(server.writes()).toEqual([
      { method: 'PATCH', path: `/api/bot/actions/${REFUND}`, body: { policy: 'confirm', decisionTimeoutSeconds: 120 } },
    ]);
    expect(item('refund_order').textContent).toContain('Runs after the visitor confirms.');
  });

  it('shows the server’s refusal of the policy fields next to them', async () => {
    const server = await mount();
    server.refuseNext(
      json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request is invalid.',
          issues: [
            { path: 'body.confirmationText', message: 'At most 500 characters.' },
            { path: 'body.approverTeamId', message: 'No such team.' },
          ],
        },
      }),
    );
    const form = addForm();
    await fillNew(form);
    await tick(checkbox(form, 'After an agent approves'));
    await submit(form.querySelector('form')!);

    const text = fieldIn(form, 'Confirmation text');
    expect(text.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(text)).toBe('At most 500 characters.');
    expect(errorOf(fieldIn(form, 'Approver team'))).toBe('No such team.');
    expect(form.querySelector('.form-error')).toBeNull();
  });

  it('shows the server’s refusal under the fields it names', async () => {
    const server = await mount();
    server.refuseNext(
      json(400, {
        error: {
          code: 'invalid_payload',
          message: 'The request is invalid.',
          issues: [
            { path: 'body.url', message: 'Secrets never go in the address: put them in a header.' },
            { path: 'body.headers.Authorization', message: 'At most 2000 characters.' },
            { path: 'body.inputSchema', message: 'The input schema does not compile.' },
          ],
        },
      }),
    );
    const form = addForm();
    await fillNew(form);
    await submit(form.querySelector('form')!);

    expect(server.writes()).toHaveLength(1);
    const url = fieldIn(form, 'URL');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(url)).toBe('Secrets never go in the address: put them in a header.');
    // Described by its hint too.
    expect(url.getAttribute('aria-describedby')!.split(' ')).toHaveLength(2);
    expect(errorOf(fieldIn(form, 'Headers'))).toBe('Authorization: At most 2000 characters.');
    expect(errorOf(fieldIn(form, 'Input schema'))).toBe('The input schema does not compile.');
    expect(fieldIn(form, 'Name').getAttribute('aria-invalid')).toBeNull();
    // Every issue is on a field: no message for the form as a whole.
    expect(form.querySelector('.form-error')).toBeNull();
  });

  it('says a duplicate name on the name', async () => {
    const server = await mount();
    server.refuseNext(json(409, { error: { code: 'conflict', message: 'Another action has this name.' } }));
    const form = addForm();
    await fillNew(form);
    await submit(form.querySelector('form')!);
    expect(errorOf(fieldIn(form, 'Name'))).toBe('Another action has this name.');
  });

  it('refuses an input schema that is not JSON, and bad header lines, before sending', async () => {
    const server = await mount();
    const form = addForm();
    await fillNew(form);
    await type(fieldIn(form, 'Input schema'), '{"type": "object",');
    await type(fieldIn(form, 'Headers'), 'Authorization: Bearer x\nno colon here');
    await type(fieldIn(form, 'Timeout (seconds)'), '31');
    await submit(form.querySelector('form')!);

    expect(server.writes()).toEqual([]);
    const schema = fieldIn(form, 'Input schema');
    expect(schema.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(schema)).toMatch(/^This is not valid JSON: /);
    expect(errorOf(fieldIn(form, 'Headers'))).toBe('Line 2: write a header as Name: value.');
    expect(errorOf(fieldIn(form, 'Timeout (seconds)'))).toBe('The timeout is from 0.5 to 30 seconds.');
  });

  it('edits an action with a PATCH of only what changed, removing a secret with null', async () => {
    const server = await mount();
    await click(buttonIn(item('lookup_order'), 'Edit'));
    const form = item('lookup_order').querySelector('form')!;
    // Filled with the action, its secrets by name only.
    expect(fieldIn<HTMLTextAreaElement>(form, 'Headers').value).toBe('Authorization: Bearer {{secrets.SHOP_KEY}}');
    expect(fieldIn<HTMLTextAreaElement>(form, 'Response fields').value).toBe('status\nshipment.carrier');
    expect(fieldIn<HTMLInputElement>(form, 'Timeout (seconds)').value).toBe('10');
    expect(form.querySelector('li[aria-label="SHOP_KEY"]')!.querySelector('input')).toBeNull();

    await type(fieldIn(form, 'Description for the bot'), 'Looks up an order by its number.');
    await click(buttonIn(form.querySelector('li[aria-label="SHOP_USER"]')!, 'Remove'));
    expect(form.querySelector('li[aria-label="SHOP_USER"]')!.textContent).toContain('Removed when saved');
    await submit(form);

    expect(server.writes()).toEqual([
      {
        method: 'PATCH',
        path: `/api/bot/actions/${ORDER}`,
        body: { description: 'Looks up an order by its number.', secrets: { SHOP_USER: null } },
      },
    ]);
    expect(item('lookup_order').querySelector('form')).toBeNull();
    expect(item('lookup_order').textContent).toContain('Secrets: SHOP_KEY');
    expect(item('lookup_order').textContent).not.toContain('SHOP_USER');
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Saved the action “lookup_order”.');
  });

  it('replaces a secret’s value, and sends nothing when nothing changed', async () => {
    const server = await mount();
    await click(buttonIn(item('lookup_order'), 'Edit'));
    let form = item('lookup_order').querySelector('form')!;
    await submit(form);
    expect(server.writes()).toEqual([]);

    await click(buttonIn(item('lookup_order'), 'Edit'));
    form = item('lookup_order').querySelector('form')!;
    await click(buttonIn(form.querySelector('li[aria-label="SHOP_KEY"]')!, 'Replace'));
    const value = fieldIn<HTMLInputElement>(form, 'New value of SHOP_KEY');
    expect(value.type).toBe('password');
    expect(value.value).toBe('');
    await type(value, 'new-key');
    await submit(form);
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/bot/actions/${ORDER}`, body: { secrets: { SHOP_KEY: 'new-key' } } }]);
  });

  it('enables and disables an action', async () => {
    const server = await mount();
    await click(buttonIn(item('refund_order'), 'Enable'));
    expect(server.writes()).toEqual([{ method: 'PATCH', path: `/api/bot/actions/${REFUND}`, body: { enabled: true } }]);
    expect(item('refund_order').textContent).toContain('Enabled');
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Enabled the action “refund_order”.');
  });

  it('deletes an action only after confirming', async () => {
    const server = await mount();
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await click(buttonIn(item('refund_order'), 'Delete'));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('Delete the action “refund_order”?'));
    expect(server.writes()).toEqual([]);

    confirm.mockReturnValue(true);
    await click(buttonIn(item('refund_order'), 'Delete'));
    expect(server.writes()).toEqual([{ method: 'DELETE', path: `/api/bot/actions/${REFUND}`, body: undefined }]);
    expect(item('refund_order')).toBeNull();
    expect(container().querySelector('[role="status"]')!.textContent).toBe('Deleted the action “refund_order”.');
  });
});
