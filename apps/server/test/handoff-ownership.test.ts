import { randomUUID } from 'node:crypto';
import { conversationEvents, conversations, widgets } from '@parley/db';
import type { Ack, ConversationSummary, Message, MessageSent, SystemEvent, Team, VisitorConversation } from '@parley/protocol';
import { asc, eq, sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import type { RoutingConfig } from '../src/widgets/routing-config.js';
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
  useServerWithClaude,
  apiRequest,
  waitUntil,
} from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// One owner at a time, and the console shows what the database says: who has a conversation after a reopen, an
// unassign, a hand-back or a transfer. No grace period, so an agent whose console closes is offline at once.
const { server, anthropic } = useServerWithClaude({ PARLEY_PRESENCE_HEARTBEAT_MS: '1000', PARLEY_PRESENCE_GRACE_MS: '0' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

interface Person {
  userId: string;
  name: string;
  token: string;
}

/** An organization with a bot widget routed by `routing`, its first agent, and `more` agents (admins when asked). */
async function organization(routing: Partial<RoutingConfig> = {}, more: Array<'agent' | 'admin'> = []) {
  const tenant = await createTenant(server, { bot: { enabled: true }, routing });
  const people: Person[] = [
    { userId: tenant.user.id, name: tenant.user.name, token: (await login(server, tenant.email, tenant.password)).token },
  ];
  for (const [index, role] of more.entries()) {
    const email = `person-${randomUUID().slice(0, 8)}@shop.example`;
    const password = `pw-${randomUUID()}`;
    const name = `${role === 'admin' ? 'Admin' : 'Agent'} ${index + 2} ${randomUUID().slice(0, 4)}`;
    const user = await createAgent(server.db.db, { organizationId: tenant.organization.id, email, name, password, role });
    people.push({ userId: user.id, name, token: (await login(server, email, password)).token });
  }
  return { tenant, people };
}

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

async function online(person: Person): Promise<Socket> {
  const socket = await connectAgent(server, person.token);
  sockets.push(socket);
  await waitUntil(async () => (await presenceRows(person.userId)) > 0, 'the presence row');
  return socket;
}

async function presenceRows(userId: string): Promise<number> {
  const result = await server.db.db.execute(sql`select count(*)::int as n from agent_sessions where user_id = ${userId}`);
  const rows = Array.isArray(result) ? result : (result as { rows: Array<{ n: number }> }).rows;
  return Number((rows[0] as { n: number }).n);
}

async function row(conversationId: string) {
  const [found] = await server.db.db.select().from(conversations).where(eq(conversations.id, conversationId));
  return found!;
}

function nextSystem(socket: Socket, type: SystemEvent['type']): Promise<Message> {
  return nextEvent<Message>(socket, 'message:created', (message) => message.event?.type === type);
}

/** A visitor who asked for a person, and the conversation now in the queue. */
async function queuedVisitor(widgetKey: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
  return { visitor, conversationId: conversation.id };
}

describe('a resolved conversation the visitor writes to again', () => {
  it('goes back to the agent who had it while they are online, else to the queue (the default rule)', async () => {
    const { tenant, people } = await organization();
    const [robin] = people as [Person];
    const console1 = await online(robin);
    const { visitor, conversationId } = await queuedVisitor(tenant.widget.publicKey);
    expect((await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { assignToMe: true })).status).toBe(200);
    expect((await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { status: 'resolved' })).status).toBe(200);

    const reopened = nextSystem(visitor, 'reopened');
    const agentSees = nextEvent<ConversationSummary>(console1, 'conversation:updated', (summary) => summary.status === 'agent');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'again', body: 'One more thing' }));
    await reopened;
    expect(await agentSees).toMatchObject({ status: 'agent', assignee: { id: robin.userId, name: robin.name } });
    expect(await row(conversationId)).toMatchObject({ status: 'agent', assigneeId: robin.userId });
    // The bot stayed out of it: no model call for the visitor's message.
    await server.app.bot.idle();
    expect(anthropic.requests).toHaveLength(0);

    // Robin closes the console (offline at once here) and resolves first: the next reopen goes to the queue.
    expect((await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { status: 'resolved' })).status).toBe(200);
    console1.close();
    await waitUntil(async () => (await presenceRows(robin.userId)) === 0, 'Robin offline');
    // Nobody else is online either: the visitor is told so (and asked for a way to be answered).
    const away = nextSystem(visitor, 'away');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'third', body: 'Hello?' }));
    expect((await away).event).toEqual({ type: 'away', reason: 'no_agent', nextOpening: null });
    expect(await row(conversationId)).toMatchObject({ status: 'queued', assigneeId: null });
  });

  it('goes back to the bot when no agent had it, and to the queue when the rule says so', async () => {
    const { tenant, people } = await organization();
    const [robin] = people as [Person];
    await online(robin);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    anthropic.reply({ text: ['Hello!'] });
    const answered = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'a', body: 'Hi' }));
    await answered;
    await server.app.bot.idle();
    expect((await api(`/api/conversations/${sent.conversationId}`, robin.token, 'PATCH', { status: 'resolved' })).status).toBe(200);

    anthropic.reply({ text: ['Welcome back.'] });
    const again = nextEvent<Message>(visitor, 'message:created', (message) => message.author.kind === 'bot');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'b', body: 'Me again' }));
    expect((await again).body).toBe('Welcome back.');
    await server.app.bot.idle();

    // The site owner wants a person for every reopened conversation.
    await server.db.db
      .update(widgets)
      .set({ routing: { strategy: 'manual', teamId: null, reopen: 'queue' } })
      .where(eq(widgets.id, tenant.widget.id));
    expect((await api(`/api/conversations/${sent.conversationId}`, robin.token, 'PATCH', { status: 'resolved' })).status).toBe(200);
    const queued = nextSystem(visitor, 'queued');
    ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'c', body: 'And again' }));
    await queued;
    expect(await row(sent.conversationId)).toMatchObject({ status: 'queued', assigneeId: null });
  });
});

describe('a handoff the bot makes', () => {
  it('is routed at once, like the button', async () => {
    const { tenant, people } = await organization({ strategy: 'round_robin' });
    const [robin] = people as [Person];
    await online(robin);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const joined = nextSystem(visitor, 'agent_joined');
    const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: 'w', body: 'Can I talk to a human please?' }));
    expect((await joined).event).toEqual({ type: 'agent_joined', agentName: robin.name });
    expect(await row(sent.conversationId)).toMatchObject({ status: 'agent', assigneeId: robin.userId });
  });
});

describe('an agent lets go of a conversation', () => {
  it('unassigns it back to the queue, and hands it back to the bot, leaving nobody assigned', async () => {
    const { tenant, people } = await organization();
    const [robin] = people as [Person];
    await online(robin);
    const { visitor, conversationId } = await queuedVisitor(tenant.widget.publicKey);
    expect((await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { assignToMe: true })).status).toBe(200);

    const queued = nextSystem(visitor, 'queued');
    const unassigned = await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { status: 'queued' });
    expect(unassigned.status).toBe(200);
    expect(await jsonOf(unassigned)).toMatchObject({ status: 'queued', assignee: null });
    expect((await queued).body).toBe("You're number 1 in the queue.");

    expect((await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { assignToMe: true })).status).toBe(200);
    const toBot = await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { status: 'bot' });
    // The console shows the truth: the bot has it, nobody is assigned (never "BOT · Assigned to you").
    expect(await jsonOf(toBot)).toMatchObject({ status: 'bot', assignee: null });
    const audit = await server.db.db
      .select({ type: conversationEvents.type })
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, conversationId))
      .orderBy(asc(conversationEvents.id));
    expect(audit.map((event) => event.type).filter((type) => type === 'unassigned')).toHaveLength(2);
  });
});

describe('transfers', () => {
  it('passes a conversation to another agent with a note that only agents ever see', async () => {
    const { tenant, people } = await organization({}, ['agent']);
    const [robin, sam] = people as [Person, Person];
    const samConsole = await online(sam);
    const { visitor, conversationId } = await queuedVisitor(tenant.widget.publicKey);
    const visitorReceived: unknown[] = [];
    visitor.onAny((_event, payload) => visitorReceived.push(payload));
    expect((await api(`/api/conversations/${conversationId}`, robin.token, 'PATCH', { assignToMe: true })).status).toBe(200);

    const note = 'Wants a refund for order 1042; already checked the address.';
    const transferred = nextSystem(visitor, 'transferred');
    const samSees = nextEvent<ConversationSummary>(samConsole, 'conversation:updated', (summary) => summary.assignee?.id === sam.userId);
    const response = await api(`/api/conversations/${conversationId}/transfer`, robin.token, 'POST', {
      target: { to: 'agent', agentId: sam.userId },
      note,
    });
    expect(response.status).toBe(200);
    expect((await transferred).body).toBe(`The conversation was transferred to ${sam.name}.`);
    const summary = await samSees;
    expect(summary).toMatchObject({ status: 'agent', assignee: { id: sam.userId }, transferNote: { note, fromName: robin.name } });

    // The visitor's socket and their sync never carry the note.
    const synced = ok(await request<Ack<{ messages: Message[] }>>(visitor, 'messages:sync', { afterSeq: 0, limit: 100 }));
    expect(JSON.stringify([visitorReceived, synced])).not.toContain('refund for order 1042');

    // Transferring to the one who has it, or to someone outside the organization, is refused.
    const again = await api(`/api/conversations/${conversationId}/transfer`, robin.token, 'POST', {
      target: { to: 'agent', agentId: sam.userId },
    });
    expect(again.status).toBe(409);
    const stranger = await createTenant(server);
    const outside = await api(`/api/conversations/${conversationId}/transfer`, robin.token, 'POST', {
      target: { to: 'agent', agentId: stranger.user.id },
    });
    expect(outside.status).toBe(404);
    expect((await jsonOf(outside)).error.code).toBe('not_found');
    const bad = await api(`/api/conversations/${conversationId}/transfer`, robin.token, 'POST', {
      target: { to: 'agent', agentId: 'sam' },
    });
    expect(bad.status).toBe(400);
    expect((await jsonOf(bad)).error.code).toBe('invalid_payload');
  });

  it("sends a conversation to a team's queue, where only the team's agents are given it", async () => {
    const { tenant, people } = await organization({ strategy: 'round_robin' }, ['agent', 'admin']);
    const [robin, sam, admin] = people as [Person, Person, Person];
    const created = await api('/api/teams', admin.token, 'POST', { name: 'Billing', memberIds: [sam.userId] });
    expect(created.status).toBe(201);
    const billing = (await jsonOf(created)) as Team;
    expect(billing).toMatchObject({ name: 'Billing', memberIds: [sam.userId] });

    // Robin is online and free; routing gives the conversation to Robin first.
    await online(robin);
    const { visitor, conversationId } = await queuedVisitor(tenant.widget.publicKey);
    await waitUntil(async () => (await row(conversationId)).assigneeId === robin.userId, 'routing to Robin');

    const transferred = nextSystem(visitor, 'transferred');
    const response = await api(`/api/conversations/${conversationId}/transfer`, robin.token, 'POST', {
      target: { to: 'team', teamId: billing.id },
    });
    expect(await jsonOf(response)).toMatchObject({ status: 'queued', assignee: null, team: { id: billing.id, name: 'Billing' } });
    expect((await transferred).body).toBe('The conversation was transferred to Billing.');
    // Robin is still free, but not in Billing: the conversation waits for Sam.
    await new Promise((done) => setTimeout(done, 300));
    expect(await row(conversationId)).toMatchObject({ status: 'queued', assigneeId: null, teamId: billing.id });
    await online(sam);
    await waitUntil(async () => (await row(conversationId)).assigneeId === sam.userId, 'routing to Sam');
  });

  it("routes a widget's conversations to its team from the start", async () => {
    const { tenant, people } = await organization({ strategy: 'round_robin' }, ['agent', 'admin']);
    const [robin, sam, admin] = people as [Person, Person, Person];
    const team = (await jsonOf(await api('/api/teams', admin.token, 'POST', { name: 'Sales', memberIds: [sam.userId] }))) as Team;
    await server.db.db
      .update(widgets)
      .set({ routing: { strategy: 'round_robin', teamId: team.id, reopen: 'last_agent' } })
      .where(eq(widgets.id, tenant.widget.id));
    await online(robin);
    await online(sam);
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const first = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
    await waitUntil(async () => (await row(first.id)).assigneeId !== null, 'routing');
    expect(await row(first.id)).toMatchObject({ teamId: team.id, assigneeId: sam.userId });
  });
});

describe('teams', () => {
  it('are managed by admins, unique by name, of one organization, and deleting one frees its conversations and widgets', async () => {
    const { tenant, people } = await organization({}, ['admin']);
    const [robin, admin] = people as [Person, Person];
    expect((await api('/api/teams', robin.token, 'POST', { name: 'Support' })).status).toBe(403);
    const support = (await jsonOf(await api('/api/teams', admin.token, 'POST', { name: 'Support', memberIds: [robin.userId] }))) as Team;
    const duplicate = await api('/api/teams', admin.token, 'POST', { name: 'support' });
    expect(duplicate.status).toBe(409);
    expect((await jsonOf(duplicate)).error.code).toBe('conflict');
    const stranger = await createTenant(server);
    const foreign = await api('/api/teams', admin.token, 'POST', { name: 'Mixed', memberIds: [stranger.user.id] });
    expect(foreign.status).toBe(404);
    expect((await jsonOf(await api('/api/teams', robin.token))).teams).toEqual([support]);
    const theirToken = (await login(server, stranger.email, stranger.password)).token;
    expect((await jsonOf(await api('/api/teams', theirToken))).teams).toEqual([]);
    expect((await api(`/api/teams/${support.id}`, theirToken, 'PATCH', { name: 'Ours now' })).status).toBe(403);

    const renamed = await api(`/api/teams/${support.id}`, admin.token, 'PATCH', { name: 'Care', memberIds: [] });
    expect(await jsonOf(renamed)).toEqual({ id: support.id, name: 'Care', memberIds: [], botProfileId: null });

    await server.db.db
      .update(widgets)
      .set({ routing: { strategy: 'manual', teamId: support.id, reopen: 'last_agent' } })
      .where(eq(widgets.id, tenant.widget.id));
    const { conversationId } = await queuedVisitor(tenant.widget.publicKey);
    expect((await row(conversationId)).teamId).toBe(support.id);
    expect((await api(`/api/teams/${support.id}`, admin.token, 'DELETE')).status).toBe(204);
    expect((await row(conversationId)).teamId).toBeNull();
    const [widget] = await server.db.db.select().from(widgets).where(eq(widgets.id, tenant.widget.id));
    expect(widget!.routing).toMatchObject({ teamId: null });
    expect((await api(`/api/teams/${support.id}`, admin.token, 'DELETE')).status).toBe(404);
  });

  it('take every naughty string as a name or refuse it with invalid_payload, and keep it exactly', async () => {
    const { people } = await organization({}, ['admin']);
    const admin = people[1]!;
    const codes = new Set<string>();
    for (const [index, name] of naughtyStrings().entries()) {
      const response = await api('/api/teams', admin.token, 'POST', { name: `${name} ${index}` });
      if (response.status === 201) expect((await jsonOf(response)).name).toBe(`${name} ${index}`.trim());
      else codes.add(`${response.status} ${(await jsonOf(response)).error.code}`);
    }
    expect([...codes].every((code) => code === '400 invalid_payload')).toBe(true);
  });

  it('carry a transfer note of naughty strings to agents unchanged', async () => {
    const { tenant, people } = await organization({}, ['agent']);
    const [robin, sam] = people as [Person, Person];
    const { conversationId } = await queuedVisitor(tenant.widget.publicKey);
    const seen = collect<ConversationSummary>(await online(robin), 'conversation:updated');
    let target = sam;
    for (const name of naughtyStrings().slice(0, 120)) {
      const response = await api(`/api/conversations/${conversationId}/transfer`, robin.token, 'POST', {
        target: { to: 'agent', agentId: target.userId },
        note: name,
      });
      if (response.status !== 200) {
        expect((await jsonOf(response)).error.code).toBe('invalid_payload');
        continue;
      }
      const summary = (await jsonOf(response)) as ConversationSummary;
      expect(summary.transferNote?.note ?? '').toBe(name.trim());
      target = target === sam ? robin : sam;
    }
    expect(seen.length).toBeGreaterThan(0);
  });
});
