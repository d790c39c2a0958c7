import { randomUUID } from 'node:crypto';
import {
  avatars,
  contacts,
  conversationEvents,
  conversations,
  memberships,
  messages,
  teams,
  tickets,
  users,
  widgets,
  type Database,
  type Transaction,
} from '@parley/db';
import {
  characterCount,
  ParleyError,
  PRE_CHAT_FIELDS,
  widgetSettingsSchema,
  type Attachment,
  type PreChatSettings,
  type ConversationStatus,
  type ConversationSummary,
  type Message,
  type MessageSent,
  type MessagesPage,
  type TransferRequest,
} from '@parley/protocol';
import { and, asc, desc, eq, gt, isNull, ne, sql, type SQL } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/pg-core';
import { attachToMessage, claimAttachments, type Uploader } from '../attachments/service.js';
import { optionalAvatarUrl } from '../avatars/avatar-url.js';
import { avatarVersionOf } from '../avatars/service.js';
import { botConfigSchema } from '../widgets/bot-config.js';
import { routingConfigSchema } from '../widgets/routing-config.js';
import { recordWebhookEvent } from '../webhooks/record-event.js';
import { isAgentAvailable } from './agent-availability.js';
import { transition, type ConversationEvent, type Effect, type ReopenTarget } from './machine.js';
import { appendMessage, type ConversationPatch } from './append-message.js';
import { appendVisitorMessageFast } from './append-visitor-message.js';
import { toConversationSummary, toMessage, type SummaryRow } from './mappers.js';
import { appendSystemMessages, planSystemEvents, type PlannedSystemEvent } from './system-messages.js';
import type { ContactDetails } from './contact-details.js';
import { webhookConversation, webhookEventsOf } from './webhook-events.js';
import type { VisitDetails } from './visit-details.js';

type ConversationRow = typeof conversations.$inferSelect;

/** The outcome of a send: the ack, and the stored message unless this was a repeat of an earlier `clientId`. */
export interface SendResult {
  sent: MessageSent;
  /** Null when the `clientId` was already stored: nothing new to broadcast. */
  message: Message | null;
  conversation: ConversationRow;
  /** True when this send created the conversation or changed its status or assignee. */
  conversationChanged: boolean;
  /** What the edges must do now that the transaction has committed (start or cancel a bot turn). */
  effects: Effect[];
  /**
   * The messages written just before it: the proactive message the visitor answers, when the send started the
   * conversation, and the system messages of the send's transition ("The conversation was reopened.").
   */
  systemMessages: Message[];
  /** The system messages written just after it: the queue position of a conversation that started in the queue. */
  followingMessages?: Message[];
}

/** A visitor, as identified by a verified session token and the widget it came through. */
export interface VisitorContext {
  contactId: string;
  widgetId: string;
  organizationId: string;
  /** Whether the widget's bot answers first; without it conversations queue for a human. */
  botEnabled: boolean;
  /** How long an agent's connection row counts as fresh: the reopen rule gives a conversation back to an online agent. */
  presenceLeaseMs: number;
  /** What the visitor's connection said about them; written with the contact when their first message creates it. */
  visit?: VisitDetails;
  /**
   * Who the site's page says the visitor is (the handshake's `identity`, then `contact:identify`), as stored; written
   * with the contact when their first message creates it.
   */
  identity?: ContactDetails;
}

/** A signed-in agent. */
export interface AgentContext {
  userId: string;
  organizationId: string;
  name: string;
  /** The API token an integration acts for the agent with; absent when the agent acts. */
  viaApiTokenId?: string | null;
}

/** Rejects bodies over the configured limit. The schema has already rejected empty and malformed ones. */
export function assertMessageLength(body: string, maxLength: number): void {
  if (characterCount(body) > maxLength) {
    throw new ParleyError('message_too_long', `Messages can be at most ${maxLength} characters long.`);
  }
}

function sentOf(row: typeof messages.$inferSelect): MessageSent {
  return { id: row.id, conversationId: row.conversationId, seq: row.seq, createdAt: row.createdAt.toISOString() };
}

async function findByClientId(tx: Transaction, conversationId: string, clientId: string) {
  const [existing] = await tx
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.clientId, clientId)));
  return existing;
}

/**
 * The ack of a message this sender already stored under `clientId`: in the agent's conversation, or in any of the
 * visitor's. Sends check it only when refused (rate limit), so that a resend still gets its ack.
 */
export async function findSentMessage(
  db: Database,
  where: { clientId: string } & ({ organizationId: string; conversationId: string } | { contactId: string }),
): Promise<MessageSent | undefined> {
  const ofSender =
    'contactId' in where
      ? and(eq(conversations.contactId, where.contactId), eq(messages.authorKind, 'visitor'))
      : and(eq(conversations.id, where.conversationId), eq(conversations.organizationId, where.organizationId));
  const [row] = await db
    .select({ message: messages })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.clientId, where.clientId), ofSender))
    .limit(1);
  return row ? sentOf(row.message) : undefined;
}

/**
 * Takes one send from the sender's budget (`limit`), unless the message was already stored: a resend of it is answered
 * with its ack even when the budget is spent. Returns that ack, or null when the send should go on.
 */
export async function limitSend(
  db: Database,
  limit: () => Promise<void>,
  stored: Parameters<typeof findSentMessage>[1],
): Promise<MessageSent | null> {
  try {
    await limit();
    return null;
  } catch (error) {
    const sent = await findSentMessage(db, stored);
    if (sent) return sent;
    throw error;
  }
}

/**
 * The uploaded files a new message names, claimed for it in its transaction (`attachments/service.ts`: each the
 * sender's, stored, unsent); none for a resend of a message already stored, whose files went with it.
 */
async function claimFor(
  tx: Transaction,
  conversationId: string,
  clientId: string,
  senders: readonly Uploader[],
  ids: readonly string[] | undefined,
): Promise<Attachment[]> {
  if (!ids?.length || (await findByClientId(tx, conversationId, clientId))) return [];
  return claimAttachments(tx, senders, ids);
}

type AuditEvent = Omit<typeof conversationEvents.$inferInsert, 'conversationId'>;

/**
 * Appends a message to a conversation whose row the caller has locked (`for update`), through {@link appendMessage}
 * (the one path for seq), with the plan `change` makes for it written in the same statement and its audit rows after.
 * A repeated `clientId` writes nothing and returns the stored message.
 */
async function appendToLockedConversation(
  tx: Transaction,
  conversation: ConversationRow,
  values: {
    clientId: string;
    authorKind: Message['author']['kind'];
    authorId: string | null;
    body: string;
    metadata?: Record<string, unknown>;
  },
  change: (conversation: ConversationRow) => TransitionPlan | Promise<TransitionPlan>,
): Promise<{
  row: typeof messages.$inferSelect;
  conversation: ConversationRow;
  duplicate: boolean;
  changed: boolean;
  effects: Effect[];
  systemMessages: Message[];
}> {
  const plan = await change(conversation);
  const { patch, events, effects } = plan;
  const duplicate = async () => {
    const row = await findByClientId(tx, conversation.id, values.clientId);
    return { row: row!, conversation, duplicate: true, changed: false, effects: [], systemMessages: [] };
  };
  if (plan.messages.length > 0) {
    // The status lines go before the message that caused them ("Robin joined the conversation", then Robin's reply),
    // so the transition is written first; a repeated clientId must not write it at all.
    if (await findByClientId(tx, conversation.id, values.clientId)) return duplicate();
    const applied = await applyPlan(tx, conversation, plan);
    const appended = await appendMessage(tx, { conversation: sql`c.id = ${conversation.id}`, message: values });
    const { message: row, conversation: updated } = appended!;
    return { row, conversation: updated, duplicate: false, changed: events.length > 0, effects, systemMessages: applied.messages };
  }
  const appended = await appendMessage(tx, { conversation: sql`c.id = ${conversation.id}`, patch, message: values });
  if (!appended) return duplicate();
  await insertAuditEvents(tx, conversation.id, events);
  return {
    row: appended.message,
    conversation: appended.conversation,
    duplicate: false,
    changed: events.length > 0,
    effects,
    systemMessages: [],
  };
}

async function readConversation(tx: Transaction, conversationId: string): Promise<ConversationRow> {
  const [row] = await tx.select().from(conversations).where(eq(conversations.id, conversationId));
  return row!;
}

/**
 * Adds a transition's audit rows, and the webhook events they stand for (`conversation.assigned`, …) with the
 * conversation as it is now: the one path for both, in the transaction of the change.
 */
export async function insertAuditEvents(tx: Transaction, conversationId: string, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  await tx.insert(conversationEvents).values(events.map((event) => ({ ...event, conversationId })));
  const reported = events.flatMap((event) => webhookEventsOf(event).map((type) => ({ type, event })));
  if (reported.length === 0) return;
  const row = await readConversation(tx, conversationId);
  const conversation = webhookConversation(row);
  for (const { type, event } of reported) {
    await recordWebhookEvent(tx, {
      organizationId: row.organizationId,
      type,
      stream: conversationId,
      data: {
        conversation,
        change: {
          type: event.type,
          fromStatus: event.fromStatus ?? null,
          toStatus: event.toStatus ?? null,
          actor: { kind: event.actorKind, id: event.actorId ?? null },
          ...event.data,
        },
      },
    });
  }
}

function statusEvent(
  conversation: ConversationRow,
  toStatus: ConversationStatus,
  actor: Actor,
  data: Record<string, unknown> = {},
): AuditEvent {
  return { type: 'status_changed', fromStatus: conversation.status, toStatus, actorKind: actor.kind, actorId: actor.id, data };
}

/** Who causes a transition; an agent's name goes into the "… joined the conversation" system message. */
export interface Actor {
  kind: 'visitor' | 'agent' | 'bot' | 'system';
  id: string | null;
  name?: string;
  /** The API token an integration used to act for this agent, recorded in the audit rows. */
  viaApiTokenId?: string | null;
}

/**
 * What a transition writes (a patch of the conversation row, audit rows, the system messages the visitor sees) and
 * what it leaves for after commit. Whoever writes a plan writes all of it in one transaction.
 */
export interface TransitionPlan {
  patch: ConversationPatch;
  events: AuditEvent[];
  effects: Effect[];
  /** System messages to append once the patch is written, in this order (see `appendSystemMessages`). */
  messages: PlannedSystemEvent[];
}

/** No change at all. */
const unchanged = (): TransitionPlan => ({ patch: {}, events: [], effects: [], messages: [] });

// Shown when an agent's name is unknown to the caller; the sockets and routes always know it.
const UNNAMED_AGENT = 'Someone from our team';

/** Names and words a plan writes that the event itself doesn't carry. */
export interface PlanContext {
  /** The name of the agent an assignment by someone else (routing, a transfer) gives the conversation to. */
  assigneeName?: string;
  /** The name of the team a transfer sends the conversation to. */
  teamName?: string;
  /** The transferring agent's note for the next one. */
  note?: string;
}

/**
 * Runs `event` through the state machine for `conversation` and turns the result into writes: the new status, an
 * assignment or its end (a conversation with the bot or in the queue has no assignee), the team, clearing the bot
 * turn's claim on cancellation (so a running turn cannot store its reply), each with its audit row. The rest of the
 * effects are returned for after the commit. A rejected event throws `transition_rejected`: it is never applied
 * silently.
 */
export function planTransition(
  conversation: ConversationRow,
  event: ConversationEvent,
  actor: Actor,
  context: PlanContext = {},
): TransitionPlan {
  const result = transition(conversation.status, event);
  if (!result.ok) {
    throw new ParleyError('transition_rejected', `A conversation in status "${conversation.status}" cannot take "${event.type}".`);
  }
  const plan = unchanged();
  if (result.state !== conversation.status) {
    const data: Record<string, unknown> = { event: event.type };
    if (event.type === 'handoff.requested') Object.assign(data, { trigger: event.trigger, reason: event.reason });
    if ('by' in event) data.by = event.by;
    plan.patch.status = result.state;
    plan.events.push(statusEvent(conversation, result.state, actor, data));
    // Back to the bot (handed back, reopened): what was said before is history, not questions for the bot to answer.
    if (result.state === 'bot') plan.patch.botAnsweredSeq = conversation.lastSeq;
  }
  if ((result.state === 'bot' || result.state === 'queued') && conversation.assigneeId !== null) {
    // The console shows what the database says: nobody is assigned to a conversation the bot or the queue has.
    plan.patch.assigneeId = null;
    plan.events.push({ type: 'unassigned', actorKind: actor.kind, actorId: actor.id, data: { assigneeId: conversation.assigneeId } });
  }
  let assignedTo: string | null = null;
  for (const effect of result.effects) {
    if (effect.type === 'assign') {
      if (conversation.assigneeId === effect.agentId) continue;
      const byThemselves = actor.kind === 'agent' && actor.id === effect.agentId && actor.name;
      assignedTo = byThemselves ? actor.name! : (context.assigneeName ?? UNNAMED_AGENT);
      plan.patch.assigneeId = effect.agentId;
      plan.events.push({ type: 'assigned', actorKind: actor.kind, actorId: actor.id, data: { assigneeId: effect.agentId } });
    } else if (effect.type === 'set-team') {
      plan.patch.teamId = effect.teamId;
    } else {
      if (effect.type === 'cancel-bot-turn') {
        plan.patch.botTurnId = null;
        plan.patch.botTurnStartedAt = null;
      }
      plan.effects.push(effect);
    }
  }
  let transferredTo: string | null = null;
  if (event.type === 'conversation.transferred') {
    transferredTo = event.target.to === 'agent' ? (context.assigneeName ?? UNNAMED_AGENT) : (context.teamName ?? 'another team');
    const note = context.note ? { note: context.note, fromName: actor.name ?? UNNAMED_AGENT, at: new Date().toISOString() } : null;
    plan.patch.transferNote = note;
    plan.events.push({
      type: 'transferred',
      actorKind: actor.kind,
      actorId: actor.id,
      data: { target: event.target, note: context.note ?? null },
    });
  }
  plan.messages = planSystemEvents(conversation.status, result.state, event, { assignedTo, transferredTo });
  // An integration acting for an agent: the history says which API token did it.
  if (actor.viaApiTokenId) {
    for (const audit of plan.events) audit.data = { ...audit.data, viaApiToken: actor.viaApiTokenId };
  }
  return plan;
}

/**
 * Where a resolved conversation goes when the visitor writes again: the widget's `reopen` rule, read as it is now,
 * applied to who had the conversation and whether they are online.
 */
async function reopenTarget(tx: Transaction, conversation: ConversationRow, visitor: VisitorContext): Promise<ReopenTarget> {
  const [widget] = await tx
    .select({ bot: widgets.bot, routing: widgets.routing })
    .from(widgets)
    .where(eq(widgets.id, conversation.widgetId));
  const botEnabled = botConfigSchema.parse(widget?.bot ?? {}).enabled;
  const { reopen } = routingConfigSchema.parse(widget?.routing ?? {});
  const lastAgent = conversation.assigneeId;
  if (reopen === 'last_agent' && lastAgent !== null) {
    const online = await isAgentAvailable(tx, { userId: lastAgent, organizationId: conversation.organizationId }, visitor.presenceLeaseMs);
    return online ? { to: 'agent', agentId: lastAgent } : { to: 'queue' };
  }
  // `bot`, and `last_agent` for a conversation no agent had: the bot, unless the widget has none.
  return reopen === 'queue' || !botEnabled ? { to: 'queue' } : { to: 'bot' };
}

/** The visitor wrote: the machine decides; a resolved conversation reopens where the widget's rule sends it. */
async function visitorMessagePlan(tx: Transaction, conversation: ConversationRow, visitor: VisitorContext): Promise<TransitionPlan> {
  const reopen = conversation.status === 'resolved' ? await reopenTarget(tx, conversation, visitor) : undefined;
  return planTransition(conversation, { type: 'visitor.message', ...(reopen && { reopen }) }, { kind: 'visitor', id: visitor.contactId });
}

/**
 * Writes a plan made by {@link planTransition} for a conversation whose row the caller has locked: the patch, the audit
 * rows, then the system messages. Returns the conversation as updated and the system messages written.
 */
async function applyPlan(
  tx: Transaction,
  conversation: ConversationRow,
  plan: TransitionPlan,
): Promise<{ conversation: ConversationRow; messages: Message[] }> {
  if (plan.events.length === 0 && Object.keys(plan.patch).length === 0 && plan.messages.length === 0) {
    return { conversation, messages: [] };
  }
  const [updated] = await tx
    .update(conversations)
    .set({ ...plan.patch, updatedAt: sql`now()` })
    .where(eq(conversations.id, conversation.id))
    .returning();
  await insertAuditEvents(tx, conversation.id, plan.events);
  const written = await appendSystemMessages(tx, updated!, plan.messages);
  return { conversation: written.length > 0 ? await readConversation(tx, conversation.id) : updated!, messages: written };
}

/** Locks the visitor's current (not closed) conversation, if any, for a change. */
export function lockVisitorConversation(tx: Transaction, contactId: string) {
  return tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), ne(conversations.status, 'closed')))
    .orderBy(desc(conversations.createdAt))
    .limit(1)
    .for('update');
}

/**
 * Refuses with `invalid_payload` (an issue `preChat.<field>` per missing field) to start a conversation for a contact
 * without a field the widget's pre-chat form requires. `contact:identify` cannot know the form, so this is where the
 * requirement holds whatever the widget (or a script posing as it) sends.
 */
export function assertPreChatRequirements(
  preChat: PreChatSettings,
  details: { name?: string | null; email?: string | null; phone?: string | null },
): void {
  const missing = PRE_CHAT_FIELDS.filter((field) => preChat[field] === 'required' && !details[field]);
  if (missing.length === 0) return;
  throw new ParleyError('invalid_payload', 'The pre-chat form must be completed before the conversation starts.', {
    issues: missing.map((field) => ({ path: `preChat.${field}`, message: PRE_CHAT_MISSING[field] })),
  });
}

/**
 * The pre-chat form the visitor is still to answer (`session.preChat`), or undefined: none when the widget has no form,
 * or when `details` answer it (every required field; a form of optional fields only, any field it asks for).
 */
export function preChatToAsk(
  settings: { preChat: PreChatSettings },
  details: { name?: string | null; email?: string | null; phone?: string | null },
): PreChatSettings | undefined {
  const { preChat } = settings;
  const asked = PRE_CHAT_FIELDS.filter((field) => preChat[field] !== 'off');
  const required = asked.filter((field) => preChat[field] === 'required');
  const answered = required.length ? required.every((field) => details[field]) : asked.some((field) => details[field]);
  return asked.length && !answered ? preChat : undefined;
}

/** {@link preChatToAsk} for the visitor, with the details their contact holds (if it exists) and those of the connection. */
export async function visitorPreChat(
  db: Database,
  settings: { preChat: PreChatSettings },
  visitor: VisitorContext,
): Promise<PreChatSettings | undefined> {
  if (!preChatToAsk(settings, {})) return undefined;
  const [contact] = await db
    .select({ name: contacts.name, email: contacts.email, phone: contacts.phone })
    .from(contacts)
    .where(eq(contacts.id, visitor.contactId));
  return preChatToAsk(settings, { ...contact, ...visitor.identity });
}

const PRE_CHAT_MISSING = { name: 'Give your name.', email: 'Give your e-mail address.', phone: 'Give your phone number.' } as const;

/** What the visitor chose before the message or request that starts a conversation: both ids, ignored when unknown. */
export interface ConversationOpening {
  /** The pre-chat topic picked (`session.topics`). */
  topic?: string | undefined;
  /** The widget's proactive message the visitor answers. */
  proactive?: string | undefined;
}

/**
 * Locks the visitor's open conversation, creating it (and the contact) on first use. Upserting the contact locks its
 * row, which serializes this visitor's concurrent first sends (an outbox flush from two tabs): the loser then finds the
 * winner's conversation.
 */
async function lockOrCreateVisitorConversation(
  tx: Transaction,
  visitor: VisitorContext,
  opening: ConversationOpening,
): Promise<{ row: ConversationRow; created: boolean; opened: Message[] }> {
  const [existing] = await lockVisitorConversation(tx, visitor.contactId);
  if (existing) return { row: existing, created: false, opened: [] };
  const [contact] = await tx
    .insert(contacts)
    .values({
      id: visitor.contactId,
      organizationId: visitor.organizationId,
      widgetId: visitor.widgetId,
      ...visitor.visit,
      ...visitor.identity,
    })
    .onConflictDoUpdate({ target: contacts.id, set: { lastSeenAt: sql`now()` } })
    .returning({ name: contacts.name, email: contacts.email, phone: contacts.phone, mergedIntoId: contacts.mergedIntoId });
  if (contact?.mergedIntoId) {
    // Merged into another contact while this socket was open (its disconnect is on the way): nothing is written here,
    // and the client sends the message again once its next handshake has led it to the contact it is now.
    throw new ParleyError('unavailable', 'This visitor continues as another contact; the message is sent after reconnecting.');
  }
  const [raced] = await lockVisitorConversation(tx, visitor.contactId);
  if (raced) return { row: raced, created: false, opened: [] };
  // The widget's settings and routing as they are now (an admin may have changed them since the visitor connected).
  const [widget] = await tx
    .select({ routing: widgets.routing, settings: widgets.settings })
    .from(widgets)
    .where(eq(widgets.id, visitor.widgetId));
  // The pre-chat form's required fields: a conversation starts only with a contact that has them. Thrown inside the
  // transaction, so the contact written above is rolled back: a refused first message writes nothing.
  // Stored settings were checked when written: read as `findWidgetByKey` reads them.
  const settings = widgetSettingsSchema.parse(widget?.settings ?? {});
  assertPreChatRequirements(settings.preChat, { ...contact, ...visitor.identity });
  const { topic } = opening;
  // The picked topic's team, else the widget's. A topic it no longer offers is no topic.
  const routing = routingConfigSchema.parse(widget?.routing ?? {});
  const picked = topic === undefined ? undefined : routing.topics.find((candidate) => candidate.id === topic);
  const teamId = picked?.teamId ?? routing.teamId;
  const [row] = await tx
    .insert(conversations)
    .values({
      organizationId: visitor.organizationId,
      widgetId: visitor.widgetId,
      contactId: visitor.contactId,
      // The bot answers first (Claude, or the offline answerer without an API key) unless the widget turned it off.
      status: visitor.botEnabled ? 'bot' : 'queued',
      // A team deleted since it was named in the routing is no team.
      teamId: teamId && sql`(select id from teams where id = ${teamId} and organization_id = ${visitor.organizationId})`,
      topic: picked?.label ?? null,
    })
    .returning();
  await insertAuditEvents(tx, row!.id, [{ type: 'created', toStatus: row!.status, actorKind: 'visitor', actorId: visitor.contactId }]);
  // The proactive message the visitor answers opens the conversation, as the bot's: agents and the bot read what the
  // visitor replies to. A rule the widget no longer has is none.
  const rule = settings.proactive.find((candidate) => candidate.id === opening.proactive);
  if (!rule) return { row: row!, created: true, opened: [] };
  const appended = await appendMessage(tx, {
    conversation: sql`c.id = ${row!.id}`,
    message: {
      clientId: `proactive-${randomUUID()}`,
      authorKind: 'bot',
      authorId: null,
      body: rule.message,
      // Named as the widget names its bot, as the bot's replies are (`toMessage` reads it).
      metadata: { proactive: rule.id, authorName: settings.botName },
    },
  });
  return { row: appended!.conversation, created: true, opened: [toMessage(appended!.message)] };
}

/**
 * Stores a visitor's message. Creates the contact on its first message and the conversation when the contact has
 * none open; a resolved conversation is reopened. All in one transaction: on any error nothing is left behind.
 */
export async function sendVisitorMessage(
  db: Database,
  visitor: VisitorContext,
  input: { clientId: string; body: string; attachments?: readonly string[] | undefined } & ConversationOpening,
): Promise<SendResult> {
  // The one-statement path writes no files: a message with some takes the locked one.
  const fast = input.attachments ? null : await appendVisitorMessageFast(db, visitor.contactId, input);
  if (fast) {
    // The statement only ran in a state where the machine keeps the state; it still decides the effects.
    const { effects } = planTransition(fast.conversation, { type: 'visitor.message' }, { kind: 'visitor', id: visitor.contactId });
    return {
      sent: sentOf(fast.message),
      message: toMessage(fast.message),
      conversation: fast.conversation,
      conversationChanged: false,
      effects,
      systemMessages: [],
    };
  }
  return db.transaction(async (tx) => {
    const { row: conversation, created, opened } = await lockOrCreateVisitorConversation(tx, visitor, input);
    const uploader = { organizationId: visitor.organizationId, kind: 'visitor', id: visitor.contactId } as const;
    const files = await claimFor(tx, conversation.id, input.clientId, [uploader], input.attachments);
    const result = await appendToLockedConversation(
      tx,
      conversation,
      {
        clientId: input.clientId,
        authorKind: 'visitor',
        authorId: visitor.contactId,
        body: input.body,
        ...(files.length > 0 && { metadata: { attachments: files } }),
      },
      (current) => visitorMessagePlan(tx, current, visitor),
    );
    if (files.length > 0 && !result.duplicate) await attachToMessage(tx, input.attachments!, result.row.id, conversation.id);
    // A widget without a bot queues the conversation as it starts: the visitor learns their place after their message.
    const following =
      created && result.conversation.status === 'queued' ? await appendSystemMessages(tx, result.conversation, [{ type: 'queued' }]) : [];
    return {
      sent: sentOf(result.row),
      message: result.duplicate ? null : toMessage(result.row),
      conversation: following.length > 0 ? await readConversation(tx, conversation.id) : result.conversation,
      conversationChanged: created || result.changed,
      effects: result.effects,
      systemMessages: [...opened, ...result.systemMessages],
      followingMessages: following,
    };
  });
}

/**
 * Locks a conversation of the agent's organization for a change. Another organization's conversation is reported as
 * missing, not forbidden: its existence is not disclosed.
 */
export async function lockAgentConversation(
  tx: Transaction,
  agent: Pick<AgentContext, 'organizationId'>,
  conversationId: string,
): Promise<ConversationRow> {
  const [conversation] = await tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, agent.organizationId)))
    .for('update');
  if (!conversation) throw new ParleyError('not_found', 'Conversation not found.');
  return conversation;
}

/**
 * Stores an agent's reply. An agent replying to an unassigned conversation takes it (assignment and status change are
 * audited in the same transaction).
 */
export async function sendAgentMessage(
  db: Database,
  agent: AgentContext,
  input: {
    conversationId: string;
    clientId: string;
    body: string;
    quickReplies?: readonly string[] | undefined;
    attachments?: readonly string[] | undefined;
  },
  avatarBaseUrl: string,
): Promise<SendResult> {
  return db.transaction(async (tx) => {
    const conversation = await lockAgentConversation(tx, agent, input.conversationId);
    // The agent's own uploads, and the ones of the API token it writes through.
    const senders: Uploader[] = [{ organizationId: agent.organizationId, kind: 'agent', id: agent.userId }];
    if (agent.viaApiTokenId) senders.push({ organizationId: agent.organizationId, kind: 'token', id: agent.viaApiTokenId });
    const files = await claimFor(tx, conversation.id, input.clientId, senders, input.attachments);

    const result = await appendToLockedConversation(
      tx,
      conversation,
      {
        clientId: input.clientId,
        authorKind: 'agent',
        authorId: agent.userId,
        body: input.body,
        metadata: {
          // Parsed at the edge (`quickRepliesSchema`); the mapper checks them again on the way out.
          ...(input.quickReplies ? { quickReplies: [...input.quickReplies] } : {}),
          // Which API token an integration wrote it with, for the record (never sent to clients).
          ...(agent.viaApiTokenId ? { viaApiToken: agent.viaApiTokenId } : {}),
          ...(files.length > 0 ? { attachments: files } : {}),
        },
      },
      // Replying takes the conversation unless a human already has it.
      (current) =>
        current.status === 'agent'
          ? unchanged()
          : planTransition(current, { type: 'agent.accepted', agentId: agent.userId }, agentActor(agent)),
    );
    if (files.length > 0 && !result.duplicate) await attachToMessage(tx, input.attachments!, result.row.id, conversation.id);
    // Read now rather than kept with the socket: a picture changed since the agent connected shows at once.
    const avatarVersion = result.duplicate ? null : await avatarVersionOf(tx, agent.userId);
    return {
      sent: sentOf(result.row),
      message: result.duplicate ? null : toMessage(result.row, agent.name, optionalAvatarUrl(avatarBaseUrl, agent.userId, avatarVersion)),
      conversation: result.conversation,
      conversationChanged: result.changed,
      effects: result.effects,
      systemMessages: result.systemMessages,
    };
  });
}

/**
 * Stores a message an integration writes as the bot (an API token's `asBot`), named as the widget names its bot. Only
 * while the bot has the conversation: once it is queued or with a person, `bot.replied` is rejected.
 */
export async function sendBotMessage(
  db: Database,
  organizationId: string,
  input: { conversationId: string; clientId: string; body: string; quickReplies?: readonly string[] | undefined },
  viaApiTokenId: string,
): Promise<SendResult> {
  return db.transaction(async (tx) => {
    const conversation = await lockAgentConversation(tx, { organizationId }, input.conversationId);
    const [widget] = await tx.select({ settings: widgets.settings }).from(widgets).where(eq(widgets.id, conversation.widgetId));
    const botName = widgetSettingsSchema.parse(widget?.settings ?? {}).botName;
    const result = await appendToLockedConversation(
      tx,
      conversation,
      {
        clientId: input.clientId,
        authorKind: 'bot',
        authorId: null,
        body: input.body,
        metadata: {
          authorName: botName,
          ...(input.quickReplies ? { quickReplies: [...input.quickReplies] } : {}),
          viaApiToken: viaApiTokenId,
        },
      },
      (current) => planTransition(current, { type: 'bot.replied' }, { kind: 'bot', id: null }),
    );
    return {
      sent: sentOf(result.row),
      message: result.duplicate ? null : toMessage(result.row),
      conversation: result.conversation,
      conversationChanged: result.changed,
      effects: result.effects,
      systemMessages: result.systemMessages,
    };
  });
}

function agentActor(agent: AgentContext): Actor {
  return { kind: 'agent', id: agent.userId, name: agent.name, viaApiTokenId: agent.viaApiTokenId ?? null };
}

/** The state-machine event an agent's conversation update stands for. */
function updateEvent(
  agent: AgentContext,
  conversation: ConversationRow,
  update: { status?: ConversationStatus | undefined; assignToMe?: true | undefined },
): ConversationEvent {
  if (update.assignToMe || update.status === 'agent') return { type: 'agent.accepted', agentId: agent.userId };
  switch (update.status) {
    case 'resolved':
      return { type: 'conversation.resolved', by: 'agent' };
    case 'bot':
      return { type: 'agent.handed-back', agentId: agent.userId };
    case 'queued':
      // An assigned conversation is unassigned (back to the queue); one with the bot is handed off.
      return conversation.status === 'agent'
        ? { type: 'agent.unassigned', agentId: agent.userId }
        : { type: 'handoff.requested', trigger: 'agent', reason: 'moved to the queue by an agent' };
    default:
      throw new ParleyError('invalid_payload', 'Nothing to update.');
  }
}

/**
 * Resolves, takes, hands back to the bot, or queues a conversation of the agent's organization, through the state
 * machine; every change is audited in the same transaction. Returns the new summary and the effects to run.
 */
export async function updateConversation(
  db: Database,
  agent: AgentContext,
  conversationId: string,
  update: { status?: ConversationStatus | undefined; assignToMe?: true | undefined },
): Promise<{ summary: ConversationSummary; effects: Effect[]; messages: Message[] }> {
  const committed = await db.transaction(async (tx) => {
    const conversation = await lockAgentConversation(tx, agent, conversationId);
    const event = updateEvent(agent, conversation, update);
    if (event.type === 'agent.handed-back') {
      const [widget] = await tx.select({ bot: widgets.bot }).from(widgets).where(eq(widgets.id, conversation.widgetId));
      if (!botConfigSchema.parse(widget?.bot ?? {}).enabled) {
        throw new ParleyError('transition_rejected', "This widget's bot is turned off, so the conversation cannot go back to it.");
      }
    }
    const plan = planTransition(conversation, event, agentActor(agent));
    const applied = await applyPlan(tx, conversation, plan);
    return { effects: plan.effects, messages: applied.messages };
  });
  const summary = await getConversationSummary(db, agent.organizationId, conversationId);
  if (!summary) throw new ParleyError('not_found', 'Conversation not found.');
  return { summary, ...committed };
}

/** The agent or team a transfer names, checked to be of the agent's organization, with the name the visitor is told. */
async function transferTargetName(tx: Transaction, organizationId: string, target: TransferRequest['target']): Promise<string> {
  if (target.to === 'agent') {
    const [member] = await tx
      .select({ name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      // A deactivated person is no longer someone to hand conversations to.
      .where(
        and(eq(memberships.userId, target.agentId), eq(memberships.organizationId, organizationId), isNull(memberships.deactivatedAt)),
      );
    if (!member) throw new ParleyError('not_found', 'No agent of your organization has this id.');
    return member.name;
  }
  const [team] = await tx
    .select({ name: teams.name })
    .from(teams)
    .where(and(eq(teams.id, target.teamId), eq(teams.organizationId, organizationId)));
  if (!team) throw new ParleyError('not_found', 'Your organization has no team with this id.');
  return team.name;
}

/**
 * Passes a conversation of the agent's organization to another agent (who owns it at once, whether online or not: the
 * agent chose them) or to a team (whose queue it joins, routed to that team's agents), with an optional note for the
 * next agent that only agents see. Transferring to the agent who has it already is rejected.
 */
export async function transferConversation(
  db: Database,
  agent: AgentContext,
  conversationId: string,
  request: TransferRequest,
): Promise<{ summary: ConversationSummary; effects: Effect[]; messages: Message[] }> {
  const committed = await db.transaction(async (tx) => {
    const conversation = await lockAgentConversation(tx, agent, conversationId);
    const name = await transferTargetName(tx, agent.organizationId, request.target);
    if (request.target.to === 'agent' && conversation.assigneeId === request.target.agentId) {
      throw new ParleyError('transition_rejected', `${name} has this conversation already.`);
    }
    const context = request.target.to === 'agent' ? { assigneeName: name } : { teamName: name };
    const plan = planTransition(conversation, { type: 'conversation.transferred', target: request.target }, agentActor(agent), {
      ...context,
      ...(request.note && { note: request.note }),
    });
    const applied = await applyPlan(tx, conversation, plan);
    return { effects: plan.effects, messages: applied.messages };
  });
  const summary = await getConversationSummary(db, agent.organizationId, conversationId);
  if (!summary) throw new ParleyError('not_found', 'Conversation not found.');
  return { summary, ...committed };
}

/**
 * The visitor asks for a human. A visitor who has not written yet gets a conversation first, so the request is never
 * lost. Rejected with `transition_rejected` when a human already has the conversation or it is already queued.
 */
export async function requestHandoff(
  db: Database,
  visitor: VisitorContext,
  reason: string,
  opening: ConversationOpening = {},
): Promise<{ conversation: ConversationRow; effects: Effect[]; messages: Message[] }> {
  return db.transaction(async (tx) => {
    const conversation = await lockOrCreateVisitorConversation(tx, visitor, opening);
    if (conversation.created && conversation.row.status === 'queued') {
      // A widget without a bot: the new conversation is in the queue already; the visitor is told as if they asked.
      const told = await appendSystemMessages(tx, conversation.row, [{ type: 'handoff_requested', by: 'visitor' }, { type: 'queued' }]);
      const effects: Effect[] = [{ type: 'route' }, { type: 'queue-changed' }];
      return { conversation: await readConversation(tx, conversation.row.id), effects, messages: [...conversation.opened, ...told] };
    }
    const plan = planTransition(
      conversation.row,
      { type: 'handoff.requested', trigger: 'visitor_button', reason },
      { kind: 'visitor', id: visitor.contactId },
    );
    const applied = await applyPlan(tx, conversation.row, plan);
    return { conversation: applied.conversation, effects: plan.effects, messages: [...conversation.opened, ...applied.messages] };
  });
}

/**
 * The visitor is done with their resolved conversation: `conversation.closed` through the state machine, so that their
 * next message starts a new conversation instead of reopening it. `transition_rejected` while it is open (the machine
 * closes only a resolved conversation), `not_found` when they have none.
 */
export async function closeVisitorConversation(
  db: Database,
  visitor: Pick<VisitorContext, 'contactId'>,
): Promise<{ conversation: ConversationRow; effects: Effect[]; messages: Message[] }> {
  return db.transaction(async (tx) => {
    const [conversation] = await lockVisitorConversation(tx, visitor.contactId);
    if (!conversation) throw new ParleyError('not_found', 'There is no conversation to close.');
    const plan = planTransition(conversation, { type: 'conversation.closed' }, { kind: 'visitor', id: visitor.contactId });
    const applied = await applyPlan(tx, conversation, plan);
    return { conversation: applied.conversation, effects: plan.effects, messages: applied.messages };
  });
}

/**
 * Applies `event` to a conversation on behalf of the bot or the system, under the row lock, optionally only while
 * `expectedTurnId` still owns it (a cancelled turn must not act). Returns null when the turn no longer owns it.
 */
export async function applyConversationEvent(
  tx: Transaction,
  conversationId: string,
  event: ConversationEvent,
  actor: { kind: 'bot' | 'system'; id: null },
  expectedTurnId?: string,
): Promise<{ conversation: ConversationRow; effects: Effect[]; messages: Message[] } | null> {
  const [conversation] = await tx.select().from(conversations).where(eq(conversations.id, conversationId)).for('update');
  if (!conversation) throw new ParleyError('not_found', 'Conversation not found.');
  if (expectedTurnId !== undefined && conversation.botTurnId !== expectedTurnId) return null;
  const plan = planTransition(conversation, event, actor);
  const applied = await applyPlan(tx, conversation, plan);
  return { conversation: applied.conversation, effects: plan.effects, messages: applied.messages };
}

/**
 * Routing gives a queued conversation, whose row the caller has locked, to an agent: `agent.accepted` through the
 * state machine on behalf of the system, with the agent's name in the visitor's "… joined the conversation".
 */
export async function assignConversation(
  tx: Transaction,
  conversation: ConversationRow,
  agent: { userId: string; name: string },
): Promise<{ conversation: ConversationRow; effects: Effect[]; messages: Message[] }> {
  const plan = planTransition(
    conversation,
    { type: 'agent.accepted', agentId: agent.userId },
    { kind: 'system', id: null },
    {
      assigneeName: agent.name,
    },
  );
  const applied = await applyPlan(tx, conversation, plan);
  return { conversation: applied.conversation, effects: plan.effects, messages: applied.messages };
}

/** The columns of a summary (see {@link toConversationSummary}). */
const summaryFields = {
  conversation: conversations,
  contactName: contacts.name,
  contactEmail: contacts.email,
  assigneeName: users.name,
  teamName: teams.name,
  ticket: tickets,
  lastMessageBody: messages.body,
  lastMessageAuthorKind: messages.authorKind,
};

/**
 * Conversations with what their summaries show: contact, assignee, team, follow-up and the last message that is not a
 * system line; `extra` adds columns (the inbox's unread count and sort key).
 */

/**
 * The join condition of a conversation's preview message: its newest one that someone said. Status lines ("You're number
 * 1 in the queue.") are not news to an agent. The inbox and the contact's past conversations show the same preview.
 */
export const isPreviewMessage = and(
  eq(messages.conversationId, conversations.id),
  eq(messages.seq, sql`(select max(p.seq) from messages p where p.conversation_id = ${conversations.id} and p.author_kind <> 'system')`),
)!;

function summaryQuery<Extra extends SelectedFields>(db: Database, extra: Extra = {} as Extra) {
  return db
    .select({ ...summaryFields, ...extra })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(teams, eq(teams.id, conversations.teamId))
    .leftJoin(tickets, eq(tickets.conversationId, conversations.id))
    .leftJoin(messages, isPreviewMessage)
    .$dynamic();
}

/** What {@link findSummaries} selects. */
export interface SummaryQuery {
  /** On `conversations` and the tables the summary joins. */
  where: SQL | undefined;
  limit: number;
  /** Adds this agent's unread count (`unreadCount`). */
  unreadCount?: SQL<number>;
}

/** Summary rows matching `query`, in no particular order (the inbox orders its page itself). */
export async function findSummaries(db: Database, query: SummaryQuery): Promise<SummaryRow[]> {
  return summaryQuery(db, { unreadCount: query.unreadCount ?? sql<number | null>`null` })
    .where(query.where)
    .limit(query.limit);
}

/** One conversation of the organization, or undefined. */
export async function getConversationSummary(
  db: Database,
  organizationId: string,
  conversationId: string,
): Promise<ConversationSummary | undefined> {
  const [row] = await summaryQuery(db).where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)));
  return row ? toConversationSummary(row) : undefined;
}

/**
 * Messages of a conversation after `afterSeq`, in seq order, with agents' names; and with their pictures' URLs when
 * `avatarBaseUrl` (`publicBaseUrl(config)`) is given, for the widget and the console (the bot's prompt needs none).
 */
export async function listMessages(
  db: Database,
  conversationId: string,
  page: { afterSeq: number; limit: number },
  avatarBaseUrl?: string,
): Promise<MessagesPage> {
  const rows = await db
    .select({ message: messages, authorName: users.name, avatarVersion: avatars.version })
    .from(messages)
    .leftJoin(users, and(eq(messages.authorKind, 'agent'), eq(users.id, messages.authorId)))
    .leftJoin(avatars, eq(avatars.userId, users.id))
    .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, page.afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  return {
    messages: rows.slice(0, page.limit).map(({ message, authorName, avatarVersion }) => {
      const avatarUrl = avatarBaseUrl === undefined ? undefined : optionalAvatarUrl(avatarBaseUrl, message.authorId, avatarVersion);
      return toMessage(message, authorName, avatarUrl);
    }),
    hasMore,
  };
}

/** A conversation of the organization, or `not_found` (also for another organization's conversation). */
export async function getConversationRow(
  db: Database | Transaction,
  organizationId: string,
  conversationId: string,
): Promise<ConversationRow> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)));
  if (!row) throw new ParleyError('not_found', 'Conversation not found.');
  return row;
}

/** The visitor's current (not closed) conversation, if any. */
export async function findVisitorConversation(db: Database | Transaction, contactId: string): Promise<ConversationRow | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), ne(conversations.status, 'closed')))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row;
}
