import { randomUUID } from 'node:crypto';
import { conversationEvents, conversations, messages } from '@parley/db';
import type { Ack, ConversationSummary, Message, MessageSent, MessagesPage, Session, TypingChanged } from '@parley/protocol';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  collect,
  connectAgent,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  nextEvent,
  ok,
  request,
  useTestServer,
} from './helpers/server.js';

const server = useTestServer();

describe('a live visitor ↔ agent chat', () => {
  it('delivers a visitor message to the agent and the reply back to the visitor, in real time', async () => {
    const tenant = await createTenant(server);
    const { token, agent } = await login(server, tenant.email, tenant.password);
    const agentSocket = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });

    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(session.conversation).toBeNull();
    expect(session.widget.title).toBe('Chat with us');

    const agentSeesMessage = nextEvent<Message>(agentSocket, 'message:created');
    const agentSeesConversation = nextEvent<ConversationSummary>(agentSocket, 'conversation:updated');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c1', body: 'Where is my order?' }));
    expect(sent.seq).toBe(1);

    const received = await agentSeesMessage;
    expect(received).toMatchObject({ id: sent.id, seq: 1, body: 'Where is my order?', author: { kind: 'visitor', id: session.visitorId } });
    const summary = await agentSeesConversation;
    // Seq 2 tells the visitor their place: this widget has no bot, so the conversation starts in the queue.
    expect(summary).toMatchObject({ id: sent.conversationId, status: 'queued', assignee: null, lastSeq: 2 });

    const visitorSeesReply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    const reply = ok(
      await request<Ack<MessageSent>>(agentSocket, 'message:send', {
        conversationId: sent.conversationId,
        clientId: 'r1',
        body: 'It ships tomorrow.',
      }),
    );
    // Seq 3 is the system message that the agent joined.
    expect(reply.seq).toBe(4);
    const delivered = await visitorSeesReply;
    expect(delivered).toMatchObject({
      id: reply.id,
      seq: 4,
      body: 'It ships tomorrow.',
      author: { kind: 'agent', id: agent.id, name: agent.name },
    });

    // Replying took the conversation: assigned and in `agent` status, both audited.
    const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent.conversationId));
    expect(row).toMatchObject({ status: 'agent', assigneeId: agent.id, lastSeq: 4 });
    const events = await server.db.db
      .select()
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, sent.conversationId))
      .orderBy(asc(conversationEvents.id));
    expect(events.map((event) => [event.type, event.fromStatus, event.toStatus])).toEqual([
      ['created', null, 'queued'],
      ['status_changed', 'queued', 'agent'],
      ['assigned', null, null],
    ]);

    visitor.close();
    agentSocket.close();
  });

  it('shows each side the other one typing', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const agentSocket = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'hello', body: 'Hello' }));

    const agentSeesTyping = nextEvent<TypingChanged>(agentSocket, 'typing:changed');
    visitor.emit('typing:set', { typing: true });
    expect(await agentSeesTyping).toEqual({ conversationId: sent.conversationId, author: { kind: 'visitor', name: null }, typing: true });

    const visitorSeesTyping = nextEvent<TypingChanged>(visitor, 'typing:changed');
    agentSocket.emit('typing:set', { conversationId: sent.conversationId, typing: true });
    expect(await visitorSeesTyping).toMatchObject({ conversationId: sent.conversationId, author: { kind: 'agent' }, typing: true });

    const visitorSeesStop = nextEvent<TypingChanged>(visitor, 'typing:changed');
    agentSocket.emit('typing:set', { conversationId: sent.conversationId, typing: false });
    expect((await visitorSeesStop).typing).toBe(false);

    visitor.close();
    agentSocket.close();
  });

  it('stores a resent clientId once and answers it with the same ack', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'same-id', body: 'Once' }));
    const again = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'same-id', body: 'Once' }));
    expect(again).toEqual(first);
    const rows = await server.db.db.select().from(messages).where(eq(messages.conversationId, first.conversationId));
    expect(rows.filter((row) => row.authorKind === 'visitor')).toHaveLength(1);
    visitor.close();
  });

  it('stores one message when the same clientId is sent twice at once', async () => {
    const tenant = await createTenant(server);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'first', body: 'Opens the conversation' }));
    const acks = await Promise.all(
      Array.from({ length: 5 }, () => request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'twin', body: 'Sent from two tabs' })),
    );
    const sent = acks.map(ok);
    expect(new Set(sent.map((ack) => ack.id)).size).toBe(1);
    // After the first message and the queue place.
    expect(sent[0]!.seq).toBe(3);
    // In seq order (Postgres returns rows in any order without one).
    const rows = await server.db.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, sent[0]!.conversationId))
      .orderBy(asc(messages.seq));
    expect(rows.map((row) => row.authorKind)).toEqual(['visitor', 'system', 'visitor']);
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, sent[0]!.conversationId));
    expect(conversation!.lastSeq).toBe(3);
    visitor.close();
  });

  it('keeps seq gapless and unique under concurrent sends', async () => {
    const tenant = await createTenant(server, {});
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const acks = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        request<Ack<MessageSent>>(visitor, 'message:send', { clientId: `burst-${index}`, body: `message ${index}` }),
      ),
    );
    const sent = acks.map(ok);
    expect(new Set(sent.map((ack) => ack.seq)).size).toBe(20);
    expect(new Set(sent.map((ack) => ack.conversationId)).size).toBe(1);
    // The 20 messages and the queue place of the conversation they started (this widget has no bot): 1 to 21.
    const rows = await server.db.db.select().from(messages).where(eq(messages.conversationId, sent[0]!.conversationId));
    expect(rows.map((row) => row.seq).toSorted((a, b) => a - b)).toEqual(Array.from({ length: 21 }, (_, index) => index + 1));
    expect(rows.filter((row) => row.authorKind === 'system')).toHaveLength(1);
    visitor.close();
  });

  it('resumes the same visitor and conversation after a disconnect, losing and repeating nothing', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const agentSocket = await connectAgent(server, token);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'before', body: 'Before the tunnel' }));
    visitor.close();

    // The agent answers while the visitor is offline.
    for (const [index, body] of ['Are you there?', 'Here is the tracking link.'].entries()) {
      ok(
        await request<Ack<MessageSent>>(agentSocket, 'message:send', {
          conversationId: first.conversationId,
          clientId: `offline-${index}`,
          body,
        }),
      );
    }

    const resumed = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, sessionToken: session.sessionToken });
    const resumedSession = ok(await request<Ack<Session>>(resumed, 'session:get'));
    expect(resumedSession.visitorId).toBe(session.visitorId);
    expect(resumedSession.conversation).toEqual({ id: first.conversationId, status: 'agent', lastSeq: 5, visitorSeenSeq: 0 });

    const missed = ok(await request<Ack<MessagesPage>>(resumed, 'messages:sync', { afterSeq: first.seq }));
    expect(missed.messages.map((message) => [message.seq, message.body])).toEqual([
      [2, "You're number 1 in the queue."],
      [3, `${tenant.user.name} joined the conversation.`],
      [4, 'Are you there?'],
      [5, 'Here is the tracking link.'],
    ]);
    expect(missed.hasMore).toBe(false);

    // Paging: one at a time from the start returns every message once, in order.
    const seen: number[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = ok(await request<Ack<MessagesPage>>(resumed, 'messages:sync', { afterSeq, limit: 1 }));
      seen.push(...page.messages.map((message) => message.seq));
      if (!page.hasMore) break;
      afterSeq = page.messages.at(-1)!.seq;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);

    resumed.close();
    agentSocket.close();
  });

  it('reopens a resolved conversation when the visitor writes again', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const first = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'Thanks, all good' }));

    const visitorSeesResolved = nextEvent<{ status: string }>(visitor, 'conversation:updated');
    const response = await fetch(`${server.url}/api/conversations/${first.conversationId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(response.status).toBe(200);
    expect((await jsonOf(response)).status).toBe('resolved');
    expect((await visitorSeesResolved).status).toBe('resolved');

    // This widget's bot is off: handing the conversation to it is refused, with the reason.
    const toBot = await fetch(`${server.url}/api/conversations/${first.conversationId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'bot' }),
    });
    expect(toBot.status).toBe(409);
    expect((await jsonOf(toBot)).error).toEqual({
      code: 'transition_rejected',
      message: "This widget's bot is turned off, so the conversation cannot go back to it.",
    });

    const again = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'One more thing' }));
    // After the queue place (2) and "resolved" (3); then, nobody having had it and the widget having no bot, the
    // reopen rule sends it to the queue: "reopened" and the queue place again (4–5).
    expect(again).toMatchObject({ conversationId: first.conversationId, seq: 6 });
    const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, first.conversationId));
    expect(row!.status).toBe('queued');
    visitor.close();
  });

  it('lists conversations and messages over REST and accepts REST replies', async () => {
    const tenant = await createTenant(server);
    const { token } = await login(server, tenant.email, tenant.password);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'x', body: 'Do you ship to Norway?' }));
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    const list = await jsonOf(await fetch(`${server.url}/api/conversations`, { headers }));
    expect(list.conversations).toHaveLength(1);
    expect(list.conversations[0]).toMatchObject({
      id: sent.conversationId,
      lastMessage: { body: 'Do you ship to Norway?', authorKind: 'visitor' },
    });

    const visitorSeesReply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    const replyResponse = await fetch(`${server.url}/api/conversations/${sent.conversationId}/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ clientId: 'rest-reply', body: 'Yes, in 3–5 days.' }),
    });
    expect(replyResponse.status).toBe(200);
    const reply = (await jsonOf(replyResponse)) as MessageSent;
    expect((await visitorSeesReply).id).toBe(reply.id);

    const page = await jsonOf(await fetch(`${server.url}/api/conversations/${sent.conversationId}/messages?afterSeq=0`, { headers }));
    expect(page.messages.map((message: Message) => message.body)).toEqual([
      'Do you ship to Norway?',
      // Nobody had the console open when the visitor wrote.
      "Nobody from our team is available right now. Leave your e-mail address or phone number and we'll get back to you.",
      `${tenant.user.name} joined the conversation.`,
      'Yes, in 3–5 days.',
    ]);
    visitor.close();
  });
});

describe('organizations are isolated', () => {
  it('shows an agent nothing of another organization', async () => {
    const ours = await createTenant(server);
    const theirs = await createTenant(server);
    const their = await login(server, theirs.email, theirs.password);
    const theirSocket = await connectAgent(server, their.token);
    const leaked = collect<Message>(theirSocket, 'message:created');
    const leakedUpdates = collect<ConversationSummary>(theirSocket, 'conversation:updated');

    const ourAgent = await login(server, ours.email, ours.password);
    const ourSocket = await connectAgent(server, ourAgent.token);
    const visitor = await connectVisitor(server, { widgetKey: ours.widget.publicKey });
    const ourSees = nextEvent<Message>(ourSocket, 'message:created');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'private', body: 'My address is…' }));
    await ourSees;

    const headers = { authorization: `Bearer ${their.token}`, 'content-type': 'application/json' };
    const list = await jsonOf(await fetch(`${server.url}/api/conversations`, { headers }));
    expect(list.conversations).toEqual([]);
    const messagesResponse = await fetch(`${server.url}/api/conversations/${sent.conversationId}/messages`, { headers });
    expect(messagesResponse.status).toBe(404);
    expect((await jsonOf(messagesResponse)).error.code).toBe('not_found');

    const intrusion = await request<Ack<MessageSent>>(theirSocket, 'message:send', {
      conversationId: sent.conversationId,
      clientId: randomUUID(),
      body: 'Hi from another company',
    });
    expect(intrusion).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const typingIntrusion = await request<Ack<null>>(theirSocket, 'typing:set', { conversationId: sent.conversationId, typing: true });
    expect(typingIntrusion).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // Our agent's own round trip has completed after theirs was connected, so any leak would have arrived by now.
    const ping = nextEvent<Message>(ourSocket, 'message:created');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'second', body: 'Second' }));
    await ping;
    expect(leaked).toEqual([]);
    expect(leakedUpdates).toEqual([]);
    const stored = await server.db.db
      .select()
      .from(messages)
      .where(eq(messages.conversationId, sent.conversationId))
      .orderBy(asc(messages.seq));
    expect(stored.map((row) => row.body)).toEqual(['My address is…', "You're number 1 in the queue.", 'Second']);

    visitor.close();
    ourSocket.close();
    theirSocket.close();
  });
});
