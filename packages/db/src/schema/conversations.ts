import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { botProfiles } from './bot-profiles.js';
import { contacts } from './contacts.js';
import { organizations, users } from './organizations.js';
import { teams } from './teams.js';
import { widgets } from './widgets.js';

/** Conversation states; the bot's state machine moves conversations between them. */
/** An external call a bot turn started, whose outcome that turn has not stored: see `conversations.botCallsInFlight`. */
export interface BotCallInFlight {
  turnId: string;
  tool: string;
  input: unknown;
  /** A call that changes nothing when repeated (an HTTP GET): a resumed turn may make it again. */
  idempotent: boolean;
  /** The policy of the admin's action or MCP tool (`auto`, `confirm`, `approve`). */
  policy: string | null;
  /** The call waited for a decision (confirm, approve) that a turn claimed to run it. */
  pendingActionId: string | null;
  startedAt: string;
}

export const conversationStatuses = ['bot', 'queued', 'agent', 'resolved', 'closed'] as const;

/**
 * One chat between a contact and the organization. `lastSeq` is the seq of the newest message: the next message
 * takes `lastSeq + 1` under the row lock, which keeps seq gapless and unique.
 */
export const conversations = pgTable(
  'conversations',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    widgetId: uuid()
      .notNull()
      .references(() => widgets.id, { onDelete: 'cascade' }),
    contactId: uuid()
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    status: text({ enum: conversationStatuses }).notNull(),
    assigneeId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** The team whose agents routing gives it to (the widget's team, or a transfer's); null: any agent. */
    teamId: uuid().references(() => teams.id, { onDelete: 'set null' }),
    /** The pre-chat topic the visitor picked, by its label then; null: none. */
    topic: text(),
    /** The bot profile its widget's triage chose from the visitor's first message; null: none chose one. */
    botProfileId: uuid().references(() => botProfiles.id, { onDelete: 'set null' }),
    /** What the agent who last transferred it wrote for the next one; shown in the console, never to the visitor. */
    transferNote: jsonb().$type<{ note: string; fromName: string; at: string }>(),
    lastSeq: integer().notNull().default(0),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastMessageAt: timestamp({ withTimezone: true }),
    /**
     * The bot turn that owns this conversation right now, claimed with a conditional update so that at most one turn
     * runs per conversation across every server process. Null when no turn runs.
     */
    botTurnId: uuid(),
    /** When the running turn was claimed; a turn older than the lease is considered dead and may be re-claimed. */
    botTurnStartedAt: timestamp({ withTimezone: true }),
    /** The seq of the newest message the bot has answered; visitor messages after it are still waiting for the bot. */
    botAnsweredSeq: integer().notNull().default(0),
    /**
     * The external calls (an admin's HTTP actions, MCP tools) the running turn started, each written before it leaves;
     * cleared when the turn stores its reply or ends. A turn that finds another turn's is the resumption of a turn a
     * crash stopped: whether those calls ran is unknown.
     */
    botCallsInFlight: jsonb().$type<BotCallInFlight[]>(),
    /** The newest seq the visitor has seen in the widget (open, on screen): replies after it are unseen. */
    visitorSeenSeq: integer().notNull().default(0),
    /** The newest seq e-mailed to the visitor, so that a reply is e-mailed once. */
    visitorEmailedSeq: integer().notNull().default(0),
    /**
     * When the oldest visitor message that nobody (an agent or the bot) has answered since was written; null when the
     * newest message that is not a system line is an agent's or the bot's. Kept by `appendMessage`; the inbox sorts
     * by it ("waiting longest").
     */
    waitingSince: timestamp({ withTimezone: true }),
  },
  (table) => [
    // The console's inbox: an organization's conversations by status, most recent activity first.
    // Nulls first, as `order by … desc` puts them (the columns have none, but the planner matches the index's order to
    // the query's only when both say the same), with the id as the tie-breaker of the cursor.
    index('conversations_inbox_idx').on(
      table.organizationId,
      table.status,
      table.updatedAt.desc().nullsFirst(),
      table.id.desc().nullsFirst(),
    ),
    // …and every status, in the inbox's `recent` order.
    index('conversations_org_updated_idx').on(table.organizationId, table.updatedAt.desc().nullsFirst(), table.id.desc().nullsFirst()),
    // The inbox sorted by waiting time: waiting conversations first, the longest waiting first, then the others by
    // oldest activity (the order of the `waiting` sort and its cursor).
    index('conversations_org_waiting_idx').on(
      table.organizationId,
      sql`(${table.waitingSince} is null)`,
      sql`coalesce(${table.waitingSince}, ${table.updatedAt})`,
      table.id,
    ),
    index('conversations_contact_idx').on(table.contactId, table.createdAt.desc()),
    // Every process looks for stale bot-turn claims every few seconds: only the few claimed rows are in this index.
    index('conversations_bot_claims_idx')
      .on(table.botTurnStartedAt)
      .where(sql`${table.botTurnId} is not null`),
    // …and, less often, for bot conversations left waiting without a claim.
    index('conversations_bot_waiting_idx')
      .on(table.updatedAt)
      .where(sql`${table.status} = 'bot'`),
  ],
);

/** Audit trail: one row for every status change and assignment, written in the same transaction as the change. */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    type: text({
      enum: [
        'created',
        'status_changed',
        'assigned',
        'unassigned',
        'transferred',
        'ticket_opened',
        'ticket_updated',
        'sla_warning',
        'sla_breached',
      ],
    }).notNull(),
    fromStatus: text({ enum: conversationStatuses }),
    toStatus: text({ enum: conversationStatuses }),
    actorKind: text({ enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    actorId: uuid(),
    data: jsonb()
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.conversationId, table.id)],
);
