import { randomUUID } from 'node:crypto';
import { conversations } from '@parley/db';
import type {
  Ack,
  ConversationSummary,
  Message,
  MessageSent,
  MessagesPage,
  Session,
  VisitorConversation,
  VisitorConversationList,
} from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  login,
  nextEvent,
  ok,
  request,
  resolveAsAgent,
  useTestServer,
} from './helpers/server.js';

// A visitor's several conversations: closing a resolved one, the list of them, reading a past one, and who may.
const server = useTestServer({ PARLEY_RATE_LIMIT_MESSAGES: '1000' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** A visitor of `tenant`'s widget (a new one, or the session `sessionToken` continues), closed after the test. */
async function visitorOf(tenant: Tenant, sessionToken?: string): Promise<Socket> {
  const socket = await connectVisitor(server, { widgetKey: tenant.widget.publicKey, ...(sessionToken && { sessionToken }) });
  sockets.push(socket);
  return socket;
}

/** A new tenant (bot off: conversations start in the queue) and its agent, signed in with a socket. */
async function tenantWithAgent(options: Parameters<typeof createTenant>[1] = {}) {
  const tenant = await createTenant(server, options);
  const { token } = await login(server, tenant.email, tenant.password);
  const agent = await connectAgent(server, token);
  sockets.push(agent);
  return { tenant, token, agent };
}

function send(visitor: Socket, body: string): Promise<MessageSent> {
  return request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }).then(ok);
}

function agentSend(agent: Socket, conversationId: string, body: string): Promise<MessageSent> {
  return request<Ack<MessageSent>>(agent, 'message:send', { conversationId, clientId: randomUUID(), body }).then(ok);
}

function session(visitor: Socket): Promise<Session> {
  return request<Ack<Session>>(visitor, 'session:get').then(ok);
}

const resolve = (visitor: Socket, conversationId: string, token: string) => resolveAsAgent(server, visitor, conversationId, token);

/** A visitor whose question an agent answered and resolved. */
async function resolvedConversation() {
  const { tenant, token, agent } = await tenantWithAgent();
  const visitor = await visitorOf(tenant);
  const question = await send(visitor, 'Where is my parcel?');
  await agentSend(agent, question.conversationId, 'On its way.');
  await resolve(visitor, question.conversationId, token);
  return { tenant, token, agent, visitor, conversationId: question.conversationId };
}

async function statusOf(conversationId: string) {
  const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
  return row?.status;
}

describe('conversation:close', () => {
  it('closes a resolved conversation, tells agents and the visitor, and the next message starts a new conversation', async () => {
    const { tenant, agent, visitor, conversationId } = await resolvedConversation();
    const before = await session(visitor);
    expect(before.conversation).toMatchObject({ id: conversationId, status: 'resolved' });
    expect(before.pastConversations).toBe(0);

    const agentsTold = nextEvent<ConversationSummary>(agent, 'conversation:updated', (summary) => summary.id === conversationId);
    const visitorTold = nextEvent<VisitorConversation>(
      visitor,
      'conversation:updated',
      (conversation) => conversation.id === conversationId,
    );
    const closed = ok(await request<Ack<VisitorConversation>>(visitor, 'conversation:close'));
    expect(closed).toMatchObject({ id: conversationId, status: 'closed' });
    expect(await agentsTold).toMatchObject({ id: conversationId, status: 'closed' });
    expect(await visitorTold).toMatchObject({ id: conversationId, status: 'closed' });
    expect(await statusOf(conversationId)).toBe('closed');

    const between = await session(visitor);
    expect(between.conversation).toBeNull();
    expect(between.pastConversations).toBe(1);
    // Nothing left to close.
    expect(await request<Ack<VisitorConversation>>(visitor, 'conversation:close')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const next = await send(visitor, 'Another question');
    expect(next.conversationId).not.toBe(conversationId);
    expect(next.seq).toBe(1);
    expect(await statusOf(conversationId)).toBe('closed');

    const after = await session(visitor);
    expect(after.conversation).toMatchObject({ id: next.conversationId, status: 'queued' });
    expect(after.pastConversations).toBe(1);

    // A reconnect with the same session sees the same.
    const returning = await visitorOf(tenant, after.sessionToken);
    const resumed = await session(returning);
    expect(resumed.conversation).toMatchObject({ id: next.conversationId });
    expect(resumed.pastConversations).toBe(1);
  });

  it('is rejected while the conversation is queued, with an agent or with the bot, and changes nothing', async () => {
    const queuedTenant = await tenantWithAgent();
    const visitor = await visitorOf(queuedTenant.tenant);
    const { conversationId } = await send(visitor, 'Hello?');
    const rejected = await request<Ack<VisitorConversation>>(visitor, 'conversation:close');
    expect(rejected).toMatchObject({ ok: false, error: { code: 'transition_rejected' } });
    expect(await statusOf(conversationId)).toBe('queued');
    expect((await session(visitor)).conversation).toMatchObject({ id: conversationId, status: 'queued' });

    await agentSend(queuedTenant.agent, conversationId, 'Hi, how can I help?');
    expect(await statusOf(conversationId)).toBe('agent');
    expect(await request<Ack<VisitorConversation>>(visitor, 'conversation:close')).toMatchObject({
      ok: false,
      error: { code: 'transition_rejected' },
    });
    expect(await statusOf(conversationId)).toBe('agent');
    const still = await session(visitor);
    expect(still.conversation).toMatchObject({ id: conversationId, status: 'agent' });
    expect(still.pastConversations).toBe(0);
    // The visitor's next message stays in the same conversation.
    expect((await send(visitor, 'Thanks')).conversationId).toBe(conversationId);
  });

  it('is rejected while the bot has the conversation (offline answerer)', async () => {
    const tenant = await createTenant(server, { bot: { enabled: true } });
    const visitor = await visitorOf(tenant);
    const reply = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const { conversationId } = await send(visitor, 'Can I pay with cryptocurrency?');
    await reply;
    await server.app.bot.idle();
    expect(await statusOf(conversationId)).toBe('bot');
    expect(await request<Ack<VisitorConversation>>(visitor, 'conversation:close')).toMatchObject({
      ok: false,
      error: { code: 'transition_rejected' },
    });
    expect(await statusOf(conversationId)).toBe('bot');
    expect((await session(visitor)).conversation).toMatchObject({ id: conversationId, status: 'bot' });
  });

  it('is not_found for a visitor without a conversation', async () => {
    const tenant = await createTenant(server);
    const visitor = await visitorOf(tenant);
    expect(await request<Ack<VisitorConversation>>(visitor, 'conversation:close')).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const fresh = await session(visitor);
    expect(fresh.conversation).toBeNull();
    expect(fresh.pastConversations).toBe(0);
    expect(ok(await request<Ack<VisitorConversationList>>(visitor, 'conversations:list'))).toEqual({ conversations: [] });
  });

  it('leaves the old behaviour alone: writing to a resolved conversation without closing it reopens the same one', async () => {
    const { visitor, conversationId } = await resolvedConversation();
    const again = await send(visitor, 'One more thing');
    expect(again.conversationId).toBe(conversationId);
    expect(again.seq).toBeGreaterThan(1);
    expect(await statusOf(conversationId)).not.toBe('resolved');
    const reopened = await session(visitor);
    expect(reopened.conversation).toMatchObject({ id: conversationId });
    expect(reopened.conversation?.status).not.toBe('resolved');
    expect(reopened.pastConversations).toBe(0);
    const list = ok(await request<Ack<VisitorConversationList>>(visitor, 'conversations:list'));
    expect(list.conversations.map((conversation) => conversation.id)).toEqual([conversationId]);
  });
});

/** A visitor with a closed conversation and a newer one, waiting in the queue. */
async function twoConversations() {
  const { tenant, agent, visitor, conversationId: first } = await resolvedConversation();
  ok(await request<Ack<VisitorConversation>>(visitor, 'conversation:close'));
  const { conversationId: second } = await send(visitor, 'A new question');
  return { tenant, agent, visitor, first, second };
}

describe('conversations:list and messages:sync of a past conversation', () => {
  it('lists the conversations newest first, each with its last message that is not a system line', async () => {
    const { agent, visitor, first, second } = await twoConversations();
    // 198 letters, then two astral characters around the cut: the first is kept whole, the second cut away.
    const long = `${'a'.repeat(198)}😀😀${'b'.repeat(100)}`;
    expect(Array.from(long)).toHaveLength(300);
    await agentSend(agent, second, long);

    const { conversations: listed } = ok(await request<Ack<VisitorConversationList>>(visitor, 'conversations:list'));
    expect(listed.map((conversation) => [conversation.id, conversation.status])).toEqual([
      [second, 'agent'],
      [first, 'closed'],
    ]);
    const [newest, oldest] = listed;
    expect(newest!.lastMessage).toMatchObject({ authorKind: 'agent', body: `${'a'.repeat(198)}😀…` });
    const preview = newest!.lastMessage!.body;
    expect(Array.from(preview)).toHaveLength(200);
    expect(preview.endsWith('…')).toBe(true);
    expect(preview).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    // The first conversation's last lines are "joined" and "resolved" (system): its preview is the agent's answer.
    expect(oldest!.lastMessage).toMatchObject({ authorKind: 'agent', body: 'On its way.' });
    for (const conversation of listed) {
      expect(Date.parse(conversation.createdAt)).not.toBeNaN();
      expect(Date.parse(conversation.lastMessage!.createdAt)).not.toBeNaN();
    }
    expect(Date.parse(newest!.createdAt)).toBeGreaterThanOrEqual(Date.parse(oldest!.createdAt));

    // The visitor writes last: the preview is theirs, short ones whole.
    await send(visitor, 'Thanks!');
    const { conversations: relisted } = ok(await request<Ack<VisitorConversationList>>(visitor, 'conversations:list'));
    expect(relisted[0]!.lastMessage).toMatchObject({ authorKind: 'visitor', body: 'Thanks!' });
    expect((await session(visitor)).pastConversations).toBe(1);
  });

  it('gives lastMessage null to a conversation without messages', async () => {
    const { tenant, visitor, first, second } = await twoConversations();
    const { visitorId } = await session(visitor);
    const [empty] = await server.db.db
      .insert(conversations)
      .values({
        organizationId: tenant.organization.id,
        widgetId: tenant.widget.id,
        contactId: visitorId,
        status: 'closed',
        createdAt: new Date(Date.now() - 60_000),
      })
      .returning();
    const { conversations: listed } = ok(await request<Ack<VisitorConversationList>>(visitor, 'conversations:list'));
    expect(listed.map((conversation) => conversation.id)).toEqual([second, first, empty!.id]);
    expect(listed[2]).toMatchObject({ id: empty!.id, status: 'closed', lastMessage: null });
    expect((await session(visitor)).pastConversations).toBe(2);
  });

  it('reads a past conversation by id; another visitor, an unknown id and a malformed one are refused', async () => {
    const { tenant, visitor, first, second } = await twoConversations();

    const past = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { conversationId: first, afterSeq: 0 }));
    expect(past.hasMore).toBe(false);
    expect(past.messages.map((message) => message.seq)).toEqual(past.messages.map((_, index) => index + 1));
    expect(past.messages.every((message) => message.conversationId === first)).toBe(true);
    expect(
      past.messages.filter((message) => message.author.kind !== 'system').map((message) => [message.author.kind, message.body]),
    ).toEqual([
      ['visitor', 'Where is my parcel?'],
      ['agent', 'On its way.'],
    ]);
    expect(past.messages.some((message) => message.event?.type === 'resolved')).toBe(true);

    // Paging by seq works on a past conversation too.
    const rest = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { conversationId: first, afterSeq: 1 }));
    expect(rest.messages.map((message) => message.seq)).toEqual(past.messages.slice(1).map((message) => message.seq));

    // Without an id: the current conversation, as before.
    const current = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { afterSeq: 0 }));
    expect(current.messages[0]).toMatchObject({ conversationId: second, seq: 1, body: 'A new question' });
    const named = ok(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { conversationId: second, afterSeq: 0 }));
    expect(named.messages.map((message) => message.id)).toEqual(current.messages.map((message) => message.id));

    // Another visitor of the same widget (no session token), with a conversation of their own.
    const stranger = await visitorOf(tenant);
    await send(stranger, 'Hello from someone else');
    expect(await request<Ack<MessagesPage>>(stranger, 'messages:sync', { conversationId: first, afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await request<Ack<MessagesPage>>(stranger, 'messages:sync', { conversationId: second, afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await request<Ack<MessagesPage>>(stranger, 'messages:sync', { conversationId: randomUUID(), afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // Nor is it in the stranger's list.
    const theirs = ok(await request<Ack<VisitorConversationList>>(stranger, 'conversations:list'));
    expect(theirs.conversations).toHaveLength(1);
    expect(theirs.conversations.map((conversation) => conversation.id)).not.toContain(first);

    // The owner asking for an unknown id, and a malformed one.
    expect(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { conversationId: randomUUID(), afterSeq: 0 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    for (const conversationId of ['not-a-uuid', '', 42, `${first}x`]) {
      expect(await request<Ack<MessagesPage>>(visitor, 'messages:sync', { conversationId, afterSeq: 0 })).toMatchObject({
        ok: false,
        error: { code: 'invalid_payload' },
      });
    }

    // The same session on a new socket still reads it.
    const { sessionToken } = await session(visitor);
    const returning = await visitorOf(tenant, sessionToken);
    const reread = ok(await request<Ack<MessagesPage>>(returning, 'messages:sync', { conversationId: first, afterSeq: 0 }));
    expect(reread.messages.map((message) => message.id)).toEqual(past.messages.map((message) => message.id));
  });
});
