import { contacts, conversationEvents, conversations, messages, users, type Database, type Transaction } from '@parley/db';
import {
  characterCount,
  ParleyError,
  type ConversationStatus,
  type ConversationSummary,
  type Message,
  type MessageSent,
  type MessagesPage,
} from '@parley/protocol';
import { and, asc, desc, eq, gt, ne, sql } from 'drizzle-orm';
import { toConversationSummary, toMessage, type SummaryRow } from './mappers.js';

type ConversationRow = typeof conversations.$inferSelect;

/** The outcome of a send: the ack, and the stored message unless this was a repeat of an earlier `clientId`. */
export interface SendResult {
  sent: MessageSent;
  /** Null when the `clientId` was already stored: nothing new to broadcast. */
  message: Message | null;
  conversation: ConversationRow;
  /** True when this send created the conversation or changed its status or assignee. */
  conversationChanged: boolean;
}

/** A visitor, as identified by a verified session token and the widget it came through. */
export interface VisitorContext {
  contactId: string;
  widgetId: string;
  organizationId: string;
}

/** A signed-in agent. */
export interface AgentContext {
  userId: string;
  organizationId: string;
  name: string;
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
  return existing!;
}

type ConversationPatch = Partial<Pick<ConversationRow, 'status' | 'assigneeId'>>;
type AuditEvent = Omit<typeof conversationEvents.$inferInsert, 'conversationId'>;

/**
 * Appends a message to a conversation whose row the caller has locked (`for update`): the message takes
 * `lastSeq + 1`, so seq stays gapless and unique even with several server processes. A repeated `clientId` inserts
 * nothing and returns the stored message. Otherwise `patch` (a status or assignee change) is written with the new
 * `lastSeq` in one update, and `events` are added to the audit trail.
 *
 * The happy path is three statements inside the transaction (lock, insert, update): on the embedded database each
 * statement costs most of a millisecond, so the count matters.
 */
async function appendMessage(
  tx: Transaction,
  conversation: ConversationRow,
  values: { clientId: string; authorKind: Message['author']['kind']; authorId: string | null; body: string },
  change: (conversation: ConversationRow) => { patch: ConversationPatch; events: AuditEvent[] },
): Promise<{ row: typeof messages.$inferSelect; conversation: ConversationRow; duplicate: boolean; changed: boolean }> {
  const seq = conversation.lastSeq + 1;
  const [row] = await tx
    .insert(messages)
    .values({ conversationId: conversation.id, seq, ...values })
    .onConflictDoNothing({ target: [messages.conversationId, messages.clientId] })
    .returning();
  if (!row) {
    return { row: await findByClientId(tx, conversation.id, values.clientId), conversation, duplicate: true, changed: false };
  }
  const { patch, events } = change(conversation);
  const [updated] = await tx
    .update(conversations)
    .set({ ...patch, lastSeq: seq, lastMessageAt: row.createdAt, updatedAt: row.createdAt })
    .where(eq(conversations.id, conversation.id))
    .returning();
  if (events.length > 0) {
    await tx.insert(conversationEvents).values(events.map((event) => ({ ...event, conversationId: conversation.id })));
  }
  return { row, conversation: updated!, duplicate: false, changed: events.length > 0 };
}

function statusEvent(
  conversation: ConversationRow,
  toStatus: ConversationStatus,
  actor: { kind: 'visitor' | 'agent' | 'bot' | 'system'; id: string | null },
  data: Record<string, unknown> = {},
): AuditEvent {
  return { type: 'status_changed', fromStatus: conversation.status, toStatus, actorKind: actor.kind, actorId: actor.id, data };
}

function lockVisitorConversation(tx: Transaction, contactId: string) {
  return tx
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), ne(conversations.status, 'closed')))
    .orderBy(desc(conversations.createdAt))
    .limit(1)
    .for('update');
}

/**
 * Stores a visitor's message. Creates the contact on its first message and the conversation when the contact has
 * none open; a resolved conversation is reopened. All in one transaction: on any error nothing is left behind.
 */
export async function sendVisitorMessage(
  db: Database,
  visitor: VisitorContext,
  input: { clientId: string; body: string },
): Promise<SendResult> {
  return db.transaction(async (tx) => {
    let [conversation] = await lockVisitorConversation(tx, visitor.contactId);
    let created = false;
    if (!conversation) {
      // First message: upserting the contact locks its row, which serializes this visitor's concurrent first
      // sends (an outbox flush from two tabs); the loser then finds the winner's conversation.
      await tx
        .insert(contacts)
        .values({ id: visitor.contactId, organizationId: visitor.organizationId, widgetId: visitor.widgetId })
        .onConflictDoUpdate({ target: contacts.id, set: { lastSeenAt: sql`now()` } });
      [conversation] = await lockVisitorConversation(tx, visitor.contactId);
      if (!conversation) {
        [conversation] = await tx
          .insert(conversations)
          .values({
            organizationId: visitor.organizationId,
            widgetId: visitor.widgetId,
            contactId: visitor.contactId,
            status: 'queued',
          })
          .returning();
        await tx.insert(conversationEvents).values({
          conversationId: conversation!.id,
          type: 'created',
          toStatus: 'queued',
          actorKind: 'visitor',
          actorId: visitor.contactId,
        });
        created = true;
      }
    }

    const result = await appendMessage(
      tx,
      conversation!,
      { clientId: input.clientId, authorKind: 'visitor', authorId: visitor.contactId, body: input.body },
      (current) =>
        current.status === 'resolved'
          ? {
              patch: { status: 'queued' },
              events: [statusEvent(current, 'queued', { kind: 'visitor', id: visitor.contactId }, { reason: 'reopened' })],
            }
          : { patch: {}, events: [] },
    );
    return {
      sent: sentOf(result.row),
      message: result.duplicate ? null : toMessage(result.row),
      conversation: result.conversation,
      conversationChanged: created || result.changed,
    };
  });
}

/**
 * Stores an agent's reply. An agent replying to an unassigned conversation takes it (assignment and status change are
 * audited in the same transaction).
 */
export async function sendAgentMessage(
  db: Database,
  agent: AgentContext,
  input: { conversationId: string; clientId: string; body: string },
): Promise<SendResult> {
  return db.transaction(async (tx) => {
    const [conversation] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, input.conversationId), eq(conversations.organizationId, agent.organizationId)))
      .for('update');
    // Another organization's conversation is reported as missing, not forbidden: its existence is not disclosed.
    if (!conversation) throw new ParleyError('not_found', 'Conversation not found.');

    const result = await appendMessage(
      tx,
      conversation,
      { clientId: input.clientId, authorKind: 'agent', authorId: agent.userId, body: input.body },
      (current) => takeOver(current, agent),
    );
    return {
      sent: sentOf(result.row),
      message: result.duplicate ? null : toMessage(result.row, agent.name),
      conversation: result.conversation,
      conversationChanged: result.changed,
    };
  });
}

/** What changes when `agent` takes a conversation: assignment if unassigned, and the `agent` status. */
function takeOver(conversation: ConversationRow, agent: AgentContext): { patch: ConversationPatch; events: AuditEvent[] } {
  const patch: ConversationPatch = {};
  const events: AuditEvent[] = [];
  if (!conversation.assigneeId) {
    patch.assigneeId = agent.userId;
    events.push({ type: 'assigned', actorKind: 'agent', actorId: agent.userId, data: { assigneeId: agent.userId } });
  }
  if (conversation.status !== 'agent') {
    patch.status = 'agent';
    events.push(statusEvent(conversation, 'agent', { kind: 'agent', id: agent.userId }));
  }
  return { patch, events };
}

/** Resolves, reopens or takes a conversation of the agent's organization; every change is audited. */
export async function updateConversation(
  db: Database,
  agent: AgentContext,
  conversationId: string,
  update: { status?: 'queued' | 'agent' | 'resolved' | undefined; assignToMe?: true | undefined },
): Promise<ConversationSummary> {
  await db.transaction(async (tx) => {
    const [conversation] = await tx
      .select()
      .from(conversations)
      .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, agent.organizationId)))
      .for('update');
    if (!conversation) throw new ParleyError('not_found', 'Conversation not found.');
    const { patch, events } =
      update.assignToMe || update.status === 'agent'
        ? takeOver(conversation, agent)
        : update.status && update.status !== conversation.status
          ? { patch: { status: update.status }, events: [statusEvent(conversation, update.status, { kind: 'agent', id: agent.userId })] }
          : { patch: {}, events: [] };
    if (events.length === 0) return;
    await tx.update(conversations).set({ ...patch, updatedAt: sql`now()` }).where(eq(conversations.id, conversation.id));
    await tx.insert(conversationEvents).values(events.map((event) => ({ ...event, conversationId: conversation.id })));
  });
  const summary = await getConversationSummary(db, agent.organizationId, conversationId);
  if (!summary) throw new ParleyError('not_found', 'Conversation not found.');
  return summary;
}

function summaryQuery(db: Database) {
  return db
    .select({
      conversation: conversations,
      contactName: contacts.name,
      contactEmail: contacts.email,
      assigneeName: users.name,
      lastMessageBody: messages.body,
      lastMessageAuthorKind: messages.authorKind,
    })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .leftJoin(messages, and(eq(messages.conversationId, conversations.id), eq(messages.seq, conversations.lastSeq)))
    .$dynamic();
}

/** An organization's conversations, most recent activity first. */
export async function listConversations(
  db: Database,
  organizationId: string,
  query: { status?: ConversationStatus | undefined; limit: number },
): Promise<ConversationSummary[]> {
  const rows: SummaryRow[] = await summaryQuery(db)
    .where(
      and(eq(conversations.organizationId, organizationId), query.status ? eq(conversations.status, query.status) : undefined),
    )
    .orderBy(desc(conversations.updatedAt))
    .limit(query.limit);
  return rows.map(toConversationSummary);
}

/** One conversation of the organization, or undefined. */
export async function getConversationSummary(
  db: Database,
  organizationId: string,
  conversationId: string,
): Promise<ConversationSummary | undefined> {
  const [row] = await summaryQuery(db).where(
    and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)),
  );
  return row ? toConversationSummary(row) : undefined;
}

/** Messages of a conversation after `afterSeq`, in seq order, with agents' names. */
export async function listMessages(
  db: Database,
  conversationId: string,
  page: { afterSeq: number; limit: number },
): Promise<MessagesPage> {
  const rows = await db
    .select({ message: messages, authorName: users.name })
    .from(messages)
    .leftJoin(users, and(eq(messages.authorKind, 'agent'), eq(users.id, messages.authorId)))
    .where(and(eq(messages.conversationId, conversationId), gt(messages.seq, page.afterSeq)))
    .orderBy(asc(messages.seq))
    .limit(page.limit + 1);
  const hasMore = rows.length > page.limit;
  return {
    messages: rows.slice(0, page.limit).map((row) => toMessage(row.message, row.authorName)),
    hasMore,
  };
}

/** A conversation of the organization, or `not_found` (also for another organization's conversation). */
export async function getConversationRow(db: Database, organizationId: string, conversationId: string): Promise<ConversationRow> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.id, conversationId), eq(conversations.organizationId, organizationId)));
  if (!row) throw new ParleyError('not_found', 'Conversation not found.');
  return row;
}

/** The visitor's current (not closed) conversation, if any. */
export async function findVisitorConversation(db: Database, contactId: string): Promise<ConversationRow | undefined> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.contactId, contactId), ne(conversations.status, 'closed')))
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  return row;
}
