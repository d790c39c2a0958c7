import { randomUUID } from 'node:crypto';
import { conversations } from '@parley/db';
import type { Ack, ConversationSummary, MessageSent, RoutingSettings, Session, Team, VisitorConversation } from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  ok,
  request,
  useTestServer,
  apiRequest,
  waitUntil,
} from './helpers/server.js';
import { naughtyStrings } from './helpers/naughty-strings.js';

// Admins set how conversations reach agents; each change takes effect at once.
const server = useTestServer({ PARLEY_PRESENCE_HEARTBEAT_MS: '1000', PARLEY_PRESENCE_GRACE_MS: '200' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function organization() {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  const agentToken = (await login(server, tenant.email, tenant.password)).token;
  const email = `admin-${randomUUID().slice(0, 8)}@shop.example`;
  const password = `pw-${randomUUID()}`;
  await createAgent(server.db.db, { organizationId: tenant.organization.id, email, name: 'Admin', password, role: 'admin' });
  const adminToken = (await login(server, email, password)).token;
  return { tenant, agentToken, adminToken };
}

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

async function conversation(id: string) {
  const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, id));
  return row!;
}

async function queued(widgetKey: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  return { visitor, id: ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {})).id };
}

describe('routing settings', () => {
  it('are for admins, and show the capacities and every widget’s routing', async () => {
    const { tenant, agentToken, adminToken } = await organization();
    expect((await api('/api/routing', agentToken)).status).toBe(403);
    expect((await api('/api/routing', agentToken, 'PATCH', { defaultMaxConversations: 9 })).status).toBe(403);
    const settings = (await jsonOf(await api('/api/routing', adminToken))) as RoutingSettings;
    expect(settings).toMatchObject({
      defaultMaxConversations: 5,
      widgets: [{ id: tenant.widget.id, routing: { strategy: 'manual', teamId: null, reopen: 'last_agent', hours: null } }],
    });
    expect(settings.agents.map((agent) => agent.maxConversations)).toEqual([null, null]);
  });

  it('route the waiting conversations at once when a widget leaves manual, and respect a new capacity', async () => {
    const { tenant, agentToken, adminToken } = await organization();
    sockets.push(await connectAgent(server, agentToken));
    const first = await queued(tenant.widget.publicKey);
    const second = await queued(tenant.widget.publicKey);
    // Manual: nobody is given anything. One at a time for this agent, then round-robin.
    const capped = await api(`/api/routing/agents/${tenant.user.id}`, adminToken, 'PATCH', { maxConversations: 1 });
    expect(((await jsonOf(capped)) as RoutingSettings).agents.find((agent) => agent.userId === tenant.user.id)?.maxConversations).toBe(1);
    const changed = await api(`/api/routing/widgets/${tenant.widget.id}`, adminToken, 'PATCH', { strategy: 'round_robin' });
    expect(await jsonOf(changed)).toEqual({ strategy: 'round_robin', teamId: null, reopen: 'last_agent', hours: null, topics: [] });
    await waitUntil(async () => (await conversation(first.id)).status === 'agent', 'the first conversation routed');
    await new Promise((done) => setTimeout(done, 300));
    expect((await conversation(second.id)).status).toBe('queued');

    expect((await api(`/api/routing/agents/${tenant.user.id}`, adminToken, 'PATCH', { maxConversations: null })).status).toBe(200);
    await waitUntil(async () => (await conversation(second.id)).status === 'agent', 'the second conversation routed');
  });

  it("give a widget's new conversations its team, also to a visitor connected before the change", async () => {
    const { tenant, adminToken } = await organization();
    const team = (await jsonOf(await api('/api/teams', adminToken, 'POST', { name: 'Returns' }))) as Team;
    const early = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(early);
    expect((await api(`/api/routing/widgets/${tenant.widget.id}`, adminToken, 'PATCH', { teamId: team.id })).status).toBe(200);
    const asked = ok(await request<Ack<VisitorConversation>>(early, 'handoff:request', {}));
    expect((await conversation(asked.id)).teamId).toBe(team.id);
  });

  it("refuse another organization's widgets, agents and teams, and values out of range", async () => {
    const { tenant, adminToken } = await organization();
    const other = await organization();
    const otherTeam = (await jsonOf(await api('/api/teams', other.adminToken, 'POST', { name: 'Theirs' }))) as Team;
    const refusals: Array<[string, string, unknown, number]> = [
      [`/api/routing/widgets/${other.tenant.widget.id}`, 'PATCH', { strategy: 'least_loaded' }, 404],
      [`/api/routing/widgets/${tenant.widget.id}`, 'PATCH', { teamId: otherTeam.id }, 404],
      [`/api/routing/agents/${other.tenant.user.id}`, 'PATCH', { maxConversations: 3 }, 404],
      [`/api/routing/widgets/${tenant.widget.id}`, 'PATCH', { strategy: 'random' }, 400],
      [`/api/routing/widgets/${tenant.widget.id}`, 'PATCH', {}, 400],
      [`/api/routing/widgets/not-a-uuid`, 'PATCH', { strategy: 'manual' }, 400],
      [`/api/routing/agents/${tenant.user.id}`, 'PATCH', { maxConversations: 0 }, 400],
      [`/api/routing/agents/${tenant.user.id}`, 'PATCH', { maxConversations: 101 }, 400],
      [`/api/routing/agents/${tenant.user.id}`, 'PATCH', { maxConversations: 1.5 }, 400],
      ['/api/routing', 'PATCH', { defaultMaxConversations: -1 }, 400],
    ];
    for (const [path, method, body, status] of refusals) {
      const response = await api(path, adminToken, method, body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect((await jsonOf(response)).error.code).toBe(status === 404 ? 'not_found' : 'invalid_payload');
    }
    const settings = (await jsonOf(await api('/api/routing', other.adminToken))) as RoutingSettings;
    expect(settings.widgets[0]!.routing.strategy).toBe('manual');
    expect(settings.agents.every((agent) => agent.maxConversations === null)).toBe(true);
  });
});

describe('pre-chat topics', () => {
  it('offer the visitor a choice whose team gets the conversation, without showing the teams', async () => {
    const { tenant, agentToken, adminToken } = await organization();
    const billing = (await jsonOf(await api('/api/teams', adminToken, 'POST', { name: `Billing ${randomUUID().slice(0, 6)}` }))) as Team;
    const topics = [
      { id: 'billing', label: 'Billing', teamId: billing.id },
      { id: 'tech', label: 'Technical help', teamId: null },
    ];
    const set = await api(`/api/routing/widgets/${tenant.widget.id}`, adminToken, 'PATCH', { topics });
    expect(set.status).toBe(200);
    expect((await jsonOf(set)).topics).toEqual(topics);

    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const session = ok(await request<Ack<Session>>(visitor, 'session:get'));
    expect(session.topics).toEqual([
      { id: 'billing', label: 'Billing' },
      { id: 'tech', label: 'Technical help' },
    ]);
    const sent = ok(
      await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'My invoice is wrong', topic: 'billing' }),
    );
    expect(await conversation(sent.conversationId)).toMatchObject({ teamId: billing.id, topic: 'Billing' });
    const list = (await jsonOf(await api('/api/conversations', agentToken))) as { conversations: ConversationSummary[] };
    expect(list.conversations.find((summary) => summary.id === sent.conversationId)).toMatchObject({
      topic: 'Billing',
      team: { id: billing.id },
    });

    // A topic without a team keeps the widget's; one the widget no longer offers is no topic, and the message is kept.
    for (const [topic, expected] of [
      ['tech', { teamId: null, topic: 'Technical help' }],
      ['gone', { teamId: null, topic: null }],
    ] as const) {
      const other = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
      sockets.push(other);
      const first = ok(await request<Ack<MessageSent>>(other, 'message:send', { clientId: randomUUID(), body: 'Hello', topic }));
      expect(await conversation(first.conversationId)).toMatchObject(expected);
    }
  });

  it('refuse a team of another organization, repeated ids and malformed topics with typed errors', async () => {
    const { tenant, adminToken } = await organization();
    const other = await organization();
    const foreign = (await jsonOf(
      await api('/api/teams', other.adminToken, 'POST', { name: `Sales ${randomUUID().slice(0, 6)}` }),
    )) as Team;
    const path = `/api/routing/widgets/${tenant.widget.id}`;
    const foreignTeam = await api(path, adminToken, 'PATCH', { topics: [{ id: 'sales', label: 'Sales', teamId: foreign.id }] });
    expect(foreignTeam.status).toBe(404);
    const twice = await api(path, adminToken, 'PATCH', {
      topics: [
        { id: 'a', label: 'A', teamId: null },
        { id: 'a', label: 'B', teamId: null },
      ],
    });
    expect((await jsonOf(twice)).error.code).toBe('invalid_payload');

    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const codes = new Set<string>();
    for (const value of naughtyStrings()) {
      if (/^[a-z0-9][a-z0-9-]{0,39}$/.test(value)) continue;
      const topic = await api(path, adminToken, 'PATCH', { topics: [{ id: value, label: 'x', teamId: null }] });
      codes.add((await jsonOf(topic)).error.code);
      const sent = await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Hi', topic: value });
      if (!sent.ok) codes.add(sent.error.code);
      else throw new Error(`a message with topic ${JSON.stringify(value)} was accepted`);
    }
    expect([...codes]).toEqual(['invalid_payload']);
    expect(((await jsonOf(await api('/api/routing', adminToken))) as RoutingSettings).widgets[0]!.routing.topics).toEqual([]);
  });
});
