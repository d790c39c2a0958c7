import { randomUUID } from 'node:crypto';
import { conversationEvents, conversations, jobs, messages, tickets } from '@parley/db';
import type { Ack, ConversationSummary, MessageSent, SlaPolicy, SystemEvent, VisitorConversation } from '@parley/protocol';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/seed/accounts.js';
import { TICKET_CHECK_JOB } from '../src/handoff/tickets.js';
import { naughtyStrings } from './helpers/naughty-strings.js';
import {
  apiRequest,
  connectVisitor,
  createTenant,
  jsonOf,
  login,
  ok,
  openConsole,
  request,
  startSecondApp,
  useTestServer,
  waitUntil,
} from './helpers/server.js';

// Follow-ups: a conversation nobody could answer becomes a ticket with SLA clocks that a job keeps, once per deadline,
// whichever process runs it.
const server = useTestServer({ PARLEY_PRESENCE_HEARTBEAT_MS: '1000', PARLEY_PRESENCE_GRACE_MS: '0' });

const sockets: Socket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

const api = (path: string, token: string, method = 'GET', body?: unknown) => apiRequest(server, path, token, method, body);

/** This file's organizations: its polls claim only their jobs, never another suite's on a shared database. */
const organizationIds: string[] = [];

async function organization() {
  const tenant = await createTenant(server, { bot: { enabled: true } });
  organizationIds.push(tenant.organization.id);
  const agentToken = (await login(server, tenant.email, tenant.password)).token;
  const email = `admin-${randomUUID().slice(0, 8)}@shop.example`;
  const password = `pw-${randomUUID()}`;
  await createAgent(server.db.db, { organizationId: tenant.organization.id, email, name: 'Admin', password, role: 'admin' });
  const adminToken = (await login(server, email, password)).token;
  return { tenant, agentToken, adminToken };
}

/** A visitor asks for a person while nobody is online: the `away` line, and a follow-up opens. */
async function unansweredVisitor(widgetKey: string) {
  const visitor = await connectVisitor(server, { widgetKey });
  sockets.push(visitor);
  const conversation = ok(await request<Ack<VisitorConversation>>(visitor, 'handoff:request', {}));
  await waitUntil(async () => (await ticketRow(conversation.id)) !== undefined, 'the follow-up opened');
  return { visitor, id: conversation.id };
}

async function ticketRow(conversationId: string) {
  const [row] = await server.db.db.select().from(tickets).where(eq(tickets.conversationId, conversationId));
  return row;
}

async function summary(token: string, conversationId: string): Promise<ConversationSummary> {
  const list = (await jsonOf(await api('/api/conversations', token))) as { conversations: ConversationSummary[] };
  return list.conversations.find((conversation) => conversation.id === conversationId)!;
}

/** The recorded warnings and breaches of conversations, as `metric:type` strings. */
async function slaEvents(conversationIds: string[]): Promise<string[]> {
  const rows = await server.db.db
    .select({ type: conversationEvents.type, data: conversationEvents.data })
    .from(conversationEvents)
    .where(
      and(inArray(conversationEvents.conversationId, conversationIds), inArray(conversationEvents.type, ['sla_warning', 'sla_breached'])),
    );
  return rows.map((row) => `${String(row.data.metric)}:${row.type}`).toSorted();
}

/** Runs due ticket checks until none is due: a check may schedule the next one at once. */
async function runChecks(): Promise<void> {
  while ((await server.app.jobs.runDue({ organizationIds })) > 0);
}

/** Moves a follow-up's opening back in time, as if it had waited that long. */
async function openedAgo(conversationId: string, minutes: number): Promise<void> {
  await server.db.db
    .update(tickets)
    .set({ createdAt: sql`now() - make_interval(mins => ${minutes})` })
    .where(eq(tickets.conversationId, conversationId));
}

const sendVisitor = (visitor: Socket, body: string) =>
  request<Ack<MessageSent>>(visitor, 'message:send', { clientId: randomUUID(), body }).then(ok);

const codeOf = async (response: Response) => ({ status: response.status, code: (await jsonOf(response)).error?.code });

describe('follow-up tickets', () => {
  it('open when nobody can answer, with first-response and resolution clocks the console sees', async () => {
    const { tenant, agentToken } = await organization();
    const { id } = await unansweredVisitor(tenant.widget.publicKey);
    await runChecks();
    const { ticket } = await summary(agentToken, id);
    expect(ticket).toMatchObject({ status: 'open', priority: 'normal', pendingSince: null });
    expect(ticket!.sla.map((clock) => [clock.metric, clock.state])).toEqual([
      ['first_response', 'running'],
      ['resolution', 'running'],
    ]);
    // Normal priority, no business hours: due 4 hours after it opened.
    const [first] = ticket!.sla;
    expect(new Date(first!.dueAt!).getTime() - new Date(ticket!.createdAt).getTime()).toBe(4 * 3_600_000);
    const [opened] = await server.db.db
      .select()
      .from(conversationEvents)
      .where(and(eq(conversationEvents.conversationId, id), eq(conversationEvents.type, 'ticket_opened')));
    expect(opened).toMatchObject({ actorKind: 'system', data: { priority: 'normal' } });
  });

  it('stop the first-response clock at the agent’s reply and run next response when the visitor writes again', async () => {
    const { tenant, agentToken } = await organization();
    const { visitor, id } = await unansweredVisitor(tenant.widget.publicKey);
    await runChecks();
    const reply = await api(`/api/conversations/${id}/messages`, agentToken, 'POST', { clientId: randomUUID(), body: 'Back now, sorry!' });
    expect(reply.status).toBe(200);
    await waitUntil(
      async () => (await ticketRow(id))!.sla.every((clock) => clock.metric !== 'first_response') || (await runChecks(), false),
      'first response met',
    );
    expect((await ticketRow(id))!.sla.map((clock) => clock.metric)).toEqual(['resolution']);

    await sendVisitor(visitor, 'Still broken, though.');
    await waitUntil(async () => (await runChecks(), (await ticketRow(id))!.sla.length === 2), 'next response running');
    const [next] = (await ticketRow(id))!.sla;
    expect(next).toMatchObject({ metric: 'next_response', state: 'running' });
    expect(await slaEvents([id])).toEqual([]);
  });

  it('record each warning and breach once, though two processes check the same overdue tickets at the same time', async () => {
    const { tenant, agentToken } = await organization();
    const ids: string[] = [];
    for (let index = 0; index < 12; index += 1) ids.push((await unansweredVisitor(tenant.widget.publicKey)).id);
    await runChecks();
    // First response (4 h) breached, resolution (24 h) in its warning half hour.
    for (const id of ids) await openedAgo(id, 24 * 60 - 10);
    await server.db.db
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(and(eq(jobs.kind, TICKET_CHECK_JOB), inArray(jobs.key, ids)));

    const second = await startSecondApp(server);
    try {
      // Each round both processes poll at once; a check also asked for again right away runs once more.
      for (let round = 0; round < 5; round += 1) {
        await Promise.all([server.app.jobs.runDue({ organizationIds }), second.app.jobs.runDue({ organizationIds })]);
        await server.db.db
          .update(jobs)
          .set({ runAt: sql`now()`, doneAt: null })
          .where(and(eq(jobs.kind, TICKET_CHECK_JOB), inArray(jobs.key, ids)));
      }
    } finally {
      await second.close();
    }
    const expected = ids.flatMap(() => ['first_response:sla_breached', 'resolution:sla_warning']).toSorted();
    expect(await slaEvents(ids)).toEqual(expected);
    const { ticket } = await summary(agentToken, ids[0]!);
    expect(ticket!.sla.map((clock) => [clock.metric, clock.state])).toEqual([
      ['first_response', 'breached'],
      ['resolution', 'warning'],
    ]);
  });

  it('wait on the customer until they write, and resolve one who never does after the policy’s hours', async () => {
    const { tenant, agentToken } = await organization();
    const first = await unansweredVisitor(tenant.widget.publicKey);
    const pending = await jsonOf(await api(`/api/conversations/${first.id}/ticket`, agentToken, 'PATCH', { pending: true }));
    expect(pending.ticket).toMatchObject({ status: 'pending' });
    await runChecks();
    expect((await ticketRow(first.id))!.sla.map((clock) => clock.metric)).toEqual(['resolution']);
    await sendVisitor(first.visitor, 'Here is the order number: 1042');
    await waitUntil(async () => (await runChecks(), (await ticketRow(first.id))!.pendingSince === null), 'pending cleared');
    expect((await summary(agentToken, first.id)).ticket).toMatchObject({ status: 'open' });

    const second = await unansweredVisitor(tenant.widget.publicKey);
    await api(`/api/conversations/${second.id}/ticket`, agentToken, 'PATCH', { pending: true });
    await server.db.db
      .update(tickets)
      .set({ pendingSince: sql`now() - interval '73 hours'` })
      .where(eq(tickets.conversationId, second.id));
    await server.db.db
      .update(jobs)
      .set({ runAt: sql`now()` })
      .where(and(eq(jobs.kind, TICKET_CHECK_JOB), eq(jobs.key, second.id)));
    await runChecks();
    const [conversation] = await server.db.db.select().from(conversations).where(eq(conversations.id, second.id));
    expect(conversation!.status).toBe('resolved');
    const lines = await server.db.db
      .select({ metadata: messages.metadata })
      .from(messages)
      .where(and(eq(messages.conversationId, second.id), eq(messages.authorKind, 'system')))
      .orderBy(messages.seq);
    expect(lines.map((line) => (line.metadata.event as SystemEvent).type).at(-1)).toBe('resolved');
    expect((await summary(agentToken, second.id)).ticket).toMatchObject({ status: 'resolved', sla: [] });
  });

  it('can be opened by an agent with a priority, once, and follow the organization’s SLA policy', async () => {
    const { tenant, agentToken, adminToken } = await organization();
    sockets.push(await openConsole(server, tenant));
    const visitor = await connectVisitor(server, { widgetKey: tenant.widget.publicKey });
    sockets.push(visitor);
    const sent = await sendVisitor(visitor, 'Can someone call me back tomorrow?');
    const id = sent.conversationId;

    const policy: SlaPolicy = {
      targets: {
        urgent: { firstResponseMinutes: 10, nextResponseMinutes: 20, resolutionMinutes: null },
        high: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
        normal: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440 },
        low: { firstResponseMinutes: 480, nextResponseMinutes: 1440, resolutionMinutes: 4320 },
      },
      warnBeforeMinutes: 5,
      resolvePendingAfterHours: null,
    };
    expect((await api('/api/routing/sla', agentToken, 'PUT', policy)).status).toBe(403);
    expect(await jsonOf(await api('/api/routing/sla', adminToken, 'PUT', policy))).toEqual(policy);
    expect(await jsonOf(await api('/api/routing/sla', adminToken))).toEqual(policy);

    const opened = await api(`/api/conversations/${id}/ticket`, agentToken, 'POST', { priority: 'urgent' });
    expect(opened.status).toBe(200);
    expect((await jsonOf(opened)).ticket).toMatchObject({ status: 'open', priority: 'urgent' });
    const again = await api(`/api/conversations/${id}/ticket`, agentToken, 'POST', { priority: 'low' });
    expect(again.status).toBe(409);
    expect((await jsonOf(again)).error.code).toBe('conflict');
    await runChecks();
    const [clock] = (await ticketRow(id))!.sla;
    expect(clock).toMatchObject({ metric: 'first_response' });
    expect(new Date(clock!.dueAt!).getTime() - new Date(clock!.startedAt).getTime()).toBe(10 * 60_000);
    expect((await ticketRow(id))!.sla).toHaveLength(1);

    await api(`/api/conversations/${id}/ticket`, agentToken, 'PATCH', { priority: 'high' });
    await runChecks();
    expect((await ticketRow(id))!.sla.map((entry) => entry.metric)).toEqual(['first_response', 'resolution']);
  });

  it('answer bad input with typed errors and keep other organizations’ conversations out of reach', async () => {
    const { tenant, agentToken, adminToken } = await organization();
    const other = await organization();
    const { id } = await unansweredVisitor(tenant.widget.publicKey);
    const notFollowUp = (await unansweredVisitor(other.tenant.widget.publicKey)).id;
    await server.db.db.delete(tickets).where(eq(tickets.conversationId, notFollowUp));

    expect(await codeOf(await api(`/api/conversations/${id}/ticket`, other.agentToken, 'PATCH', { priority: 'high' }))).toEqual({
      status: 404,
      code: 'not_found',
    });
    expect(await codeOf(await api(`/api/conversations/${notFollowUp}/ticket`, other.agentToken, 'PATCH', { pending: true }))).toEqual({
      status: 404,
      code: 'not_found',
    });
    expect(await codeOf(await api(`/api/conversations/${id}/ticket`, agentToken, 'PATCH', {}))).toMatchObject({ code: 'invalid_payload' });
    expect(await codeOf(await api('/api/routing/sla', adminToken, 'PUT', { warnBeforeMinutes: -1 }))).toMatchObject({
      code: 'invalid_payload',
    });
    const codes = new Set<string>();
    for (const value of naughtyStrings()) {
      const answer = await api(`/api/conversations/${id}/ticket`, agentToken, 'PATCH', { priority: value });
      codes.add((await jsonOf(answer)).error.code);
    }
    expect([...codes]).toEqual(['invalid_payload']);
    expect((await ticketRow(id))!.priority).toBe('normal');
  });

  it('open when the visitor leaves their details to be answered later', async () => {
    const { tenant } = await organization();
    const { visitor, id } = await unansweredVisitor(tenant.widget.publicKey);
    // As if the away line's ticket had not been opened (its process died just after the commit).
    await server.db.db.delete(tickets).where(eq(tickets.conversationId, id));
    ok(await request<Ack<unknown>>(visitor, 'contact:update', { email: 'ada@example.com' }));
    expect(await ticketRow(id)).toMatchObject({ priority: 'normal' });
  });
});
