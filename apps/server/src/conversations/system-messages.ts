/**
 * The visitor-facing status lines of a conversation ("You're number 2 in the queue", "Robin joined the conversation"):
 * messages with author kind `system`, their event in `metadata.event`, their body the same as a sentence in the
 * visitor's language (`visitor-locale.ts`: theirs when the server has sentences in it, else the widget's locale, else
 * English; the console words the event itself, in English). A
 * transition's plan lists them ({@link planSystemEvents}); whoever writes the plan appends them through
 * {@link appendMessage} in the same transaction, so they get their seq like any message and exist exactly when the
 * transition committed.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { rowsOf, widgets, type conversations, type Transaction } from '@parley/db';
import { systemEventText, type ConversationStatus, type Message, type SystemEvent } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import { isOpen, nextOpening } from '../widgets/business-hours.js';
import { routingConfigSchema } from '../widgets/routing-config.js';
import { anyAgentAvailable } from './agent-availability.js';
import { appendMessage } from './append-message.js';
import { handoffSourceOf, type ConversationEvent } from './machine.js';
import { toMessage } from './mappers.js';
import { visitorLanguageOf } from './visitor-locale.js';

type ConversationRow = typeof conversations.$inferSelect;

/**
 * A system event as a plan knows it: the queue position is left out, because only the write (under the organization's
 * queue lock) can count it.
 */
export type PlannedSystemEvent = Exclude<SystemEvent, { type: 'queued' }> | { type: 'queued' };

/** Whom a transition gives the conversation to, by name, as the visitor is told. */
export interface PlannedHandover {
  /** The agent it is assigned to (an agent took it, or routing gave it). */
  assignedTo: string | null;
  /** The agent or team an agent transferred it to. */
  transferredTo: string | null;
}

/** The system events a committed transition from `from` to `to` by `event` tells the visitor about. */
export function planSystemEvents(
  from: ConversationStatus,
  to: ConversationStatus,
  event: ConversationEvent,
  handover: PlannedHandover,
): PlannedSystemEvent[] {
  const planned: PlannedSystemEvent[] = [];
  if (from === 'resolved' && event.type === 'visitor.message') planned.push({ type: 'reopened' });
  if (to === 'queued' && from !== 'queued' && event.type === 'handoff.requested') {
    planned.push({ type: 'handoff_requested', by: handoffSourceOf(event.trigger) });
  }
  if (handover.transferredTo !== null) planned.push({ type: 'transferred', to: handover.transferredTo });
  // Joining the queue, or another team's queue: the visitor learns their place.
  if (to === 'queued' && (from !== 'queued' || event.type === 'conversation.transferred')) planned.push({ type: 'queued' });
  // After a transfer to an agent, "transferred to Sam" already says who has it.
  else if (handover.assignedTo !== null && handover.transferredTo === null)
    planned.push({ type: 'agent_joined', agentName: handover.assignedTo });
  if (from !== 'bot' && to === 'bot' && event.type === 'agent.handed-back') planned.push({ type: 'handed_back_to_bot' });
  if (from !== 'resolved' && to === 'resolved') planned.push({ type: 'resolved' });
  return planned;
}

/**
 * The conversation's 1-based place among its organization's queued conversations, oldest first, counted once it is
 * queued (it is the newest). A transaction-scoped advisory lock per organization serializes the counts, so two
 * conversations queued at once get 1 and 2, not 1 and 1.
 */
async function queuePosition(tx: Transaction, conversation: ConversationRow): Promise<number> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`parley-queue:${conversation.organizationId}`}))`);
  const result = await tx.execute(sql`
    select count(*) as ahead from conversations
     where organization_id = ${conversation.organizationId} and status = 'queued' and id <> ${conversation.id}`);
  const [row] = rowsOf<{ ahead: number | string }>(result);
  return Number(row?.ahead ?? 0) + 1;
}

/**
 * Why nobody can answer the conversation now, if so: outside its widget's business hours (the widget's routing, as
 * stored now; none: always open), or nobody who could take it (of its team, when it has one) is online and not away.
 */
async function awayEvent(tx: Transaction, conversation: ConversationRow): Promise<Extract<SystemEvent, { type: 'away' }> | null> {
  const [widget] = await tx.select({ routing: widgets.routing }).from(widgets).where(eq(widgets.id, conversation.widgetId));
  const { hours } = routingConfigSchema.parse(widget?.routing ?? {});
  const now = new Date();
  if (hours && !isOpen(hours, now)) {
    return { type: 'away', reason: 'closed', nextOpening: nextOpening(hours, now)?.toISOString() ?? null, timeZone: hours.timeZone };
  }
  if (!(await anyAgentAvailable(tx, conversation.organizationId, conversation.teamId))) {
    return { type: 'away', reason: 'no_agent', nextOpening: null };
  }
  return null;
}

/**
 * Appends the planned system messages to a conversation whose row the caller has locked and whose transition is
 * already written, in the caller's transaction. Returns them as they go on the wire. A conversation joining the queue
 * when nobody can answer gets `away` (asking for an e-mail address or phone number) instead of its place. The bodies are
 * in the visitor's language ({@link visitorLanguageOf}: theirs, else the widget's locale, else English).
 */
export async function appendSystemMessages(
  tx: Transaction,
  conversation: ConversationRow,
  planned: readonly PlannedSystemEvent[],
): Promise<Message[]> {
  const stored: Message[] = [];
  if (planned.length === 0) return stored;
  const { locale } = await visitorLanguageOf(tx, conversation);
  for (const plannedEvent of planned) {
    const event: SystemEvent =
      plannedEvent.type === 'queued'
        ? ((await awayEvent(tx, conversation)) ?? {
            type: 'queued',
            position: await queuePosition(tx, conversation),
          })
        : plannedEvent;
    const appended = await appendMessage(tx, {
      conversation: sql`c.id = ${conversation.id}`,
      message: {
        clientId: `system-${randomUUID()}`,
        authorKind: 'system',
        authorId: null,
        body: systemEventText(event, locale),
        metadata: { event },
      },
    });
    if (appended) stored.push(toMessage(appended.message));
  }
  return stored;
}
