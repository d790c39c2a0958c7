// @vitest-environment happy-dom
import {
  WEBHOOK_DESCRIPTION_MAX_LENGTH,
  WEBHOOK_EVENT_TYPES,
  WEBHOOK_SECRET_OVERLAP_MAX_HOURS,
  WEBHOOK_URL_MAX_LENGTH,
  type WebhookDelivery,
  type WebhookSubscription,
} from '@parley/protocol';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { settle } from '../__fixtures__/render.js';
import {
  buttonIn,
  checkbox,
  click,
  fakeFetch,
  fieldIn,
  freshContainerEachTest,
  json,
  otherSectionList,
  submit,
  tick,
  type,
} from '../__fixtures__/settings-page.js';
import { createApi } from '../api.js';
import {
  DESCRIPTION_MAX_LENGTH,
  eventTypes,
  OVERLAP_MAX_HOURS,
  URL_MAX_LENGTH,
  webhookEventLabels,
  WebhooksPage,
} from './webhooks-page.js';

const container = freshContainerEachTest();

const at = '2026-11-01T09:00:00.000Z';
const SHOP = '10000000-0000-4000-8000-000000000001';
const CRM = '10000000-0000-4000-8000-000000000002';

function subscription(id: string, url: string, overrides: Partial<WebhookSubscription> = {}): WebhookSubscription {
  return {
    id,
    url,
    description: '',
    events: ['conversation.created'],
    status: 'active',
    pausedReason: null,
    consecutiveFailures: 0,
    previousSecretExpiresAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

function delivery(n: number, overrides: Partial<WebhookDelivery> = {}): WebhookDelivery {
  return {
    id: `d-${n}`,
    eventId: `event-${n}`,
    eventType: 'conversation.created',
    status: 'delivered',
    attempts: 1,
    nextAttemptAt: null,
    lastAttemptAt: at,
    deliveredAt: at,
    responseStatus: 200,
    latencyMs: 120 + n,
    error: null,
    requestBody: `{"id":"event-${n}","type":"conversation.created"}`,
    responseBody: 'ok',
    replayOf: null,
    createdAt: new Date(Date.UTC(2026, 10, 1, 9, n)).toISOString(),
    ...overrides,
  };
}

/** A request the fake server holds until the test releases it, then answers as usual or with `answer`. */
interface Interception {
  method: string;
  path: RegExp;
  gate: Promise<void>;
  answer?: Response;
}

/** A fake server holding two subscriptions (one paused) and the shop's deliveries, answering like the real routes. */
function fakeServer() {
  const interceptions: Interception[] = [];
  let replays = 0;
  let webhooks: WebhookSubscription[] = [
    subscription(SHOP, 'https://shop.example/hooks', {
      description: 'Orders system',
      events: ['conversation.created', 'rating.submitted'],
      consecutiveFailures: 3,
    }),
    subscription(CRM, 'https://crm.example/parley', {
      status: 'paused',
      pausedReason: 'Paused after 20 failed deliveries in a row: the receiver answered HTTP 500.',
      consecutiveFailures: 20,
    }),
  ];
  // Newest first, two to a page.
  let deliveries: WebhookDelivery[] = [
    delivery(3, {
      status: 'failed',
      attempts: 8,
      responseStatus: 500,
      error: 'The receiver answered HTTP 500.',
      requestBody: '{"id":"event-3","data":{"name":"<img src=x onerror=alert(1)>"}}',
      responseBody: '<h1>Internal Server Error</h1>',
    }),
    delivery(2),
    delivery(1, { status: 'pending', responseStatus: null, latencyMs: null, responseBody: null, deliveredAt: null }),
  ];
  const { fetch, requests } = fakeFetch(async ({ method, path, body }) => {
    const interception = interceptions.findIndex((candidate) => candidate.method === method && candidate.path.test(path));
    if (interception !== -1) {
      const [{ gate, answer }] = interceptions.splice(interception, 1) as [Interception];
      await gate;
      if (answer) return answer;
    }
    const url = new URL(path, 'http://console.test');
    const [, , , id, action, deliveryId, deliveryAction] = url.pathname.split('/');
    // The page's other sections (api-tokens, bot-actions and mcp-servers tests): none.
    const other = otherSectionList(url.pathname, '/api/webhooks');
    if (other) return other;
    if (url.pathname === '/api/webhooks') {
      if (method === 'GET') return json(200, { webhooks });
      if (!/^https?:\/\//.test(body.url)) {
        return json(400, {
          error: {
            code: 'invalid_payload',
            message: 'The request is invalid.',
            issues: [{ path: 'body.url', message: 'An http:// or https:// address, such as https://hooks.example.com/parley.' }],
          },
        });
      }
      const created = subscription('10000000-0000-4000-8000-000000000003', body.url, {
        description: body.description,
        events: body.events,
      });
      webhooks = [created, ...webhooks];
      return json(201, { webhook: created, secret: 'whsec_created_once' });
    }
    const held = webhooks.find((webhook) => webhook.id === id);
    if (!held) return json(404, { error: { code: 'not_found', message: 'No such webhook.' } });
    const replace = (webhook: WebhookSubscription) => {
      webhooks = webhooks.map((candidate) => (candidate.id === webhook.id ? webhook : candidate));
      return webhook;
    };
    if (action === undefined && method === 'PATCH') {
      const resumed = body.status === 'active' ? { pausedReason: null, consecutiveFailures: 0 } : {};
      const paused = body.status === 'paused' ? { pausedReason: 'Paused by an admin.' } : {};
      return json(200, replace({ ...held, ...body, ...resumed, ...paused, updatedAt: '2026-11-02T09:00:00.000Z' }));
    }
    if (action === undefined && method === 'DELETE') {
      webhooks = webhooks.filter((webhook) => webhook.id !== id);
      return new Response(null, { status: 204 });
    }
    if (action === 'rotate-secret') {
      const rotated = replace({ ...held, previousSecretExpiresAt: '2026-11-03T09:00:00.000Z' });
      return json(200, { webhook: rotated, secret: 'whsec_rotated_once' });
    }
    if (action === 'deliveries' && deliveryAction === 'replay') {
      const original = deliveries.find((candidate) => candidate.id === deliveryId)!;
      const replayed = delivery(9, {
        id: replays++ === 0 ? 'd-replay' : `d-replay-${replays}`,
        eventId: original.eventId,
        status: 'pending',
        attempts: 0,
        responseStatus: null,
        latencyMs: null,
        responseBody: null,
        replayOf: original.id,
      });
      deliveries = [replayed, ...deliveries];
      return json(201, replayed);
    }
    if (action === 'deliveries') {
      const status = url.searchParams.get('status');
      const before = url.searchParams.get('before');
      const matching = deliveries.filter(
        (candidate) => (!status || candidate.status === status) && (!before || candidate.createdAt < before),
      );
      const page = matching.slice(0, 2);
      return json(200, { deliveries: page, nextCursor: matching.length > 2 ? page.at(-1)!.createdAt : null });
    }
    return json(404, { error: { code: 'not_found', message: 'Not found.' } });
  });
  return {
    fetch,
    requests,
    /** Holds the next `method` request to a path matching `path` until the returned function is called. */
    intercept(method: string, path: RegExp, answer?: Response) {
      let release!: () => void;
      interceptions.push({ method, path, gate: new Promise<void>((resolve) => (release = resolve)), answer });
      return release;
    },
    /** Changes a delivery as Parley's sender would (a retry, an answer). */
    updateDelivery(id: string, overrides: Partial<WebhookDelivery>) {
      deliveries = deliveries.map((candidate) => (candidate.id === id ? { ...candidate, ...overrides } : candidate));
    },
  };
}

async function mount(server = fakeServer()) {
  await act(async () => {
    render(<WebhooksPage api={createApi({ fetch: server.fetch })} isAdmin />, container());
  });
  await settle();
  return server;
}

const item = (url: string) => container().querySelector<HTMLLIElement>(`li[aria-label="${url}"]`)!;
const addForm = () => container().querySelector<HTMLElement>('section[aria-labelledby="webhook-add-title"]')!;
/** A subscription's deliveries list (open), its rows (not their details), and its status line. */
const deliveriesOf = (url: string) => item(url).querySelector<HTMLElement>(`section[aria-label="Deliveries to ${url}"]`)!;
const deliveryRows = (url: string) => [...deliveriesOf(url).querySelectorAll('tbody tr:not(.people-row-detail)')];
const statusLine = (url: string) => deliveriesOf(url).querySelector('[role="status"]')!;

/** The first five cells of a delivery's row: status, event, attempts, response, latency. */
const cells = (row: Element) => [...row.querySelectorAll('td')].slice(0, 5).map((cell) => cell.textContent);

describe('WebhooksPage', () => {
  it('words every event of the protocol, in its order, and keeps its limits', () => {
    expect(eventTypes).toEqual([...WEBHOOK_EVENT_TYPES]);
    for (const eventType of WEBHOOK_EVENT_TYPES) expect(webhookEventLabels[eventType]).toMatch(/^[A-Z]/);
    expect([URL_MAX_LENGTH, DESCRIPTION_MAX_LENGTH, OVERLAP_MAX_HOURS]).toEqual([
      WEBHOOK_URL_MAX_LENGTH,
      WEBHOOK_DESCRIPTION_MAX_LENGTH,
      WEBHOOK_SECRET_OVERLAP_MAX_HOURS,
    ]);
  });

  it('lists the subscriptions with their events, failures and status', async () => {
    await mount();
    const shop = item('https://shop.example/hooks');
    expect(shop.textContent).toContain('Orders system');
    expect(shop.textContent).toContain('Events: A conversation starts, A visitor rates a conversation');
    expect(shop.textContent).toContain('3 failed attempts in a row.');
    expect(shop.textContent).toContain('Active');
    expect(buttonIn(shop, 'Resume')).toBeUndefined();
    expect(buttonIn(shop, 'Pause')).toBeDefined();
  });

  it('adds a subscription and shows its secret once, with a Copy button', async () => {
    const server = await mount();
    const writeText = vi.fn(async (_text: string) => {});
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } });
    const form = addForm();
    await type(fieldIn<HTMLInputElement>(form, 'URL'), ' https://new.example/hook ');
    await type(fieldIn<HTMLInputElement>(form, 'Description (optional)'), 'Data warehouse');
    // Ticked out of order: sent in the protocol's.
    await tick(checkbox(form, webhookEventLabels['rating.submitted']));
    await tick(checkbox(form, webhookEventLabels['conversation.created']));
    await submit(form.querySelector('form')!);

    expect(server.requests.filter((request) => request.method === 'POST')).toEqual([
      {
        method: 'POST',
        path: '/api/webhooks',
        body: { url: 'https://new.example/hook', description: 'Data warehouse', events: ['conversation.created', 'rating.submitted'] },
      },
    ]);
    const secret = fieldIn<HTMLInputElement>(container(), 'Signing secret');
    expect(secret.value).toBe('whsec_created_once');
    expect(secret.readOnly).toBe(true);
    expect(container().textContent).toContain('it won’t be shown again');
    await click(buttonIn(container().querySelector('.invitation-link')!, 'Copy'));
    expect(writeText).toHaveBeenCalledWith('whsec_created_once');
    expect(container().querySelector('.invitation-link')!.textContent).toContain('Copied.');
    // The new subscription is listed first, and the form is empty again.
    expect(container().querySelector('li')!.getAttribute('aria-label')).toBe('https://new.example/hook');
    expect(fieldIn<HTMLInputElement>(addForm(), 'URL').value).toBe('');

    await click(buttonIn(container().querySelector('.invitation-link')!, 'Done'));
    expect(container().querySelector('.invitation-link')).toBeNull();
    expect(container().innerHTML).not.toContain('whsec_created_once');
    // Reloading the list never brings it back: the server does not send it again.
    expect(server.requests.filter((request) => request.method === 'GET' && request.path === '/api/webhooks').length).toBe(1);
    // The teams the bot actions and the MCP servers both offer as approvers are asked for once.
    expect(server.requests.filter((request) => request.method === 'GET' && request.path === '/api/teams').length).toBe(1);
  });

  it("shows the server's refusal next to the field it names, and keeps what was typed", async () => {
    const server = await mount();
    const form = addForm();
    await type(fieldIn<HTMLInputElement>(form, 'URL'), 'ftp://files.example');
    await tick(checkbox(form, webhookEventLabels['message.created']));
    await submit(form.querySelector('form')!);

    expect(server.requests.at(-1)!.method).toBe('POST');
    const url = fieldIn<HTMLInputElement>(form, 'URL');
    expect(url.value).toBe('ftp://files.example');
    expect(url.getAttribute('aria-invalid')).toBe('true');
    const error = document.getElementById(url.getAttribute('aria-describedby')!)!;
    expect(error.className).toBe('field-error');
    expect(error.textContent).toBe('An http:// or https:// address, such as https://hooks.example.com/parley.');
    // All the refusal said is on the field: no general error, and no secret.
    expect(form.querySelector('[role="alert"]')).toBeNull();
    expect(container().querySelector('.invitation-link')).toBeNull();
  });

  it('shows why a subscription is paused, and Resume sends PATCH status active', async () => {
    const server = await mount();
    const crm = item('https://crm.example/parley');
    expect(crm.textContent).toContain('Paused after 20 failed deliveries in a row: the receiver answered HTTP 500.');
    expect(crm.textContent).toContain('20 failed attempts in a row.');
    expect(buttonIn(crm, 'Pause')).toBeUndefined();

    await click(buttonIn(crm, 'Resume'));
    expect(server.requests.at(-1)).toEqual({ method: 'PATCH', path: `/api/webhooks/${CRM}`, body: { status: 'active' } });
    const resumed = item('https://crm.example/parley');
    expect(resumed.textContent).toContain('Active');
    expect(resumed.textContent).not.toContain('Paused after');
    expect(buttonIn(resumed, 'Resume')).toBeUndefined();

    await click(buttonIn(resumed, 'Pause'));
    expect(server.requests.at(-1)).toEqual({ method: 'PATCH', path: `/api/webhooks/${CRM}`, body: { status: 'paused' } });
    expect(buttonIn(item('https://crm.example/parley'), 'Resume')).toBeDefined();
  });

  it('edits a subscription, rotates its secret (shown once) and deletes it after confirming', async () => {
    const server = await mount();
    await click(buttonIn(item('https://shop.example/hooks'), 'Edit'));
    const editing = item('https://shop.example/hooks');
    expect(fieldIn<HTMLInputElement>(editing, 'URL').value).toBe('https://shop.example/hooks');
    expect(checkbox(editing, webhookEventLabels['rating.submitted']).checked).toBe(true);
    await type(fieldIn<HTMLInputElement>(editing, 'Description (optional)'), 'Orders');
    await tick(checkbox(editing, webhookEventLabels['rating.submitted']));
    await submit(editing.querySelector('form')!);
    expect(server.requests.at(-1)).toEqual({
      method: 'PATCH',
      path: `/api/webhooks/${SHOP}`,
      body: { url: 'https://shop.example/hooks', description: 'Orders', events: ['conversation.created'] },
    });
    expect(item('https://shop.example/hooks').querySelector('form')).toBeNull();
    expect(item('https://shop.example/hooks').textContent).toContain('Events: A conversation starts');

    await click(buttonIn(item('https://shop.example/hooks'), 'Rotate secret…'));
    const overlap = fieldIn<HTMLInputElement>(item('https://shop.example/hooks'), 'Old secret keeps signing for (hours)');
    expect(overlap.value).toBe('24');
    await type(overlap, '48');
    await click(buttonIn(item('https://shop.example/hooks'), 'Rotate secret'));
    expect(server.requests.at(-1)).toEqual({ method: 'POST', path: `/api/webhooks/${SHOP}/rotate-secret`, body: { overlapHours: 48 } });
    expect(fieldIn<HTMLInputElement>(container(), 'Signing secret').value).toBe('whsec_rotated_once');
    expect(container().querySelector('.invitation-link')!.textContent).toContain('The previous secret keeps signing deliveries too until');

    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    await click(buttonIn(item('https://shop.example/hooks'), 'Delete'));
    expect(confirm).toHaveBeenCalledOnce();
    expect(server.requests.some((request) => request.method === 'DELETE')).toBe(false);
    confirm.mockReturnValue(true);
    await click(buttonIn(item('https://shop.example/hooks'), 'Delete'));
    expect(server.requests.at(-1)).toEqual({ method: 'DELETE', path: `/api/webhooks/${SHOP}`, body: undefined });
    expect(container().querySelector('li[aria-label="https://shop.example/hooks"]')).toBeNull();
    // The secret of a deleted subscription is of no use: gone too.
    expect(container().querySelector('.invitation-link')).toBeNull();
    expect(container().textContent).toContain('Deleted the webhook https://shop.example/hooks.');
  });

  it('lists deliveries a page at a time, by status, shows what was sent as text, and replays one', async () => {
    const server = await mount();
    await click(buttonIn(item('https://shop.example/hooks'), 'Deliveries'));
    const shop = item('https://shop.example/hooks');
    expect(server.requests.at(-1)!.path).toBe(`/api/webhooks/${SHOP}/deliveries`);
    expect([...shop.querySelectorAll('thead th')].map((header) => header.textContent)).toEqual([
      'Status',
      'Event',
      'Attempts',
      'Response',
      'Latency',
      'Time',
      'Actions',
    ]);
    const rows = () => [...item('https://shop.example/hooks').querySelectorAll('tbody tr:not(.people-row-detail)')];
    expect(rows().map(cells)).toEqual([
      ['Failed', 'conversation.created', '8', '500', '123 ms'],
      ['Delivered', 'conversation.created', '1', '200', '122 ms'],
    ]);

    await click(buttonIn(shop, 'Load more'));
    const cursor = new Date(Date.UTC(2026, 10, 1, 9, 2)).toISOString();
    expect(server.requests.at(-1)!.path).toBe(`/api/webhooks/${SHOP}/deliveries?before=${encodeURIComponent(cursor)}`);
    expect(rows().map(cells).at(-1)).toEqual(['Pending', 'conversation.created', '1', '—', '—']);
    expect(buttonIn(item('https://shop.example/hooks'), 'Load more')).toBeUndefined();

    // The failed one's details: the body sent and the answer, as text, and why it failed.
    const details = buttonIn(rows()[0]!, 'Details')!;
    await click(details);
    expect(details.getAttribute('aria-expanded')).toBe('true');
    const detail = item('https://shop.example/hooks').querySelector('.people-row-detail')!;
    expect([...detail.querySelectorAll('pre')].map((pre) => pre.textContent)).toEqual([
      '{"id":"event-3","data":{"name":"<img src=x onerror=alert(1)>"}}',
      '<h1>Internal Server Error</h1>',
    ]);
    expect(detail.querySelector('img, h1')).toBeNull();
    expect(detail.textContent).toContain('The receiver answered HTTP 500.');

    await click(buttonIn(rows()[0]!, 'Replay'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/api/webhooks/${SHOP}/deliveries/d-3/replay` });
    expect(rows()).toHaveLength(4);
    expect(cells(rows()[0]!)).toEqual(['Pending', 'conversation.created', '0', '—', '—']);

    await type(fieldIn<HTMLSelectElement>(item('https://shop.example/hooks'), 'Status'), 'failed');
    expect(server.requests.at(-1)!.path).toBe(`/api/webhooks/${SHOP}/deliveries?status=failed`);
    expect(rows().map((row) => row.querySelector('td')!.textContent)).toEqual(['Failed']);
  });

  it('disables Replay while its request runs, so a double click replays once, and shows a refusal as text', async () => {
    const server = await mount();
    await click(buttonIn(item('https://shop.example/hooks'), 'Deliveries'));
    const release = server.intercept('POST', /\/replay$/);
    const replay = buttonIn(deliveryRows('https://shop.example/hooks')[0]!, 'Replay')!;
    // Two clicks before the page renders again: the second is refused all the same.
    await act(async () => {
      replay.click();
      replay.click();
    });
    await settle();
    const replays = () => server.requests.filter((request) => request.path.endsWith('/replay'));
    expect(replays()).toHaveLength(1);
    const busy = buttonIn(deliveryRows('https://shop.example/hooks')[0]!, 'Replaying…')!;
    expect(busy.disabled).toBe(true);
    expect(busy.getAttribute('aria-busy')).toBe('true');
    await click(busy);
    expect(replays()).toHaveLength(1);
    // Only that delivery's button is busy.
    expect(buttonIn(deliveryRows('https://shop.example/hooks')[1]!, 'Replay')!.disabled).toBe(false);

    await act(async () => release());
    await settle();
    expect(replays()).toHaveLength(1);
    expect(deliveryRows('https://shop.example/hooks').map(cells)).toEqual([
      ['Pending', 'conversation.created', '0', '—', '—'],
      ['Failed', 'conversation.created', '8', '500', '123 ms'],
      ['Delivered', 'conversation.created', '1', '200', '122 ms'],
    ]);
    const again = buttonIn(deliveryRows('https://shop.example/hooks')[1]!, 'Replay')!;
    expect(again.disabled).toBe(false);
    expect(again.hasAttribute('aria-busy')).toBe(false);

    // A refusal is shown as the page shows the others, as text, and the button can be used again.
    const refuse = server.intercept(
      'POST',
      /\/replay$/,
      json(429, { error: { code: 'rate_limited', message: 'Too many replays: <b>wait</b> a minute.' } }),
    );
    await click(again);
    expect(buttonIn(deliveryRows('https://shop.example/hooks')[1]!, 'Replaying…')!.disabled).toBe(true);
    await act(async () => refuse());
    await settle();
    const alert = deliveriesOf('https://shop.example/hooks').querySelector('[role="alert"]')!;
    expect(alert.className).toBe('form-error');
    expect(alert.textContent).toBe('Too many replays: <b>wait</b> a minute.');
    expect(alert.querySelector('b')).toBeNull();
    expect(buttonIn(deliveryRows('https://shop.example/hooks')[1]!, 'Replay')!.disabled).toBe(false);
    expect(deliveryRows('https://shop.example/hooks')).toHaveLength(3);
  });

  it('lists a replay only where the filter shows pending deliveries, and otherwise says it was queued', async () => {
    const server = await mount();
    await click(buttonIn(item('https://shop.example/hooks'), 'Deliveries'));
    await type(fieldIn<HTMLSelectElement>(item('https://shop.example/hooks'), 'Status'), 'failed');
    expect(deliveryRows('https://shop.example/hooks').map(cells)).toEqual([['Failed', 'conversation.created', '8', '500', '123 ms']]);

    await click(buttonIn(deliveryRows('https://shop.example/hooks')[0]!, 'Replay'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/api/webhooks/${SHOP}/deliveries/d-3/replay` });
    // The replay is pending: not listed under "Failed", and the status line says so.
    expect(deliveryRows('https://shop.example/hooks').map(cells)).toEqual([['Failed', 'conversation.created', '8', '500', '123 ms']]);
    expect(statusLine('https://shop.example/hooks').textContent).toBe('Replay queued: it is pending, so it is not listed under “Failed”.');
    expect(deliveriesOf('https://shop.example/hooks').querySelector('[role="alert"]')).toBeNull();

    // Under "Pending" it is listed, first, as it is after a replay there.
    await type(fieldIn<HTMLSelectElement>(item('https://shop.example/hooks'), 'Status'), 'pending');
    expect(statusLine('https://shop.example/hooks').textContent).toBe('');
    expect(deliveryRows('https://shop.example/hooks').map((row) => row.querySelector('td')!.textContent)).toEqual(['Pending', 'Pending']);
    await click(buttonIn(deliveryRows('https://shop.example/hooks')[1]!, 'Replay'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: `/api/webhooks/${SHOP}/deliveries/d-1/replay` });
    expect(deliveryRows('https://shop.example/hooks')).toHaveLength(3);
    expect(statusLine('https://shop.example/hooks').textContent).toBe('Replay queued: it is listed first.');
  });

  it('reloads the first page with the current filter on Refresh', async () => {
    const server = await mount();
    await click(buttonIn(item('https://shop.example/hooks'), 'Deliveries'));
    await click(buttonIn(deliveryRows('https://shop.example/hooks')[0]!, 'Replay'));
    expect(cells(deliveryRows('https://shop.example/hooks')[0]!)).toEqual(['Pending', 'conversation.created', '0', '—', '—']);
    await click(buttonIn(item('https://shop.example/hooks'), 'Load more'));
    expect(deliveryRows('https://shop.example/hooks')).toHaveLength(4);

    // Parley delivers the replay meanwhile.
    server.updateDelivery('d-replay', { status: 'delivered', attempts: 1, responseStatus: 204, latencyMs: 80 });
    const release = server.intercept('GET', /\/deliveries$/);
    await click(buttonIn(deliveriesOf('https://shop.example/hooks'), 'Refresh'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/webhooks/${SHOP}/deliveries` });
    // While it loads, the list stays and the button is busy.
    const refreshing = buttonIn(deliveriesOf('https://shop.example/hooks'), 'Refreshing…')!;
    expect(refreshing.disabled).toBe(true);
    expect(deliveryRows('https://shop.example/hooks')).toHaveLength(4);
    await act(async () => release());
    await settle();
    // The first page again, as the server has it now.
    expect(deliveryRows('https://shop.example/hooks').map(cells)).toEqual([
      ['Delivered', 'conversation.created', '1', '204', '80 ms'],
      ['Failed', 'conversation.created', '8', '500', '123 ms'],
    ]);
    expect(buttonIn(deliveriesOf('https://shop.example/hooks'), 'Refresh')!.disabled).toBe(false);
    expect(buttonIn(item('https://shop.example/hooks'), 'Load more')).toBeDefined();

    // With a filter, Refresh keeps it.
    await type(fieldIn<HTMLSelectElement>(item('https://shop.example/hooks'), 'Status'), 'pending');
    expect(deliveryRows('https://shop.example/hooks').map((row) => row.querySelector('td')!.textContent)).toEqual(['Pending']);
    server.updateDelivery('d-1', { status: 'failed', attempts: 8, responseStatus: 500 });
    await click(buttonIn(deliveriesOf('https://shop.example/hooks'), 'Refresh'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/webhooks/${SHOP}/deliveries?status=pending` });
    expect(deliveryRows('https://shop.example/hooks')).toHaveLength(0);
    expect(deliveriesOf('https://shop.example/hooks').textContent).toContain('No delivery with this status.');
  });

  it('reloads the open deliveries after Resume, with their filter, and not after Pause', async () => {
    const server = await mount();
    await click(buttonIn(item('https://crm.example/parley'), 'Deliveries'));
    await type(fieldIn<HTMLSelectElement>(item('https://crm.example/parley'), 'Status'), 'pending');
    expect(deliveryRows('https://crm.example/parley').map((row) => row.querySelector('td')!.textContent)).toEqual(['Pending']);

    // Resumed, Parley sends what waited.
    server.updateDelivery('d-1', { status: 'delivered', attempts: 2, responseStatus: 200, latencyMs: 90 });
    await click(buttonIn(item('https://crm.example/parley'), 'Resume'));
    expect(server.requests.slice(-2)).toEqual([
      { method: 'PATCH', path: `/api/webhooks/${CRM}`, body: { status: 'active' } },
      { method: 'GET', path: `/api/webhooks/${CRM}/deliveries?status=pending`, body: undefined },
    ]);
    expect(deliveryRows('https://crm.example/parley')).toHaveLength(0);
    expect(deliveriesOf('https://crm.example/parley').textContent).toContain('No delivery with this status.');

    const count = server.requests.length;
    await click(buttonIn(item('https://crm.example/parley'), 'Pause'));
    expect(server.requests.slice(count)).toEqual([{ method: 'PATCH', path: `/api/webhooks/${CRM}`, body: { status: 'paused' } }]);

    // Closed deliveries are not asked for on Resume; opened again, they load afresh.
    await click(buttonIn(item('https://crm.example/parley'), 'Hide deliveries'));
    await click(buttonIn(item('https://crm.example/parley'), 'Resume'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'PATCH', body: { status: 'active' } });
    await click(buttonIn(item('https://crm.example/parley'), 'Deliveries'));
    expect(server.requests.at(-1)).toMatchObject({ method: 'GET', path: `/api/webhooks/${CRM}/deliveries` });
    expect(server.requests.filter((request) => request.path.includes('/deliveries'))).toHaveLength(4);
  });

  it('shows a subscription Parley paused while the page is open', async () => {
    const server = fakeServer();
    const api = createApi({ fetch: server.fetch });
    await act(async () => render(<WebhooksPage api={api} isAdmin />, container()));
    await settle();
    const paused = subscription(SHOP, 'https://shop.example/hooks', {
      status: 'paused',
      pausedReason: 'Paused after 20 failed deliveries.',
    });
    await act(async () => render(<WebhooksPage api={api} paused={paused} isAdmin />, container()));
    await settle();
    expect(item('https://shop.example/hooks').textContent).toContain('Paused after 20 failed deliveries.');
    expect(buttonIn(item('https://shop.example/hooks'), 'Resume')).toBeDefined();
  });
});
