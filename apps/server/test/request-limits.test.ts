import { messages } from '@parley/db';
import type { Ack, MessageSent, MessagesPage, Session } from '@parley/protocol';
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectAgent, connectVisitor, createTenant, jsonOf, login, ok, request, startServer, useTestServer } from './helpers/server.js';

const server = useTestServer();

describe('reads are limited like writes', () => {
  it('serves a flood of syncs from one socket a few at a time, within the visitor’s budget, refusing the excess', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c1', body: 'Hello' }));
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0, limit: 500 })),
    );
    const served = answers.filter((answer) => answer.ok);
    expect(served.length).toBeGreaterThan(0);
    expect(served.length).toBeLessThanOrEqual(30);
    for (const answer of answers.filter((each) => !each.ok)) {
      expect(answer).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    }
    // Whether some were refused for being too many at once depends on how fast the first ones finish (the bound itself
    // is pinned by socket-handler.test.ts); what a flood gets in the end does not: at most the budget.
    visitor.close();
  });

  it('gives each visitor a budget of session:get and messages:sync', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    const answers: Ack<unknown>[] = [];
    for (let index = 0; index < 40; index++) {
      answers.push(
        await request(visitor, index % 2 === 0 ? 'session:get' : 'messages:sync', ...(index % 2 === 0 ? [] : [{ afterSeq: 0 }])),
      );
    }
    expect(answers.filter((answer) => answer.ok)).toHaveLength(29);
    expect(answers.at(-1)).toMatchObject({
      ok: false,
      error: { code: 'rate_limited', message: expect.stringMatching(/try again in \d+ s/) },
    });
    // A second socket of the same visitor shares the budget.
    const sameVisitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, sessionToken: session.sessionToken });
    expect(await request(sameVisitor, 'session:get')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    visitor.close();
    sameVisitor.close();
  });
});

describe('every event gets an answer', () => {
  it('answers unknown events, and events of the other namespace, with unknown_event', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const { token } = await login(server, tenant.email, tenant.password);
    const agent = await connectAgent(server, token);
    expect(await request(visitor, 'no:such-event', {})).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
    expect(await request(visitor, 'x'.repeat(500))).toMatchObject({
      ok: false,
      error: { code: 'unknown_event', message: `This connection has no "${'x'.repeat(64)}" event.` },
    });
    for (const visitorOnly of ['session:get', 'messages:sync', 'handoff:request']) {
      expect(await request(agent, visitorOnly, {})).toMatchObject({ ok: false, error: { code: 'unknown_event' } });
    }
    visitor.close();
    agent.close();
  });
});

describe('a resend is answered even while the sender is rate-limited', () => {
  it('acks an already stored clientId with its message instead of rate_limited', async () => {
    const limited = await startServer({ PARLEY_RATE_LIMIT_MESSAGES: '2', PARLEY_RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      const tenant = await createTenant(limited);
      const visitor = await connectVisitor(limited, { widgetKey: tenant.widget.publicKey });
      const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'm0', body: 'one' }));
      ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'm1', body: 'two' }));
      expect(await request(visitor, 'message:send', { clientId: 'm2', body: 'three' })).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
      expect(await request(visitor, 'message:send', { clientId: 'm0', body: 'one' })).toEqual({ ok: true, data: first });

      const { token } = await login(limited, tenant.email, tenant.password);
      const agent = await connectAgent(limited, token);
      const reply = { conversationId: first.conversationId, clientId: 'r0', body: 'hi' };
      const replied = ok(await request<Ack<MessageSent>>(agent, 'message:send', reply));
      ok(await request<Ack<MessageSent>>(agent, 'message:send', { ...reply, clientId: 'r1' }));
      expect(await request(agent, 'message:send', { ...reply, clientId: 'r2' })).toMatchObject({
        ok: false,
        error: { code: 'rate_limited' },
      });
      expect(await request(agent, 'message:send', reply)).toEqual({ ok: true, data: replied });
      const rest = await fetch(`${limited.url}/api/conversations/${first.conversationId}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: 'r0', body: 'hi' }),
      });
      expect(rest.status).toBe(200);
      expect(await jsonOf(rest)).toEqual(replied);
      const [stored] = await limited.db.db
        .select({ value: count() })
        .from(messages)
        .where(eq(messages.conversationId, first.conversationId));
      // Two visitor messages, the queue place, the agent joining, two replies.
      expect(stored!.value).toBe(6);
      visitor.close();
      agent.close();
    } finally {
      await limited.close();
    }
  });
});

describe('numbers and bytes outside what the database holds are refused, not a 500', () => {
  it('refuses an afterSeq beyond a Postgres integer, and numbers not written in decimal digits', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c1', body: 'Hello' }));
    expect(await request(visitor, 'messages:sync', { afterSeq: 2 ** 31 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await request(visitor, 'messages:sync', { afterSeq: 2 ** 31 - 1 })).toEqual({
      ok: true,
      data: { messages: [], hasMore: false },
    });

    const { token } = await login(server, tenant.email, tenant.password);
    const get = (query: string) =>
      fetch(`${server.url}/api/conversations/${sent.conversationId}/messages?${query}`, { headers: { authorization: `Bearer ${token}` } });
    for (const query of [
      'afterSeq=2147483648',
      'afterSeq=0x10',
      'afterSeq=1e3',
      'afterSeq=%207',
      'afterSeq=-0',
      'limit=0x10',
      'afterSeq=99999999999999999999',
    ]) {
      const response = await get(query);
      expect(response.status, query).toBe(400);
      expect(await jsonOf(response)).toMatchObject({ error: { code: 'invalid_payload' } });
    }
    const fine = await get('afterSeq=2147483647&limit=10');
    expect(fine.status).toBe(200);
    // The message, then its queue place (this widget has no bot).
    expect(await jsonOf(await get('afterSeq=0'))).toMatchObject({
      messages: [{ id: sent.id }, { author: { kind: 'system' } }],
      hasMore: false,
    });
    visitor.close();
  });

  it('answers a path parameter over 100 characters with the protocol’s error, not the URL', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const long = 'a'.repeat(150);
    const response = await fetch(`${server.url}/api/conversations/${long}/messages`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ error: { code: 'invalid_payload', message: 'A path segment of the URL is too long.' } });
    expect(body).not.toContain(long);
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a JSON body that is not valid UTF-8, and stores nothing', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c1', body: 'Hello' }));
    const { token } = await login(server, tenant.email, tenant.password);
    const body = Buffer.concat([Buffer.from('{"clientId":"bad-bytes","body":"caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const response = await fetch(`${server.url}/api/conversations/${sent.conversationId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await jsonOf(response)).toEqual({ error: { code: 'invalid_payload', message: 'The request body is not valid UTF-8.' } });
    const [stored] = await server.db.db.select({ value: count() }).from(messages).where(eq(messages.conversationId, sent.conversationId));
    // The visitor's message and its queue place: nothing of the refused reply.
    expect(stored!.value).toBe(2);
    visitor.close();
  });

  it('reports an oversized session token as an invalid session, not a missing widget key', async () => {
    const tenant = await createTenant(server);
    const error = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, sessionToken: 'x'.repeat(5000) }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ data: { code: 'unauthorized', message: 'The session is invalid or has expired.' } });
    const missingKey = await connectVisitor(server, { widgetKey: '' }).catch((e: unknown) => e);
    expect(missingKey).toMatchObject({ data: { code: 'invalid_payload', message: 'The widget key is missing or malformed.' } });
  });
});
