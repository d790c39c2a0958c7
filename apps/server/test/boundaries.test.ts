import { conversations, messages } from '@parley/db';
import type { Ack, MessageSent, MessagesPage } from '@parley/protocol';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  request,
  SHOP_ORIGIN,
  startServer,
  useTestServer,
} from './helpers/server.js';

const server = useTestServer({ PARLEY_MESSAGE_MAX_LENGTH: '50', PARLEY_RATE_LIMIT_MESSAGES: '1000' });

async function messageCount(conversationId?: string) {
  const query = server.db.db.select({ value: count() }).from(messages);
  const [row] = conversationId ? await query.where(eq(messages.conversationId, conversationId)) : await query;
  return row!.value;
}

describe('connection checks', () => {
  it('rejects an unknown widget key with a reason the SDK can show', async () => {
    const error = await connectVisitor(server, { widgetKey: 'pk_does_not_exist' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: expect.stringContaining('No widget has this key'), data: { code: 'unknown_widget' } });
  });

  it('rejects a page whose origin the widget does not allow', async () => {
    const tenant = await createTenant(server);
    const error = await connectVisitor(server, { widgetKey: tenant.widget.publicKey }, 'https://evil.example').catch((e: unknown) => e);
    expect(error).toMatchObject({ data: { code: 'origin_not_allowed' } });
    // Without an Origin header the request counts as coming from Parley's own origin, which this widget doesn't list.
    const missing = await connectVisitor(server, { widgetKey: tenant.widget.publicKey }, null).catch((e: unknown) => e);
    expect(missing).toMatchObject({ data: { code: 'origin_not_allowed', message: `This widget may not be used on ${server.url}.` } });
    const ownPages = await createTenant(server, { allowedOrigins: [server.url] });
    const sameOrigin = await connectVisitor(server, { widgetKey: ownPages.widget.publicKey }, null);
    expect(sameOrigin.connected).toBe(true);
    sameOrigin.close();
    const allowed = await connectVisitor(server, { widgetKey: tenant.widget.publicKey }, SHOP_ORIGIN);
    expect(allowed.connected).toBe(true);
    allowed.close();
  });

  it('rejects a forged or foreign session token', async () => {
    const tenant = await createTenant(server);
    const other = await createTenant(server);
    const forged = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, sessionToken: 'not-a-token' }).catch(
      (e: unknown) => e,
    );
    expect(forged).toMatchObject({ data: { code: 'unauthorized' } });

    const foreignVisitor = await connectVisitor(server, { widgetKey: other.widget.publicKey });
    const session = await request<Ack<{ sessionToken: string }>>(foreignVisitor, 'session:get');
    foreignVisitor.close();
    if (!session.ok) throw new Error('session:get failed');
    const crossed = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, sessionToken: session.data.sessionToken }).catch(
      (e: unknown) => e,
    );
    expect(crossed).toMatchObject({ data: { code: 'unauthorized' } });
  });

  it('rejects agent sockets and REST calls without a valid token', async () => {
    await expect(connectAgent(server, undefined)).rejects.toMatchObject({ data: { code: 'unauthorized' } });
    await expect(connectAgent(server, 'forged')).rejects.toMatchObject({ data: { code: 'unauthorized' } });
    const response = await fetch(`${server.url}/api/conversations`, { headers: { authorization: 'Bearer forged' } });
    expect(response.status).toBe(401);
    expect(await jsonOf(response)).toEqual({ error: { code: 'unauthorized', message: 'The session is invalid or has expired.' } });
  });

  it('refuses a wrong password without saying whether the e-mail exists', async () => {
    const tenant = await createTenant(server);
    for (const email of [tenant.email, 'nobody@shop.example']) {
      const response = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'wrong' }),
      });
      expect(response.status).toBe(401);
      expect(await jsonOf(response)).toEqual({ error: { code: 'unauthorized', message: 'Wrong e-mail or password.' } });
    }
  });
});

describe('bad input gets a typed error and stores nothing', () => {
  it.each([
    ['no payload', undefined],
    ['a string payload', 'hello'],
    ['a missing body', { clientId: 'c' }],
    ['a whitespace-only body', { clientId: 'c', body: ' \n\t ' }],
    ['a non-string body', { clientId: 'c', body: 42 }],
    ['a clientId with spaces', { clientId: 'has space', body: 'hi' }],
    ['a too-long clientId', { clientId: 'x'.repeat(65), body: 'hi' }],
    ['a NUL character', { clientId: 'c', body: 'a\u0000b' }],
    ['an unpaired surrogate', { clientId: 'c', body: 'a\ud800b' }],
  ])('answers %s with invalid_payload', async (_name, payload) => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const before = await messageCount();
    const ack = await request<Ack<MessageSent>>(visitor, 'message:send', payload);
    expect(ack).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await messageCount()).toBe(before);
    visitor.close();
  });

  it('answers a body over the configured limit with message_too_long', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const before = await messageCount();
    const ack = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'long', body: 'x'.repeat(51) });
    expect(ack).toMatchObject({ ok: false, error: { code: 'message_too_long', message: 'Messages can be at most 50 characters long.' } });
    // Emoji count as one character each: 50 of them fit.
    const fits = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'emoji', body: '😀'.repeat(50) });
    expect(fits.ok).toBe(true);
    // The message, and the queue place of the conversation it started (this widget has no bot).
    expect(await messageCount()).toBe(before + 2);
    visitor.close();
  });

  it('answers an unknown conversation with not_found', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    const ack = await request<Ack<MessageSent>>(agent, 'message:send', {
      conversationId: '00000000-0000-4000-8000-000000000000',
      clientId: 'c',
      body: 'hello',
    });
    expect(ack).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const bad = await request<Ack<MessageSent>>(agent, 'message:send', { conversationId: 'nope', clientId: 'c', body: 'hello' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload', issues: [{ path: 'conversationId' }] } });
    agent.close();
  });

  it('answers malformed REST bodies with invalid_payload', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const malformed = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers, body: '{"email":' });
    expect(malformed.status).toBe(400);
    expect((await jsonOf(malformed)).error.code).toBe('invalid_payload');
    const badParams = await fetch(`${server.url}/api/conversations/not-a-uuid/messages`, { headers });
    expect(badParams.status).toBe(400);
    expect((await jsonOf(badParams)).error).toMatchObject({ code: 'invalid_payload', issues: [{ path: 'params.conversationId' }] });
    const badQuery = await fetch(`${server.url}/api/conversations?status=sleeping`, { headers });
    expect((await jsonOf(badQuery)).error.code).toBe('invalid_payload');
  });

  it('stays up after every kind of garbage', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    for (const event of ['message:send', 'messages:sync', 'typing:set', 'session:get', 'no:such-event']) {
      for (const payload of [null, 0, [], { afterSeq: -1 }, { typing: 'yes' }, 'x'.repeat(10_000)]) {
        visitor.emit(event, payload);
      }
    }
    const sync = await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: -5 });
    expect(sync).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(visitor.connected).toBe(true);
    visitor.close();
  });
});

describe('rate limiting', () => {
  it('limits how many new visitor sessions one address may start, but not resumed ones', async () => {
    const limited = await startServer({ PARLEY_RATE_LIMIT_NEW_SESSIONS: '3' });
    try {
      const tenant = await createTenant(limited);
      const sockets = [];
      for (let index = 0; index < 3; index++) sockets.push(await connectVisitor(limited, { widgetKey: tenant.widget.publicKey }));
      const refused = await connectVisitor(limited, { widgetKey: tenant.widget.publicKey }).catch((e: unknown) => e);
      expect(refused).toMatchObject({ data: { code: 'rate_limited' } });
      const session = await request<Ack<{ sessionToken: string }>>(sockets[0]!, 'session:get');
      if (!session.ok) throw new Error('session:get failed');
      const resumed = await connectVisitor(limited, { widgetKey: tenant.widget.publicKey, sessionToken: session.data.sessionToken });
      expect(resumed.connected).toBe(true);
      for (const socket of [...sockets, resumed]) socket.close();
    } finally {
      await limited.close();
    }
  });

  it('answers a flood with rate_limited and stores only what was allowed', async () => {
    const limited = await startServer({ PARLEY_RATE_LIMIT_MESSAGES: '5', PARLEY_RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      const tenant = await createTenant(limited);
      const visitor = await connectVisitor(limited, { widgetKey: tenant.widget.publicKey });
      const acks: Ack<MessageSent>[] = [];
      for (let index = 0; index < 8; index++) {
        acks.push(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: `m${index}`, body: `message ${index}` }));
      }
      expect(acks.filter((ack) => ack.ok)).toHaveLength(5);
      expect(acks.slice(5)).toEqual(
        Array(3).fill(expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'rate_limited' }) })),
      );
      const conversationId = (acks[0] as { data: MessageSent }).data.conversationId;
      const [stored] = await limited.db.db.select({ value: count() }).from(messages).where(eq(messages.conversationId, conversationId));
      // The five allowed messages and the queue place of the conversation they started (this widget has no bot).
      expect(stored!.value).toBe(6);
      const [conversation] = await limited.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
      expect(conversation!.lastSeq).toBe(6);
      visitor.close();
    } finally {
      await limited.close();
    }
  });
});
