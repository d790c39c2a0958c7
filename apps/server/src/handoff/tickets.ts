/**
 * Follow-ups as tickets: a conversation nobody could answer when the visitor wrote (the `away` line), or that an agent
 * made one, gets a priority and SLA clocks (first response, next response, resolution) counted in the widget's business
 * hours. One job per ticket (`ticket.check`, keyed by the conversation) recomputes the clocks from facts whenever
 * something may have moved them and sleeps until the next warning, breach or inactivity deadline: warnings and
 * breaches are recorded once, as audit rows, under the conversation's lock. See docs/architecture.md, "Follow-ups".
 * @module
 */
import { conversations, organizations, rowsOf, tickets, widgets, type Database, type Transaction } from '@parley/db';
import {
  conversationParamsSchema,
  conversationSummarySchema,
  defaultSlaPolicy,
  ParleyError,
  slaPolicySchema,
  slaPolicyUpdateSchema,
  ticketCreateSchema,
  ticketUpdateSchema,
  type SlaClock,
  type SlaPolicy,
  type TicketPriority,
  type TicketUpdate,
} from '@parley/protocol';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { requireAdmin } from '../auth/caller.js';
import { announceConversation, publishConversationChange } from '../conversations/broadcast.js';
import { ticketStatusOf } from '../conversations/mappers.js';
import { applyConversationEvent, getConversationRow, insertAuditEvents, type Actor } from '../conversations/service.js';
import type { Jobs } from '../plugins/jobs.js';
import { routingConfigSchema } from '../widgets/routing-config.js';
import { nextCheckAt, pendingExpiresAt, slaClocks, slaStateRank, type TicketFacts } from './sla.js';
import {
  conversationSummaryExample,
  pendingConversationExample,
  slaPolicyExample,
  ticketCreateExample,
  ticketUpdateExample,
} from './api-examples.js';

type ConversationRow = typeof conversations.$inferSelect;
type TicketRow = typeof tickets.$inferSelect;

/** The job that keeps a ticket's clocks, keyed by its conversation's id. */
export const TICKET_CHECK_JOB = 'ticket.check';

/** An organization's follow-up policy; the defaults until an admin sets one (a stored one that no longer parses too). */
export async function readSlaPolicy(db: Database | Transaction, organizationId: string): Promise<SlaPolicy> {
  const [row] = await db.select({ slaPolicy: organizations.slaPolicy }).from(organizations).where(eq(organizations.id, organizationId));
  const parsed = slaPolicySchema.safeParse(row?.slaPolicy);
  return parsed.success ? parsed.data : defaultSlaPolicy;
}

/** Asks for a check of the ticket's clocks now, in the caller's transaction. */
function checkSoon(tx: Database | Transaction, jobs: Jobs, conversation: { id: string; organizationId: string }): Promise<void> {
  return jobs.schedule(tx, {
    organizationId: conversation.organizationId,
    kind: TICKET_CHECK_JOB,
    key: conversation.id,
    runAt: new Date(),
  });
}

/**
 * Makes the conversation, whose row the caller has locked, a follow-up, unless it is one already; its clocks start now
 * and its first check is scheduled in the same transaction. Returns whether it opened one.
 */
export async function openTicket(
  tx: Transaction,
  jobs: Jobs,
  conversation: Pick<ConversationRow, 'id' | 'organizationId'>,
  priority: TicketPriority,
  actor: Actor,
): Promise<boolean> {
  const [opened] = await tx
    .insert(tickets)
    .values({ conversationId: conversation.id, organizationId: conversation.organizationId, priority })
    .onConflictDoNothing()
    .returning({ conversationId: tickets.conversationId });
  if (!opened) return false;
  await insertAuditEvents(tx, conversation.id, [{ type: 'ticket_opened', actorKind: actor.kind, actorId: actor.id, data: { priority } }]);
  await checkSoon(tx, jobs, conversation);
  return true;
}

/**
 * A queued conversation whose newest status line is `away` (nobody could answer) becomes a follow-up. Returns the
 * conversation when it opened one.
 */
async function openTicketIfAway(db: Database, jobs: Jobs, conversationId: string): Promise<ConversationRow | null> {
  return db.transaction(async (tx) => {
    // Read, not locked: routing skips locked conversations (`skip locked`), and this must never make it miss one.
    const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId));
    if (conversation?.status !== 'queued') return null;
    const [line] = rowsOf<{ event: string | null }>(
      await tx.execute(sql`
        select metadata->'event'->>'type' as event from messages
         where conversation_id = ${conversationId} and author_kind = 'system' order by seq desc limit 1`),
    );
    if (line?.event !== 'away') return null;
    return (await openTicket(tx, jobs, conversation, 'normal', { kind: 'system', id: null })) ? conversation : null;
  });
}

const dateOrNull = (value: string | null | undefined) => (value ? new Date(value) : null);

/** The facts a ticket's clocks are computed from, read in the caller's transaction. */
async function readFacts(tx: Transaction, conversation: ConversationRow, ticket: TicketRow) {
  const opened = ticket.createdAt.toISOString();
  const [row] = rowsOf<{ first_reply_at: string | null; waiting_since: string | null; visitor_since_pending: boolean }>(
    await tx.execute(sql`
      with agent_replies as (
        select seq, created_at from messages
         where conversation_id = ${conversation.id} and author_kind = 'agent' and created_at >= ${opened}::timestamptz
      )
      select
        (select min(created_at) from agent_replies) as first_reply_at,
        (select min(v.created_at) from messages v
          where v.conversation_id = ${conversation.id} and v.author_kind = 'visitor'
            and v.seq > (select max(seq) from agent_replies)) as waiting_since,
        coalesce((select true from messages v
          where v.conversation_id = ${conversation.id} and v.author_kind = 'visitor'
            and v.created_at > ${ticket.pendingSince?.toISOString() ?? null}::timestamptz limit 1), false) as visitor_since_pending`),
  );
  return {
    firstReplyAt: dateOrNull(row?.first_reply_at),
    waitingSince: dateOrNull(row?.waiting_since),
    visitorWroteSincePending: row?.visitor_since_pending === true,
  };
}

/** What a check changed, for after its commit. */
interface CheckOutcome {
  conversation: ConversationRow;
  /** The clocks moved, a warning or breach was recorded, or the ticket stopped pending: the console must hear. */
  changed: boolean;
  /** Set when the pending timer ran out and the conversation was resolved. */
  resolved: Awaited<ReturnType<typeof applyConversationEvent>>;
  crossed: SlaClock[];
}

/**
 * Recomputes a ticket's clocks under the ticket's lock: clears `pending` once the visitor wrote again, resolves a
 * follow-up whose pending timer ran out, records each newly reached warning or breach once, stores the clocks for the
 * console and schedules the next check. A check that finds nothing new changes nothing. The conversation is read, not
 * locked (routing skips locked conversations, and a check must never make it miss one), except to resolve it, which
 * takes its lock through the state machine: locks are always taken ticket first, so checks and agents never deadlock.
 */
async function checkTicket(db: Database, jobs: Jobs, conversationId: string): Promise<CheckOutcome | null> {
  return db.transaction(async (tx) => {
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.conversationId, conversationId)).for('update');
    const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId));
    if (!conversation || !ticket) return null;
    const facts = await readFacts(tx, conversation, ticket);
    const pendingSince = facts.visitorWroteSincePending ? null : ticket.pendingSince;
    const policy = await readSlaPolicy(tx, conversation.organizationId);
    const [widget] = await tx.select({ routing: widgets.routing }).from(widgets).where(eq(widgets.id, conversation.widgetId));
    const { hours } = routingConfigSchema.parse(widget?.routing ?? {});
    const now = new Date();

    const ticketFacts: TicketFacts = {
      priority: ticket.priority,
      status: ticketStatusOf(conversation.status, pendingSince),
      openedAt: ticket.createdAt,
      pendingSince,
      firstReplyAt: facts.firstReplyAt,
      waitingSince: facts.waitingSince,
    };
    let resolved: CheckOutcome['resolved'] = null;
    const expiry = pendingExpiresAt(ticketFacts, policy);
    if (expiry !== null && expiry <= now) {
      // The customer never wrote back: the inactivity timer resolves the follow-up, as an agent would.
      resolved = await applyConversationEvent(
        tx,
        conversationId,
        { type: 'conversation.resolved', by: 'system' },
        { kind: 'system', id: null },
      );
      await insertAuditEvents(tx, conversationId, [
        { type: 'ticket_updated', actorKind: 'system', actorId: null, data: { reason: 'pending_expired', pendingSince } },
      ]);
      ticketFacts.status = 'resolved';
    }

    const clocks = slaClocks(ticketFacts, policy, hours, now);
    const stored = new Map(ticket.sla.map((clock) => [`${clock.metric}@${clock.startedAt}`, clock.state]));
    const crossed = clocks.filter(
      (clock) => slaStateRank[clock.state] > slaStateRank[stored.get(`${clock.metric}@${clock.startedAt}`) ?? 'running'],
    );
    await insertAuditEvents(
      tx,
      conversationId,
      crossed.map((clock) => ({
        type: clock.state === 'breached' ? ('sla_breached' as const) : ('sla_warning' as const),
        actorKind: 'system' as const,
        actorId: null,
        data: { metric: clock.metric, dueAt: clock.dueAt, priority: ticket.priority },
      })),
    );
    const changed =
      resolved !== null ||
      crossed.length > 0 ||
      pendingSince !== ticket.pendingSince ||
      JSON.stringify(clocks) !== JSON.stringify(ticket.sla);
    if (changed) await tx.update(tickets).set({ sla: clocks, pendingSince }).where(eq(tickets.conversationId, conversationId));

    const next = nextCheckAt(clocks, pendingExpiresAt(ticketFacts, policy), now);
    if (next !== null)
      await jobs.schedule(tx, { organizationId: conversation.organizationId, kind: TICKET_CHECK_JOB, key: conversationId, runAt: next });
    return { conversation: resolved?.conversation ?? conversation, changed, resolved, crossed };
  });
}

/**
 * Changes a ticket's priority or pending state for an agent of its organization; its clocks are checked at once. Only
 * the ticket is locked (see {@link checkTicket} on why the conversation is not).
 */
async function updateTicket(
  db: Database,
  jobs: Jobs,
  agent: { id: string; organizationId: string },
  conversationId: string,
  update: TicketUpdate,
) {
  return db.transaction(async (tx) => {
    const conversation = await getConversationRow(tx, agent.organizationId, conversationId);
    const [ticket] = await tx.select().from(tickets).where(eq(tickets.conversationId, conversationId)).for('update');
    if (!ticket) throw new ParleyError('not_found', 'This conversation is not a follow-up.');
    if (update.pending !== undefined && (conversation.status === 'resolved' || conversation.status === 'closed')) {
      throw new ParleyError('transition_rejected', `A ${conversation.status} follow-up cannot wait on the customer; reopen it first.`);
    }
    await tx
      .update(tickets)
      .set({
        ...(update.priority !== undefined && { priority: update.priority }),
        // Waiting on the customer since the database's now, the clock their messages are stamped with.
        ...(update.pending !== undefined && { pendingSince: update.pending ? (ticket.pendingSince ?? sql`now()`) : null }),
      })
      .where(eq(tickets.conversationId, conversationId));
    await insertAuditEvents(tx, conversationId, [{ type: 'ticket_updated', actorKind: 'agent', actorId: agent.id, data: { ...update } }]);
    await checkSoon(tx, jobs, conversation);
    return conversation;
  });
}

/**
 * Registers follow-ups: the check job, the agents' routes, the admins' SLA policy, and the notifications that open a
 * ticket (an `away` line) or may move its clocks (a visitor's or an agent's message).
 */
export function registerTickets(app: FastifyInstance): void {
  const { db, jobs, realtime, log } = app;
  const api = app.withTypeProvider<ZodTypeProvider>();

  jobs.handle(TICKET_CHECK_JOB, async (job) => {
    const outcome = await checkTicket(db, jobs, job.key);
    if (!outcome) return;
    for (const clock of outcome.crossed) {
      log.info(
        { conversationId: job.key, metric: clock.metric, dueAt: clock.dueAt },
        clock.state === 'breached' ? 'SLA breached' : 'SLA warning',
      );
    }
    if (outcome.resolved) {
      const { conversation, effects, messages } = outcome.resolved;
      await publishConversationChange(realtime, db, app.conversationEffects.perform, conversation, effects, messages);
    } else if (outcome.changed) {
      await announceConversation(realtime, db, outcome.conversation);
    }
  });

  app.conversationEffects.subscribe(function openFollowUps(conversation, effects) {
    if (!effects.some((effect) => effect.type === 'queue-changed')) return;
    openTicketIfAway(db, jobs, conversation.id)
      .then((opened) => opened && announceConversation(realtime, db, opened))
      .catch((error: unknown) => log.warn({ err: error, conversationId: conversation.id }, 'follow-up: opening the ticket failed'));
  });

  app.conversationEffects.subscribeMessages(function recheckClocks(conversation) {
    // A reply may stop a clock, a visitor's message start one: check now. Should this be lost (the process died just
    // after the commit), the ticket's next scheduled check still computes the right clocks, only later.
    db.select({ id: tickets.conversationId })
      .from(tickets)
      .where(eq(tickets.conversationId, conversation.id))
      .then(([ticket]) => ticket && checkSoon(db, jobs, conversation))
      .catch((error: unknown) => log.warn({ err: error, conversationId: conversation.id }, 'follow-up: scheduling a check failed'));
  });

  /** Announces the changed conversation and answers with the summary it announced. */
  const announced = async (conversation: ConversationRow) => {
    const summary = await announceConversation(realtime, db, conversation);
    if (!summary) throw new ParleyError('not_found', 'Conversation not found.');
    return summary;
  };

  api.post(
    '/api/conversations/:conversationId/ticket',
    {
      config: { example: { body: ticketCreateExample, response: conversationSummaryExample } },
      preValidation: app.authenticate,
      schema: { params: conversationParamsSchema, body: ticketCreateSchema, response: { 200: conversationSummarySchema } },
    },
    async function openTicketRoute(request) {
      const agent = request.agent!;
      const conversation = await db.transaction(async (tx) => {
        // Read, not locked (see checkTicket): the ticket's primary key is what makes opening it once.
        const current = await getConversationRow(tx, agent.organizationId, request.params.conversationId);
        if (current.status === 'closed') throw new ParleyError('transition_rejected', 'A closed conversation cannot become a follow-up.');
        const opened = await openTicket(tx, jobs, current, request.body.priority, { kind: 'agent', id: agent.id });
        if (!opened) throw new ParleyError('conflict', 'This conversation is a follow-up already.');
        return current;
      });
      return announced(conversation);
    },
  );

  api.patch(
    '/api/conversations/:conversationId/ticket',
    {
      config: { example: { body: ticketUpdateExample, response: pendingConversationExample } },
      preValidation: app.authenticate,
      schema: { params: conversationParamsSchema, body: ticketUpdateSchema, response: { 200: conversationSummarySchema } },
    },
    async function updateTicketRoute(request) {
      const agent = request.agent!;
      return announced(await updateTicket(db, jobs, agent, request.params.conversationId, request.body));
    },
  );

  const adminOnly = [app.authenticate, requireAdmin('change the follow-up policy')];
  api.get(
    '/api/routing/sla',
    { config: { example: { response: slaPolicyExample } }, preValidation: adminOnly, schema: { response: { 200: slaPolicySchema } } },
    async function readSlaRoute(request) {
      return readSlaPolicy(db, request.agent!.organizationId);
    },
  );
  api.put(
    '/api/routing/sla',
    {
      config: { example: { body: slaPolicyExample, response: slaPolicyExample } },
      preValidation: adminOnly,
      schema: { body: slaPolicyUpdateSchema, response: { 200: slaPolicySchema } },
    },
    async function updateSlaRoute(request) {
      const { organizationId } = request.agent!;
      await db.update(organizations).set({ slaPolicy: request.body }).where(eq(organizations.id, organizationId));
      // Open follow-ups' clocks follow the new targets at their next check; check them all now.
      const open = await db
        .select({ id: tickets.conversationId })
        .from(tickets)
        .innerJoin(conversations, eq(conversations.id, tickets.conversationId))
        .where(and(eq(tickets.organizationId, organizationId), sql`${conversations.status} not in ('resolved', 'closed')`))
        .orderBy(desc(tickets.createdAt));
      for (const { id } of open) await checkSoon(db, jobs, { id, organizationId });
      return request.body;
    },
  );
}
