import { randomUUID } from 'node:crypto';
import { conversationEvents, memberships } from '@parley/db';
import type {
  Ack,
  ApiScope,
  ApiTokenCreated,
  AuditEventList,
  ConversationDetail,
  ConversationList,
  ConversationSummary,
  Message,
  MessageSent,
  Note,
} from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiRequest,
  connectVisitor,
  createTenantWithAdmin,
  jsonOf,
  nextEvent,
  ok,
  request,
  useTestServer,
  waitUntil,
} from './helpers/server.js';

// Conversations through the REST API with an API token, as an integration's backend uses it.
const server = useTestServer();
const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function tokenOf(admin: string, scopes: ApiScope[]): Promise<string> {
  const response = await apiRequest(server, '/api/tokens', admin, 'POST', { name: 'Backend', scopes });
  return ((await jsonOf(response)) as ApiTokenCreated).secret;
}

async function visitorWrites(widgetKey: string, body: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }));
  return { visitor, conversationId: sent.conversationId };
}

async function error(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await jsonOf(response)) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}

describe('conversations with an API token', () => {
  it('lists them with filters and a cursor, and gets one with its messages', async () => {
    const shop = await createTenantWithAdmin(server);
    const reader = await tokenOf(shop.adminToken, ['conversations:read']);
    const first = await visitorWrites(shop.widget.publicKey, 'Where is my order?');
    const second = await visitorWrites(shop.widget.publicKey, 'Do you ship to Canada?');
    const third = await visitorWrites(shop.widget.publicKey, 'My tent zipper split.');

    const all = (await jsonOf(await apiRequest(server, '/api/conversations', reader))) as ConversationList;
    expect(all.conversations.map((conversation) => conversation.id)).toEqual([
      third.conversationId,
      second.conversationId,
      first.conversationId,
    ]);
    // Unread counts are an agent's own: a token has none.
    expect(all.conversations.every((conversation) => conversation.unreadCount === 0)).toBe(true);

    const [contactOfSecond] = all.conversations.filter((conversation) => conversation.id === second.conversationId);
    const byContact = (await jsonOf(
      await apiRequest(server, `/api/conversations?contactId=${contactOfSecond!.contact.id}`, reader),
    )) as ConversationList;
    expect(byContact.conversations.map((conversation) => conversation.id)).toEqual([second.conversationId]);

    const future = new Date(Date.now() + 60_000).toISOString();
    const since = (await jsonOf(
      await apiRequest(server, `/api/conversations?updatedSince=${encodeURIComponent(future)}`, reader),
    )) as ConversationList;
    expect(since.conversations).toEqual([]);

    const pageOne = (await jsonOf(await apiRequest(server, '/api/conversations?limit=2', reader))) as ConversationList;
    expect(pageOne.conversations).toHaveLength(2);
    const pageTwo = (await jsonOf(
      await apiRequest(server, `/api/conversations?limit=2&cursor=${pageOne.nextCursor}`, reader),
    )) as ConversationList;
    expect(pageTwo.conversations.map((conversation) => conversation.id)).toEqual([first.conversationId]);
    expect(pageTwo.nextCursor).toBeNull();

    const mine = await apiRequest(server, '/api/conversations?view=mine', reader);
    expect(await error(mine)).toMatchObject({ status: 400, code: 'invalid_payload' });

    const detail = (await jsonOf(await apiRequest(server, `/api/conversations/${first.conversationId}`, reader))) as ConversationDetail;
    expect(detail.conversation).toMatchObject({ id: first.conversationId, status: 'queued' });
    expect(detail.messages.find((message) => message.author.kind === 'visitor')?.body).toBe('Where is my order?');
    expect(detail.hasMore).toBe(false);
  });

  it('writes as the agent it names: a reply, a note, a resolution, each in the history as that agent', async () => {
    const shop = await createTenantWithAdmin(server);
    const writer = await tokenOf(shop.adminToken, ['conversations:write']);
    const { visitor, conversationId } = await visitorWrites(shop.widget.publicKey, 'Can I change my address?');

    const missing = await apiRequest(server, `/api/conversations/${conversationId}/messages`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Sure.',
    });
    expect(await error(missing)).toMatchObject({ status: 400, code: 'invalid_payload' });
    const stranger = await createTenantWithAdmin(server);
    const foreignAgent = await apiRequest(server, `/api/conversations/${conversationId}/messages`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Sure.',
      asAgentId: stranger.user.id,
    });
    expect(await error(foreignAgent)).toMatchObject({ status: 404, code: 'not_found' });

    const visitorSees = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'agent');
    const sent = await apiRequest(server, `/api/conversations/${conversationId}/messages`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Sure, what is the new one?',
      asAgentId: shop.user.id,
    });
    expect(sent.status).toBe(200);
    expect(await visitorSees).toMatchObject({
      body: 'Sure, what is the new one?',
      author: { kind: 'agent', id: shop.user.id, name: shop.user.name },
    });

    const note = await apiRequest(server, `/api/conversations/${conversationId}/notes`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Synced from the CRM: VIP customer.',
      asAgentId: shop.user.id,
    });
    expect(((await jsonOf(note)) as Note).author).toMatchObject({ id: shop.user.id, name: shop.user.name });

    const resolved = await apiRequest(server, `/api/conversations/${conversationId}`, writer, 'PATCH', {
      status: 'resolved',
      asAgentId: shop.user.id,
    });
    expect(((await jsonOf(resolved)) as ConversationSummary).status).toBe('resolved');
    const events = await server.db.db.select().from(conversationEvents).where(eq(conversationEvents.conversationId, conversationId));
    const resolution = events.find((event) => event.type === 'status_changed' && event.toStatus === 'resolved');
    // The history says it was this agent, through an API token.
    expect(resolution).toMatchObject({ actorKind: 'agent', actorId: shop.user.id, data: { viaApiToken: expect.any(String) } });

    // A deactivated agent is no one a token can act for.
    await server.db.db.update(memberships).set({ deactivatedAt: new Date() }).where(eq(memberships.userId, shop.user.id));
    const deactivated = await apiRequest(server, `/api/conversations/${conversationId}/notes`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Still there?',
      asAgentId: shop.user.id,
    });
    expect(await error(deactivated)).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('writes as the bot while the bot has the conversation, and not after a person took it', async () => {
    const shop = await createTenantWithAdmin(server, { bot: { enabled: true } });
    const writer = await tokenOf(shop.adminToken, ['conversations:write', 'conversations:read']);
    const { visitor, conversationId } = await visitorWrites(shop.widget.publicKey, 'Hello?');
    // The offline answerer replies first; the integration's bot adds its own answer after it.
    await waitUntil(async () => {
      const detail = (await jsonOf(await apiRequest(server, `/api/conversations/${conversationId}`, writer))) as ConversationDetail;
      return detail.messages.some((message) => message.author.kind === 'bot');
    }, 'the bot to reply');

    const visitorSees = nextEvent<Message>(visitor, 'message:created', (message) => message.body === 'Your order ships tomorrow.');
    const asBot = await apiRequest(server, `/api/conversations/${conversationId}/messages`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Your order ships tomorrow.',
      quickReplies: ['Thanks!', 'Talk to a person'],
      asBot: true,
    });
    expect(asBot.status).toBe(200);
    expect(await visitorSees).toMatchObject({ author: { kind: 'bot', id: null }, quickReplies: ['Thanks!', 'Talk to a person'] });

    const taken = await apiRequest(server, `/api/conversations/${conversationId}`, writer, 'PATCH', {
      assignToMe: true,
      asAgentId: shop.user.id,
    });
    expect(((await jsonOf(taken)) as ConversationSummary).assignee?.id).toBe(shop.user.id);
    const late = await apiRequest(server, `/api/conversations/${conversationId}/messages`, writer, 'POST', {
      clientId: randomUUID(),
      body: 'Anything else?',
      asBot: true,
    });
    expect(await error(late)).toMatchObject({ status: 409, code: 'transition_rejected' });
  });

  it('lets an integration catch up on the audit log with a cursor, its own organization only', async () => {
    const shop = await createTenantWithAdmin(server);
    const other = await createTenantWithAdmin(server);
    const reader = await tokenOf(shop.adminToken, ['conversations:read', 'conversations:write']);
    const outsider = await tokenOf(other.adminToken, ['conversations:read']);
    const { conversationId } = await visitorWrites(shop.widget.publicKey, 'Hi');
    await apiRequest(server, `/api/conversations/${conversationId}`, reader, 'PATCH', { assignToMe: true, asAgentId: shop.user.id });

    // Events are listed once a couple of seconds old (a slower transaction's smaller id must not be stepped over).
    await waitUntil(async () => {
      const all = (await jsonOf(await apiRequest(server, '/api/events?limit=1000', reader))) as AuditEventList;
      return all.events.some((event) => event.type === 'assigned');
    }, 'the events to settle');
    // Read once all have settled: the first page then has more after it.
    const page = (await jsonOf(await apiRequest(server, '/api/events?limit=1', reader))) as AuditEventList;
    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({ conversationId, type: 'created', actor: { kind: 'visitor' } });
    expect(page.hasMore).toBe(true);

    const seen = [...page.events];
    for (let after = page.next; ;) {
      const next = (await jsonOf(await apiRequest(server, `/api/events?after=${after}&limit=2`, reader))) as AuditEventList;
      seen.push(...next.events);
      if (!next.hasMore) {
        expect(next.next).toBe(seen.at(-1)!.id);
        break;
      }
      after = next.next;
    }
    expect(seen.map((event) => event.type)).toEqual(expect.arrayContaining(['created', 'status_changed', 'assigned']));
    expect(seen.find((event) => event.type === 'assigned')).toMatchObject({ actor: { kind: 'agent', id: shop.user.id } });
    const ids = seen.map((event) => Number(event.id));
    expect(ids).toEqual(ids.toSorted((a, b) => a - b));

    const theirs = (await jsonOf(await apiRequest(server, '/api/events?limit=1000', outsider))) as AuditEventList;
    expect(theirs.events.filter((event) => event.conversationId === conversationId)).toEqual([]);
  });

  it('keeps agents to themselves: no asAgentId of someone else, no asBot', async () => {
    const shop = await createTenantWithAdmin(server);
    const { conversationId } = await visitorWrites(shop.widget.publicKey, 'Hi');
    const asOther = await apiRequest(server, `/api/conversations/${conversationId}/messages`, shop.agentToken, 'POST', {
      clientId: randomUUID(),
      body: 'Hello',
      asAgentId: randomUUID(),
    });
    expect(await error(asOther)).toMatchObject({ status: 400, code: 'invalid_payload' });
    const asBot = await apiRequest(server, `/api/conversations/${conversationId}/messages`, shop.agentToken, 'POST', {
      clientId: randomUUID(),
      body: 'Hello',
      asBot: true,
    });
    expect(await error(asBot)).toMatchObject({ status: 400, code: 'invalid_payload' });
    const asSelf = await apiRequest(server, `/api/conversations/${conversationId}/messages`, shop.agentToken, 'POST', {
      clientId: randomUUID(),
      body: 'Hello',
      asAgentId: shop.user.id,
    });
    expect(asSelf.status).toBe(200);
  });
});
