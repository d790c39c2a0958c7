import { randomUUID } from 'node:crypto';
import { conversationEvents, conversations, memberships, organizations } from '@parley/db';
import type { Ack, MessageSent } from '@parley/protocol';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import type { RoutingStrategy } from '../src/widgets/routing-config.js';
import {
  connectAgent,
  connectVisitor,
  createTenant,
  login,
  ok,
  request,
  startSecondApp,
  useTestServer,
  type TestServer,
} from './helpers/server.js';

// A long lease, so a heartbeat delayed by a busy embedded database never takes an agent offline mid-test.
const server = useTestServer({ PARLEY_PRESENCE_HEARTBEAT_MS: '1000', PARLEY_PRESENCE_GRACE_MS: '200' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

interface Agent {
  userId: string;
  token: string;
}

/** An organization whose widget routes by `strategy`, with `count` agents (none connected yet). */
async function organization(strategy: RoutingStrategy, count: number, defaultMaxConversations = 5) {
  const tenant = await createTenant(server, { routing: { strategy } });
  await server.db.db.update(organizations).set({ defaultMaxConversations }).where(eq(organizations.id, tenant.organization.id));
  const agents: Agent[] = [{ userId: tenant.user.id, token: (await login(server, tenant.email, tenant.password)).token }];
  for (let index = 1; index < count; index++) {
    const email = `agent-${randomUUID().slice(0, 8)}@shop.example`;
    const password = `pw-${randomUUID()}`;
    const user = await createAgent(server.db.db, {
      organizationId: tenant.organization.id,
      email,
      name: `Agent ${index}`,
      password,
      role: 'agent',
    });
    agents.push({ userId: user.id, token: (await login(server, email, password)).token });
  }
  return { tenant, agents, organizationId: tenant.organization.id, widgetKey: tenant.widget.publicKey };
}

/** Polls `read` until `done`; after `timeoutMs` throws, or with `settle` returns the last value (the caller counts it). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, settle = false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline && settle) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await pause(20);
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

async function hasSession(userId: string): Promise<boolean> {
  const rows = await server.db.db.execute(sql`select 1 from agent_sessions where user_id = ${userId}`);
  return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows).length > 0;
}

/** Connects the agent's console and waits until their presence row is written (they are online). */
async function goOnline(agent: Agent, target: TestServer = server): Promise<Socket> {
  const socket = await connectAgent(target, agent.token);
  sockets.push(socket);
  await until(() => hasSession(agent.userId), Boolean, 'the presence row');
  return socket;
}

/** A visitor writes through a widget whose bot is off: the conversation starts in the queue. */
async function queueConversation(widgetKey: string, target: TestServer = server): Promise<string> {
  const visitor = await connectVisitor(target, { widgetKey });
  sockets.push(visitor);
  const sent = ok(await request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body: 'Hello, anyone there?' }));
  return sent.conversationId;
}

async function conversationRow(id: string) {
  const [row] = await server.db.db.select().from(conversations).where(eq(conversations.id, id));
  return row!;
}

async function assigneeOf(id: string): Promise<string> {
  const row = await until(
    () => conversationRow(id),
    (found) => found.status === 'agent',
    'the assignment',
  );
  return row.assigneeId!;
}

/** Waits long enough for routing to have acted on everything already triggered, then reads the conversation. */
async function settled(id: string) {
  await pause(300);
  return conversationRow(id);
}

function resolveConversation(target: TestServer, conversationId: string, token: string) {
  return fetch(`${target.url}/api/conversations/${conversationId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ status: 'resolved' }),
  });
}

describe('routing', () => {
  it('gives queued conversations round-robin to the online agent assigned least recently', async () => {
    const { agents, widgetKey } = await organization('round_robin', 3);
    for (const agent of agents) await goOnline(agent);
    const order: string[] = [];
    for (let index = 0; index < 6; index++) order.push(await assigneeOf(await queueConversation(widgetKey)));
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order.slice(3)).toEqual(order.slice(0, 3));
  });

  it('tells the visitor who joined, through the state machine', async () => {
    const { agents, widgetKey } = await organization('round_robin', 1);
    await goOnline(agents[0]!);
    const id = await queueConversation(widgetKey);
    await assigneeOf(id);
    // In the order they happened (Postgres returns rows in any order without one).
    const events = await server.db.db
      .select()
      .from(conversationEvents)
      .where(eq(conversationEvents.conversationId, id))
      .orderBy(asc(conversationEvents.id));
    expect(events.map((event) => event.type)).toEqual(['created', 'status_changed', 'assigned']);
  });

  it('gives least-loaded conversations to the agent with the fewest, ties to the one assigned least recently', async () => {
    const { agents, widgetKey } = await organization('least_loaded', 3);
    const [a, b, c] = agents as [Agent, Agent, Agent];
    await goOnline(a);
    expect(await assigneeOf(await queueConversation(widgetKey))).toBe(a.userId);
    expect(await assigneeOf(await queueConversation(widgetKey))).toBe(a.userId);
    await goOnline(b);
    expect(await assigneeOf(await queueConversation(widgetKey))).toBe(b.userId);
    await goOnline(c);
    // Loads a 2, b 1, c 0: c; then b and c have one each, b was given one longer ago: b; then c.
    const next: string[] = [];
    for (let index = 0; index < 3; index++) next.push(await assigneeOf(await queueConversation(widgetKey)));
    expect(next).toEqual([c.userId, b.userId, c.userId]);
  });

  it('respects capacity: the queue waits while everyone is full and moves when a slot is freed', async () => {
    // One agent's own limit, the other the organization's default.
    const { agents, widgetKey, organizationId } = await organization('round_robin', 2, 1);
    const [a, b] = agents as [Agent, Agent];
    await server.db.db
      .update(memberships)
      .set({ maxConversations: 1 })
      .where(and(eq(memberships.userId, a.userId), eq(memberships.organizationId, organizationId)));
    await goOnline(a);
    await goOnline(b);
    const first = await queueConversation(widgetKey);
    const second = await queueConversation(widgetKey);
    const assigned = [await assigneeOf(first), await assigneeOf(second)];
    expect(assigned.toSorted()).toEqual([a.userId, b.userId].toSorted());
    const third = await queueConversation(widgetKey);
    expect((await settled(third)).status).toBe('queued');

    const freed = agents.find((agent) => agent.userId === assigned[0])!;
    expect((await resolveConversation(server, first, freed.token)).status).toBe(200);
    expect(await assigneeOf(third)).toBe(freed.userId);
  });

  it('gives nothing to away or offline agents', async () => {
    const { agents, widgetKey } = await organization('round_robin', 3);
    const [away, , available] = agents as [Agent, Agent, Agent];
    const awaySocket = await goOnline(away);
    ok(await request(awaySocket, 'presence:set', { status: 'away' }));
    await goOnline(available);
    for (let index = 0; index < 3; index++) expect(await assigneeOf(await queueConversation(widgetKey))).toBe(available.userId);
  });

  it('gives the oldest queued conversation to an agent who comes online', async () => {
    const { agents, widgetKey } = await organization('round_robin', 1, 1);
    const older = await queueConversation(widgetKey);
    const newer = await queueConversation(widgetKey);
    expect((await settled(older)).status).toBe('queued');
    await goOnline(agents[0]!);
    expect(await assigneeOf(older)).toBe(agents[0]!.userId);
    expect((await settled(newer)).status).toBe('queued');
  });

  it('leaves the conversations of a manual widget in the queue', async () => {
    const { agents, widgetKey } = await organization('manual', 1);
    const waiting = await queueConversation(widgetKey);
    await goOnline(agents[0]!);
    expect((await settled(waiting)).status).toBe('queued');
    const later = await queueConversation(widgetKey);
    expect((await settled(later)).status).toBe('queued');
  });

  it('lets a manual claim racing routing keep the conversation: routing never takes a claimed one away', async () => {
    const second = await startSecondApp(server);
    try {
      const { agents, widgetKey } = await organization('round_robin', 3, 100);
      // The third agent only claims by hand; offline, routing never picks them.
      const [a, b, claimer] = agents as [Agent, Agent, Agent];
      const apps = [server, second];
      await goOnline(a, server);
      await goOnline(b, second);
      const total = 60;
      const claims = await Promise.all(
        Array.from({ length: total }, async (_, index) => {
          const id = await queueConversation(widgetKey, apps[index % 2]);
          const response = await fetch(`${apps[(index + 1) % 2]!.url}/api/conversations/${id}`, {
            method: 'PATCH',
            headers: { authorization: `Bearer ${claimer.token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ assignToMe: true }),
          });
          return { id, status: response.status };
        }),
      );
      expect(claims.every((claim) => claim.status === 200)).toBe(true);
      await pause(300);
      const ids = claims.map((claim) => claim.id);
      const rows = await server.db.db.select().from(conversations).where(inArray(conversations.id, ids));
      const lostClaims = rows.filter((row) => row.status !== 'agent' || row.assigneeId !== claimer.userId).length;
      const events = await server.db.db
        .select()
        .from(conversationEvents)
        .where(and(inArray(conversationEvents.conversationId, ids), eq(conversationEvents.type, 'assigned')));
      // Routing won the race sometimes (then the claim took the conversation over), the claim the other times.
      const routedFirst = events.filter((event) => (event.data as { assigneeId?: string }).assigneeId !== claimer.userId).length;
      expect(lostClaims).toBe(0);
      // One assignment by the claim each, plus at most one by routing before it: none after.
      expect(events.length).toBe(total + routedFirst);
    } finally {
      await second.close();
    }
  }, 60_000);

  it('never gives a conversation to two agents nor an agent more than their capacity, with two processes racing', async () => {
    const second = await startSecondApp(server);
    try {
      const capacity = 3;
      const { agents, widgetKey } = await organization('least_loaded', 4, capacity);
      const slots = agents.length * capacity;
      const apps = [server, second];
      for (const [index, agent] of agents.entries()) await goOnline(agent, apps[index % 2]);
      const total = 240;
      // In waves of 40 through both processes at once: routing still races on every arrival, while 240 sockets
      // connecting in one go could outlast socket.io's 20 s connect timeout on a loaded CI machine.
      const ids: string[] = [];
      for (let start = 0; start < total; start += 40) {
        const wave = Array.from({ length: 40 }, (_, offset) => queueConversation(widgetKey, apps[(start + offset) % 2]));
        ids.push(...(await Promise.all(wave)));
      }

      let overCapacity = 0;
      let handled = 0;
      const tokenOf = new Map(agents.map((agent) => [agent.userId, agent.token]));
      for (let round = 0; handled < total; round++) {
        const expected = Math.min(slots, total - handled);
        await until(
          () =>
            server.db.db
              .select({ id: conversations.id })
              .from(conversations)
              .where(and(inArray(conversations.id, ids), eq(conversations.status, 'agent'))),
          (rows) => rows.length >= expected,
          `round ${round}'s assignments`,
          true,
          5000,
        );
        // Anything routing would still (wrongly) do has time to happen before the count.
        await pause(100);
        const rows = await server.db.db
          .select({ id: conversations.id, assigneeId: conversations.assigneeId })
          .from(conversations)
          .where(and(inArray(conversations.id, ids), eq(conversations.status, 'agent')));
        const load = new Map<string, number>();
        for (const row of rows) load.set(row.assigneeId!, (load.get(row.assigneeId!) ?? 0) + 1);
        for (const count of load.values()) overCapacity += Math.max(0, count - capacity);
        // Stuck (nothing assigned though the queue is not empty): the assertions below report how far it got.
        if (rows.length === 0) break;
        // Free every slot at once, half through each process: both route the queue at the same time.
        const responses = await Promise.all(
          rows.map((row, index) => resolveConversation(apps[index % 2]!, row.id, tokenOf.get(row.assigneeId!)!)),
        );
        expect(responses.every((response) => response.status === 200)).toBe(true);
        handled += rows.length;
      }
      const assignedEvents = await server.db.db
        .select({ conversationId: conversationEvents.conversationId, count: sql<number>`count(*)` })
        .from(conversationEvents)
        .where(and(inArray(conversationEvents.conversationId, ids), eq(conversationEvents.type, 'assigned')))
        .groupBy(conversationEvents.conversationId);
      const doubleAssignments = assignedEvents.filter((row) => Number(row.count) > 1).length;
      expect({ doubleAssignments, overCapacity, assigned: assignedEvents.length }).toEqual({
        doubleAssignments: 0,
        overCapacity: 0,
        assigned: total,
      });
    } finally {
      await second.close();
    }
  }, 120_000);
});
