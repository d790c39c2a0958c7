import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { verifyWebhook } from '@parley/client/server';
import { webhookDeliveries, webhookEvents, webhookSubscriptions } from '@parley/db';
import type { Ack, Message, MessageSent, WebhookDelivery, WebhookEvent, WebhookSubscription, WebhookWithSecret } from '@parley/protocol';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendMessage } from '../src/conversations/append-message.js';
import { loopbackServer } from './helpers/loopback-server.js';
import {
  apiRequest,
  collect,
  connectAgent,
  connectVisitor,
  createTenantWithAdmin,
  jsonOf,
  nextEvent,
  ok,
  request,
  startSecondApp,
  useTestServer,
  waitUntil,
} from './helpers/server.js';

// Webhooks against a receiver this test runs on loopback, which the server is allowed to reach (PARLEY_OUTBOUND_ALLOW);
// retries wait milliseconds, not minutes. The poller is off: `deliver()` runs the dispatcher by hand, for this file's
// organizations only (suites share Postgres).
const server = useTestServer({
  PARLEY_OUTBOUND_ALLOW: 'loopback',
  PARLEY_WEBHOOK_RETRY_BASE_MS: '10',
  PARLEY_WEBHOOK_MAX_ATTEMPTS: '3',
  PARLEY_WEBHOOK_PAUSE_AFTER_FAILURES: '6',
});

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** The receiver: records every request, answers with the next status of `answers` (204 when there is none). */
const received: Received[] = [];
const answers: { status: number; headers?: Record<string, string> }[] = [];
/** Requests to `/hang`, unanswered until the test calls `answer`. */
const hanging: { body: string; answer: () => void }[] = [];
/** While true, the receiver answers 200 with 200 KiB of HTML, more than Parley reads of an answer. */
let largeAnswers = false;
const receiver = loopbackServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.url === '/hang') {
      // A receiver that doesn't answer until the test lets it: its requests hold their sender's slots.
      hanging.push({ body: Buffer.concat(chunks).toString('utf8'), answer: () => res.writeHead(204).end() });
      return;
    }
    if (largeAnswers) {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: 200 });
      res.writeHead(200, { 'content-type': 'text/html' }).end('x'.repeat(200 * 1024));
      return;
    }
    const answer = answers.shift() ?? { status: 204 };
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status: answer.status });
    res.writeHead(answer.status, answer.headers).end(answer.status >= 400 ? 'receiver is down' : undefined);
  });
});

const organizations: string[] = [];
const sockets: Socket[] = [];
beforeAll(() => receiver.listen());
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
  received.length = 0;
  answers.length = 0;
});
afterAll(() => receiver.close());

async function tenant() {
  const created = await createTenantWithAdmin(server);
  organizations.push(created.organization.id);
  return created;
}

/** Runs the dispatcher until `done` holds: retries wait a few milliseconds, so it polls again until they are due. */
async function deliver(done: () => boolean | Promise<boolean>, what: string, app = server.app) {
  await waitUntil(async () => {
    await app.webhooks.runDue({ organizationIds: organizations });
    return done();
  }, what);
}

async function subscribe(admin: string, types: string[], url = `${receiver.origin}/hooks`): Promise<WebhookWithSecret> {
  const response = await apiRequest(server, '/api/webhooks', admin, 'POST', { url, events: types, description: 'CRM sync' });
  expect(response.status).toBe(201);
  return jsonOf(response);
}

async function visitorSays(widgetKey: string, body: string, visitor?: Socket): Promise<{ visitor: Socket; conversationId: string }> {
  const socket = visitor ?? (await connectVisitor(server, { widgetKey }));
  if (!visitor) sockets.push(socket);
  const sent = ok(await request<Ack<MessageSent>>(socket, 'message:send', { clientId: randomUUID(), body }));
  return { visitor: socket, conversationId: sent.conversationId };
}

/** True once the subscription has deliveries and none is pending (or, with `except: 'pending'`, none failed either). */
async function allDelivered(webhookId: string, only: 'pending' | 'all' = 'all'): Promise<boolean> {
  const rows = await server.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, webhookId));
  return rows.length > 0 && rows.every((row) => row.status !== 'pending' && (only === 'pending' || row.status === 'delivered'));
}

function events(): WebhookEvent[] {
  return received.filter((entry) => entry.status < 300).map((entry) => JSON.parse(entry.body) as WebhookEvent);
}

/** The visitors' messages received, in order (the system lines a queued conversation gets in between left out). */
function visitorBodies(): string[] {
  return events()
    .filter((event) => event.type === 'message.created' && (event.data.message as Message).author.kind === 'visitor')
    .map((event) => (event.data.message as Message).body);
}

async function deliveriesOf(
  admin: string,
  webhookId: string,
  query = '',
): Promise<{ deliveries: WebhookDelivery[]; nextCursor: string | null }> {
  const response = await apiRequest(server, `/api/webhooks/${webhookId}/deliveries${query}`, admin);
  expect(response.status).toBe(200);
  return jsonOf(response);
}

describe('webhook subscriptions', () => {
  it('are made by admins, with a secret shown once and stored sealed', async () => {
    const shop = await tenant();
    const { webhook, secret } = await subscribe(shop.adminToken, ['message.created', 'message.created', 'conversation.created']);
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(webhook).toMatchObject({ url: `${receiver.origin}/hooks`, description: 'CRM sync', status: 'active', consecutiveFailures: 0 });
    expect(webhook.events).toEqual(['message.created', 'conversation.created']);

    const list = await jsonOf(await apiRequest(server, '/api/webhooks', shop.adminToken));
    expect(list.webhooks).toEqual([webhook]);
    expect(JSON.stringify(list)).not.toContain(secret);
    const [row] = await server.db.db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, webhook.id));
    expect(row!.secret).not.toContain(secret.slice(6));
  });

  it('refuse agents, strangers, other organizations and bad input, and change nothing then', async () => {
    const shop = await tenant();
    const other = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);

    const agent = await apiRequest(server, '/api/webhooks', shop.agentToken, 'POST', {
      url: 'https://hooks.example/x',
      events: ['message.created'],
    });
    expect(agent.status).toBe(403);
    expect((await jsonOf(agent)).error.code).toBe('forbidden');
    const anonymous = await fetch(`${server.url}/api/webhooks`);
    expect(anonymous.status).toBe(401);
    for (const [path, method, body] of [
      [`/api/webhooks/${webhook.id}`, 'PATCH', { status: 'paused' }],
      [`/api/webhooks/${webhook.id}`, 'DELETE', undefined],
      [`/api/webhooks/${webhook.id}/rotate-secret`, 'POST', {}],
      [`/api/webhooks/${webhook.id}/deliveries`, 'GET', undefined],
      [`/api/webhooks/${webhook.id}/deliveries/${randomUUID()}/replay`, 'POST', undefined],
    ] as const) {
      const response = await apiRequest(server, path, other.adminToken, method, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await jsonOf(response)).error.code).toBe('not_found');
    }

    for (const [body, path] of [
      [{ url: 'ftp://hooks.example/x', events: ['message.created'] }, 'body.url'],
      [{ url: 'https://user:pw@hooks.example/x', events: ['message.created'] }, 'body.url'],
      [{ url: 'https://hooks.example/x', events: [] }, 'body.events'],
      [{ url: 'https://hooks.example/x', events: ['message.deleted'] }, 'body.events.0'],
    ] as const) {
      const response = await apiRequest(server, '/api/webhooks', shop.adminToken, 'POST', body);
      expect(response.status).toBe(400);
      const { error } = await jsonOf(response);
      expect(error.code).toBe('invalid_payload');
      expect(error.issues.map((issue: { path: string }) => issue.path)).toContain(path);
    }
    const list = await jsonOf(await apiRequest(server, '/api/webhooks', shop.adminToken));
    expect(list.webhooks).toEqual([webhook]);
  });
});

describe('webhook deliveries', () => {
  it('are signed, and report a conversation, its messages and its changes in order', async () => {
    const shop = await tenant();
    const { webhook, secret } = await subscribe(shop.adminToken, [
      'conversation.created',
      'conversation.queued',
      'message.created',
      'conversation.assigned',
      'conversation.resolved',
      'conversation.reopened',
      'contact.updated',
      'rating.submitted',
    ]);
    const { visitor, conversationId } = await visitorSays(shop.widget.publicKey, 'Where is my parcel?');
    const take = await apiRequest(server, `/api/conversations/${conversationId}`, shop.agentToken, 'PATCH', { assignToMe: true });
    expect(take.status).toBe(200);
    const reply = await apiRequest(server, `/api/conversations/${conversationId}/messages`, shop.agentToken, 'POST', {
      clientId: randomUUID(),
      body: 'On its way!',
    });
    expect(reply.status).toBe(200);
    const resolve = await apiRequest(server, `/api/conversations/${conversationId}`, shop.agentToken, 'PATCH', { status: 'resolved' });
    expect(resolve.status).toBe(200);
    const { lastSeq: resolvedSeq } = await jsonOf(resolve);
    ok(await request(visitor, 'rating:submit', { resolvedSeq, rating: 5, comment: 'Quick' }));
    await visitorSays(shop.widget.publicKey, 'One more thing', visitor);
    ok(await request(visitor, 'contact:identify', { name: 'Ada Lovelace' }));

    await deliver(() => allDelivered(webhook.id), 'every event');
    const conversationEvents = events().filter((event) => event.type !== 'contact.updated');
    expect(conversationEvents.filter((event) => event.type !== 'message.created').map((event) => event.type)).toEqual([
      'conversation.created',
      'conversation.queued',
      'conversation.assigned',
      'conversation.resolved',
      'rating.submitted',
      'conversation.reopened',
      'conversation.queued',
    ]);
    expect(conversationEvents.find((event) => event.type === 'rating.submitted')!.data).toMatchObject({
      conversationId,
      rating: 5,
      comment: 'Quick',
      agentId: shop.user.id,
      resolvedSeq,
    });
    const messages = conversationEvents.filter((event) => event.type === 'message.created').map((event) => event.data.message as Message);
    expect(messages.filter((message) => message.author.kind !== 'system').map((message) => message.body)).toEqual([
      'Where is my parcel?',
      'On its way!',
      'One more thing',
    ]);
    const seqs = messages.map((message) => message.seq);
    expect(seqs).toEqual(seqs.toSorted((a, b) => a - b));
    const contact = events().find((event) => event.type === 'contact.updated')!;
    expect(contact.data).toMatchObject({ contact: { name: 'Ada Lovelace' }, changed: ['name'] });
    expect(conversationEvents.find((event) => event.type === 'conversation.assigned')!.data).toMatchObject({
      conversation: { id: conversationId, status: 'agent', assigneeId: shop.user.id },
      change: { type: 'assigned', actor: { kind: 'agent', id: shop.user.id } },
    });

    for (const entry of received) {
      const event = await verifyWebhook({ body: entry.body, signature: entry.headers['parley-signature'] as string, secret });
      expect(event.organizationId).toBe(shop.organization.id);
      expect(entry.headers['content-type']).toBe('application/json');
      expect(entry.headers['parley-event']).toBe(event.type);
      expect(entry.headers['parley-event-id']).toBe(event.id);
      expect(entry.headers['parley-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    }
    await expect(
      verifyWebhook({ body: received[0]!.body, signature: received[0]!.headers['parley-signature'] as string, secret: 'whsec_wrong' }),
    ).rejects.toThrow();

    const { deliveries } = await deliveriesOf(shop.adminToken, webhook.id);
    expect(deliveries).toHaveLength(received.length);
    expect(
      deliveries.every((delivery) => delivery.status === 'delivered' && delivery.responseStatus === 204 && delivery.attempts === 1),
    ).toBe(true);
    expect(deliveries.every((delivery) => typeof delivery.latencyMs === 'number')).toBe(true);
    // Each shows exactly the body that was sent (the contact's stream went out beside the conversation's).
    expect(deliveries.map((delivery) => delivery.requestBody).toSorted()).toEqual(received.map((entry) => entry.body).toSorted());
  });

  it('are retried while the receiver fails, in order, then given up; an admin replays one', async () => {
    const shop = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);
    answers.push({ status: 500 }, { status: 503 });
    const { visitor } = await visitorSays(shop.widget.publicKey, 'first');
    await visitorSays(shop.widget.publicKey, 'second', visitor);

    await deliver(() => allDelivered(webhook.id), 'both messages, after two failures');
    expect(visitorBodies()).toEqual(['first', 'second']);
    // The first message was tried three times (500, 503, then 204) before anything after it was sent.
    expect(received.slice(0, 3).map((entry) => entry.status)).toEqual([500, 503, 204]);
    expect(new Set(received.slice(0, 3).map((entry) => entry.headers['parley-delivery'])).size).toBe(1);
    expect(received.slice(3).every((entry) => entry.status === 204)).toBe(true);
    const firstDelivery = async () =>
      (await deliveriesOf(shop.adminToken, webhook.id)).deliveries.find((delivery) => delivery.requestBody.includes('"body":"first"'))!;
    expect(await firstDelivery()).toMatchObject({ status: 'delivered', attempts: 3, responseStatus: 204, error: null });

    // Failing every attempt (PARLEY_WEBHOOK_MAX_ATTEMPTS is 3): the delivery is marked failed, the next one goes out.
    received.length = 0;
    answers.push({ status: 500 }, { status: 500 }, { status: 500 });
    await visitorSays(shop.widget.publicKey, 'third', visitor);
    await visitorSays(shop.widget.publicKey, 'fourth', visitor);
    await deliver(() => visitorBodies().includes('fourth'), 'the fourth message, after the third failed');
    expect(received.slice(0, 4).map((entry) => entry.status)).toEqual([500, 500, 500, 204]);
    expect(visitorBodies()).toEqual(['fourth']);
    const { deliveries: failures } = await deliveriesOf(shop.adminToken, webhook.id, '?status=failed');
    expect(failures).toHaveLength(1);
    const [failed] = failures;
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 3,
      responseStatus: 500,
      responseBody: 'receiver is down',
      nextAttemptAt: null,
    });
    expect(failed!.error).toContain('500');
    expect(failed!.requestBody).toContain('"body":"third"');

    received.length = 0;
    const replay = await apiRequest(server, `/api/webhooks/${webhook.id}/deliveries/${failed!.id}/replay`, shop.adminToken, 'POST');
    expect(replay.status).toBe(201);
    const replayed: WebhookDelivery = await jsonOf(replay);
    expect(replayed).toMatchObject({ status: 'pending', replayOf: failed!.id, eventId: failed!.eventId, attempts: 0 });
    await deliver(() => events().length === 1, 'the replay');
    expect(visitorBodies()).toEqual(['third']);
    expect(events()[0]!.id).toBe(failed!.eventId);
    expect(received[0]!.headers['parley-delivery']).toBe(replayed.id);

    // Pages, newest first: the cursor leads to the rest, and to nothing after the last.
    const total = (await deliveriesOf(shop.adminToken, webhook.id, '?limit=100')).deliveries.length;
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await deliveriesOf(shop.adminToken, webhook.id, `?limit=2${cursor ? `&before=${cursor}` : ''}`);
      expect(page.deliveries.length).toBeLessThanOrEqual(2);
      seen.push(...page.deliveries.map((delivery) => delivery.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen[0]).toBe(replayed.id);
  });

  it('pause a subscription that keeps failing, tell its admins, and go on in order once resumed', async () => {
    const shop = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);
    const admin = await connectAgent(server, shop.adminToken);
    const agent = await connectAgent(server, shop.agentToken);
    sockets.push(admin, agent);
    const agentHeard = collect(agent, 'webhook:paused');
    const paused = nextEvent<WebhookSubscription>(admin, 'webhook:paused');
    answers.push(...Array.from({ length: 6 }, () => ({ status: 500 })));
    const { visitor } = await visitorSays(shop.widget.publicKey, 'one');
    await visitorSays(shop.widget.publicKey, 'two', visitor);
    await visitorSays(shop.widget.publicKey, 'three', visitor);
    await waitUntil(async () => {
      await server.app.webhooks.runDue({ organizationIds: organizations });
      return received.length >= 6;
    }, 'six failed attempts');

    const told = await paused;
    expect(told).toMatchObject({ id: webhook.id, status: 'paused', consecutiveFailures: 6 });
    expect(told.pausedReason).toContain('6 failed attempts in a row');
    // A round trip on the agent's socket: anything emitted to it with the admins' alert has arrived by now.
    ok(await request(agent, 'presence:set', { status: 'online' }));
    expect(agentHeard).toEqual([]);
    // Two deliveries failed three times each; the rest wait, unsent, while the subscription is paused.
    await server.app.webhooks.runDue({ organizationIds: organizations });
    expect(received).toHaveLength(6);
    expect(received.every((entry) => entry.status === 500)).toBe(true);
    const listed = await jsonOf(await apiRequest(server, '/api/webhooks', shop.adminToken));
    expect(listed.webhooks[0]).toMatchObject({ status: 'paused', pausedReason: told.pausedReason });

    const resumed = await apiRequest(server, `/api/webhooks/${webhook.id}`, shop.adminToken, 'PATCH', { status: 'active' });
    expect(await jsonOf(resumed)).toMatchObject({ status: 'active', pausedReason: null, consecutiveFailures: 0 });
    await deliver(() => allDelivered(webhook.id, 'pending'), 'the waiting deliveries');
    expect(visitorBodies()).toEqual(['two', 'three']);
  });

  it('send nothing for a change that rolled back', async () => {
    const shop = await tenant();
    await subscribe(shop.adminToken, ['message.created']);
    const { conversationId } = await visitorSays(shop.widget.publicKey, 'kept');
    const before = await server.db.db.select().from(webhookEvents).where(eq(webhookEvents.organizationId, shop.organization.id));
    await expect(
      server.db.db.transaction(async (tx) => {
        await appendMessage(tx, {
          conversation: sql`c.id = ${conversationId}`,
          message: { clientId: randomUUID(), authorKind: 'visitor', authorId: null, body: 'rolled back' },
        });
        throw new Error('the change fails after its message was written');
      }),
    ).rejects.toThrow('the change fails');
    const after = await server.db.db.select().from(webhookEvents).where(eq(webhookEvents.organizationId, shop.organization.id));
    expect(after).toHaveLength(before.length);
    await deliver(() => visitorBodies().length === 1, 'the kept message');
    await server.app.webhooks.runDue({ organizationIds: organizations });
    expect(visitorBodies()).toEqual(['kept']);
    expect(received.some((entry) => entry.body.includes('rolled back'))).toBe(false);
  });

  it('reach no private, link-local or metadata address, and follow no redirect', async () => {
    const shop = await tenant();
    const metadata = await subscribe(shop.adminToken, ['message.created'], 'http://169.254.169.254/latest/meta-data/');
    const privateNetwork = await subscribe(shop.adminToken, ['message.created'], 'http://10.1.2.3/hooks');
    const redirected = await subscribe(shop.adminToken, ['message.created'], `${receiver.origin}/moved`);
    answers.push(...Array.from({ length: 20 }, () => ({ status: 302, headers: { location: 'http://169.254.169.254/' } })));
    await visitorSays(shop.widget.publicKey, 'hello');
    const failedAll = async () => {
      const rows = await server.db.db
        .select()
        .from(webhookDeliveries)
        .where(inArray(webhookDeliveries.subscriptionId, [metadata.webhook.id, privateNetwork.webhook.id, redirected.webhook.id]));
      return rows.length > 0 && rows.every((row) => row.status === 'failed');
    };
    await deliver(failedAll, 'all three given up');
    const [toMetadata] = (await deliveriesOf(shop.adminToken, metadata.webhook.id)).deliveries;
    expect(toMetadata!.error).toContain('169.254.169.254');
    expect(toMetadata!.responseStatus).toBeNull();
    const [toPrivate] = (await deliveriesOf(shop.adminToken, privateNetwork.webhook.id)).deliveries;
    expect(toPrivate!.error).toContain('10.1.2.3');
    const [toRedirect] = (await deliveriesOf(shop.adminToken, redirected.webhook.id)).deliveries;
    expect(toRedirect!.error).toContain('redirect');
    // Only the redirecting receiver was reached, three times per delivery; the redirect was never followed.
    const redirectedDeliveries = (await deliveriesOf(shop.adminToken, redirected.webhook.id)).deliveries;
    expect(received).toHaveLength(redirectedDeliveries.length * 3);
    expect(received.every((entry) => entry.status === 302)).toBe(true);
  });

  it('sign with both secrets during a rotation, then with the new one alone', async () => {
    const shop = await tenant();
    const { webhook, secret: oldSecret } = await subscribe(shop.adminToken, ['message.created']);
    const rotated = await apiRequest(server, `/api/webhooks/${webhook.id}/rotate-secret`, shop.adminToken, 'POST', { overlapHours: 1 });
    const { webhook: afterRotation, secret: newSecret } = (await jsonOf(rotated)) as WebhookWithSecret;
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(afterRotation.previousSecretExpiresAt!)).toBeGreaterThan(Date.now() + 59 * 60_000);
    const { visitor } = await visitorSays(shop.widget.publicKey, 'during the overlap');
    await deliver(() => allDelivered(webhook.id), 'the first message');
    const signature = received[0]!.headers['parley-signature'] as string;
    expect(signature.match(/v1=/g)).toHaveLength(2);
    await verifyWebhook({ body: received[0]!.body, signature, secret: oldSecret });
    await verifyWebhook({ body: received[0]!.body, signature, secret: newSecret });

    const again = await apiRequest(server, `/api/webhooks/${webhook.id}/rotate-secret`, shop.adminToken, 'POST', { overlapHours: 0 });
    const { secret: latest } = (await jsonOf(again)) as WebhookWithSecret;
    await visitorSays(shop.widget.publicKey, 'after it', visitor);
    await deliver(() => visitorBodies().includes('after it'), 'the second message');
    const last = received.at(-1)!;
    await verifyWebhook({ body: last.body, signature: last.headers['parley-signature'] as string, secret: latest });
    await expect(
      verifyWebhook({ body: last.body, signature: last.headers['parley-signature'] as string, secret: newSecret }),
    ).rejects.toThrow();
  });

  it('are sent again after a process died holding one, once its claim lapsed', async () => {
    const shop = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);
    await visitorSays(shop.widget.publicKey, 'held by a dead process');
    // As a process that claimed the deliveries and died would leave them: leased to it, counted as an attempt.
    const dead = randomUUID();
    await server.db.db
      .update(webhookDeliveries)
      .set({ lockedBy: dead, lockedUntil: sql`now() + interval '1 hour'`, attempts: 1 })
      .where(eq(webhookDeliveries.subscriptionId, webhook.id));
    await server.app.webhooks.runDue({ organizationIds: organizations });
    expect(received).toEqual([]);
    await server.db.db
      .update(webhookDeliveries)
      .set({ lockedUntil: sql`now() - interval '1 second'` })
      .where(eq(webhookDeliveries.subscriptionId, webhook.id));
    await deliver(() => allDelivered(webhook.id), 'the deliveries, taken over');
    expect(visitorBodies()).toEqual(['held by a dead process']);
    const rows = await server.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, webhook.id));
    expect(rows.every((row) => row.attempts === 2 && row.lockedBy === null)).toBe(true);
  });

  it('count a 2xx with a large answer as delivered, and say when the secret can no longer be read', async () => {
    const shop = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);
    largeAnswers = true;
    try {
      await visitorSays(shop.widget.publicKey, 'big answer');
      await deliver(() => allDelivered(webhook.id), 'the delivery, answered with 200 KiB');
    } finally {
      largeAnswers = false;
    }
    const [bigAnswer] = (await deliveriesOf(shop.adminToken, webhook.id)).deliveries.filter((delivery) =>
      delivery.requestBody.includes('big answer'),
    );
    expect(bigAnswer).toMatchObject({ status: 'delivered', attempts: 1, responseStatus: 200, error: null });

    // Sealed under another PARLEY_SECRET, as after changing it: the delivery fails saying so, and nothing is sent.
    received.length = 0;
    await server.db.db
      .update(webhookSubscriptions)
      .set({ secret: 'v1.c2VhbGVkLXVuZGVyLWFub3RoZXIta2V5LWxvbmctZW5vdWdoLXRvLXBhcnNl' })
      .where(eq(webhookSubscriptions.id, webhook.id));
    await visitorSays(shop.widget.publicKey, 'unsigned');
    // Failed at the first attempt: no retry can succeed until an admin acts.
    const failedVisitorMessage = async () =>
      (await deliveriesOf(shop.adminToken, webhook.id, '?status=failed')).deliveries.find((delivery) =>
        delivery.requestBody.includes('unsigned'),
      );
    await deliver(async () => (await failedVisitorMessage()) !== undefined, 'the failed delivery');
    const unsigned = await failedVisitorMessage();
    expect(unsigned).toMatchObject({ attempts: 1, error: expect.stringContaining('signing secret cannot be read') });
    expect(received).toEqual([]);
    // Rotating drops the unreadable secret rather than keeping it for an overlap; a replay then goes out.
    const rotated = (await jsonOf(
      await apiRequest(server, `/api/webhooks/${webhook.id}/rotate-secret`, shop.adminToken, 'POST', { overlapHours: 24 }),
    )) as WebhookWithSecret;
    expect(rotated.webhook.previousSecretExpiresAt).toBeNull();
    await apiRequest(server, `/api/webhooks/${webhook.id}/deliveries/${unsigned!.id}/replay`, shop.adminToken, 'POST');
    await deliver(() => visitorBodies().includes('unsigned'), 'the replay');
    const last = received.at(-1)!;
    await verifyWebhook({ body: last.body, signature: last.headers['parley-signature'] as string, secret: rotated.secret });
  });

  it("of other subscriptions go out while one receiver hangs, which holds only a few of the sender's slots", async () => {
    const slow = await tenant();
    const fast = await tenant();
    const { webhook: hung } = await subscribe(slow.adminToken, ['message.created'], `${receiver.origin}/hang`);
    await subscribe(fast.adminToken, ['message.created']);
    // Six conversations of the slow receiver's organization: six deliveries due at once.
    for (let index = 0; index < 6; index++) await visitorSays(slow.widget.publicKey, `slow ${index}`);
    await visitorSays(fast.widget.publicKey, 'fast');
    const running = server.app.webhooks.runDue({ organizationIds: organizations });
    try {
      await waitUntil(async () => visitorBodies().includes('fast'), 'the other subscription, while one receiver hangs');
      // Four at a time for one subscription (of its twelve deliveries due, the messages and their queue notices).
      await waitUntil(async () => hanging.length >= 4, 'four requests to the hanging receiver');
      await new Promise((done) => setTimeout(done, 200));
      expect(hanging.length).toBe(4);
    } finally {
      // Answered as they come, until every delivery of the hung receiver went out.
      while (!(await allDelivered(hung.id))) {
        for (const held of hanging.splice(0)) held.answer();
        await new Promise((done) => setTimeout(done, 10));
      }
      await running;
    }
  });

  it('go out once each, in order per conversation, with two processes sending', async () => {
    const shop = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);
    const second = await startSecondApp(server);
    try {
      const conversations = await Promise.all(
        ['a', 'b', 'c'].map(async (name) => {
          const { visitor } = await visitorSays(shop.widget.publicKey, `${name}1`);
          for (let index = 2; index <= 5; index++) await visitorSays(shop.widget.publicKey, `${name}${index}`, visitor);
          return name;
        }),
      );
      // Both processes poll at once, as their pollers would.
      await waitUntil(async () => {
        await Promise.all([
          server.app.webhooks.runDue({ organizationIds: organizations }),
          second.app.webhooks.runDue({ organizationIds: organizations }),
        ]);
        return visitorBodies().length >= 15 && (await allDelivered(webhook.id));
      }, 'fifteen messages');
      await Promise.all([
        server.app.webhooks.runDue({ organizationIds: organizations }),
        second.app.webhooks.runDue({ organizationIds: organizations }),
      ]);
      const deliveryIds = received.map((entry) => entry.headers['parley-delivery']);
      const stored = await server.db.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, webhook.id));
      expect(deliveryIds).toHaveLength(stored.length);
      expect(new Set(deliveryIds).size).toBe(stored.length);
      const bodies = visitorBodies();
      expect(bodies).toHaveLength(15);
      for (const name of conversations) {
        expect(bodies.filter((body) => body.startsWith(name))).toEqual([1, 2, 3, 4, 5].map((index) => `${name}${index}`));
      }
    } finally {
      await second.close();
    }
  });
});

describe('the dispatcher of a running server', () => {
  it('sends as soon as the change commits, woken by the database, without waiting for its poll', async () => {
    const shop = await tenant();
    const { webhook } = await subscribe(shop.adminToken, ['message.created']);
    // Another process on the same database, sending as in production, but polling only once a minute: a delivery
    // that arrives within seconds was sent because the commit notified it.
    const second = await startSecondApp(server);
    try {
      await second.app.webhooks.start(60_000);
      await visitorSays(shop.widget.publicKey, 'wake up');
      await waitUntil(async () => visitorBodies().includes('wake up'), 'the delivery, without a poll', 5_000);
      await waitUntil(() => allDelivered(webhook.id), 'every delivery sent', 5_000);
    } finally {
      await second.close();
    }
  });
});
