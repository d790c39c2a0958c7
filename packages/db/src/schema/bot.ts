import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { botProfiles } from './bot-profiles.js';
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { organizations, users } from './organizations.js';
import { teams } from './teams.js';

/** How a bot message was produced: model, tokens (including prompt-cache reads and writes), latency, stop reason. */
export const botReplies = pgTable(
  'bot_replies',
  {
    messageId: uuid()
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** `offline` for the offline answerer, otherwise the Anthropic model id. */
    model: text().notNull(),
    inputTokens: integer().notNull().default(0),
    outputTokens: integer().notNull().default(0),
    cacheReadTokens: integer().notNull().default(0),
    cacheWriteTokens: integer().notNull().default(0),
    /** Milliseconds from the start of the turn (claim, history, request) to the first text delta. Null when no text came. */
    timeToFirstTokenMs: integer(),
    /** Milliseconds from the start of the turn to the stored message. */
    latencyMs: integer().notNull(),
    stopReason: text(),
    /** Model rounds in the turn (one more per tool_use → tool_result). */
    rounds: integer().notNull().default(1),
    /**
     * The knowledge-base passages the turn showed the model (given with the visitor's message or found by its searches),
     * each with its search evidence and whether the reply cited it: what an answer can be audited against. Agents only.
     */
    sources: jsonb().notNull().default([]),
    /** The bot profile that answered; null: the widget's own bot settings (or a profile deleted since). */
    profileId: uuid().references(() => botProfiles.id, { onDelete: 'set null' }),
    /** The profile's name when it answered, kept when the profile is renamed or deleted; null: the widget's own. */
    profileName: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.organizationId, table.createdAt)],
);

/** Every tool the bot called: input, output or error, duration. */
export const toolCalls = pgTable(
  'tool_calls',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The bot message the call led to; null when the turn ended without one (cancelled, failed, handed off). */
    messageId: uuid().references(() => messages.id, { onDelete: 'set null' }),
    turnId: uuid().notNull(),
    /** Anthropic's `tool_use` id. */
    toolUseId: text().notNull(),
    tool: text().notNull(),
    input: jsonb().notNull(),
    output: jsonb(),
    error: text(),
    success: boolean().notNull(),
    /** The policy an admin's action was called under (`auto`, `confirm`, `approve`); null for the built-in tools. */
    policy: text(),
    /** For a `confirm` or `approve` call: the pending action that held it, whose row says who decided and when. */
    pendingActionId: uuid().references(() => pendingActions.id, { onDelete: 'set null' }),
    durationMs: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.conversationId, table.id), index().on(table.turnId), index().on(table.pendingActionId)],
);

/** What a model call was for: the bot's replies to visitors, or AI help for agents (summaries, suggested replies). */
export const usagePurposes = ['bot', 'assist'] as const;

/**
 * Tokens and their cost per organization, day (UTC), model and purpose: the numbers behind cost reports. The bot's and
 * the agents' AI help are counted in separate rows of the same table.
 */
export const usageDaily = pgTable(
  'usage_daily',
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    day: date({ mode: 'string' }).notNull(),
    model: text().notNull(),
    /** `bot` for the bot's turns, `assist` for AI help asked by agents. */
    purpose: text({ enum: usagePurposes }).notNull().default('bot'),
    /** Bot rows: stored replies. Assist rows: summaries and suggestions delivered. */
    replies: integer().notNull().default(0),
    inputTokens: bigint({ mode: 'number' }).notNull().default(0),
    outputTokens: bigint({ mode: 'number' }).notNull().default(0),
    cacheReadTokens: bigint({ mode: 'number' }).notNull().default(0),
    cacheWriteTokens: bigint({ mode: 'number' }).notNull().default(0),
    /** US dollars, from the price table in configuration at the time of each reply. */
    costUsd: numeric({ precision: 14, scale: 6 })
      .notNull()
      .default(sql`0`),
  },
  (table) => [primaryKey({ columns: [table.organizationId, table.day, table.model, table.purpose] })],
);

/**
 * When the bot may call an action: `auto` whenever the model decides to; `confirm` after the visitor confirms (Confirm /
 * Cancel under the bot's message); `approve` after an agent approves (the turn pauses and resumes on the decision).
 */
export const botActionPolicies = ['auto', 'confirm', 'approve'] as const;

/** The HTTP methods an action may use. */
export const botActionMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * HTTP actions an admin declares for the organization's bot: each is a tool the model may call. The request is rendered
 * from the templates (`url`, `headers`) with the model's input (checked against `inputSchema`) and the secrets, which
 * are stored sealed (`plugins/sealed-secrets.ts`, purpose `bot-action-secret`) and never shown or logged.
 */
export const botActions = pgTable(
  'bot_actions',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The tool's name for the model, unique in the organization. */
    name: text().notNull(),
    description: text().notNull(),
    enabled: boolean().notNull().default(true),
    policy: text({ enum: botActionPolicies }).notNull().default('auto'),
    /**
     * For `confirm` and `approve`: what the call will do, in plain words, with `{{field}}` for the inputs ("Refund order
     * {{order_number}}"); empty: the action's name and its inputs.
     */
    confirmationText: text().notNull().default(''),
    /** For `approve`: the team whose agents decide; null: any agent. Admins always may. */
    approverTeamId: uuid().references(() => teams.id, { onDelete: 'set null' }),
    /** For `confirm` and `approve`: how long a decision is waited for; then the call is treated as refused. */
    decisionTimeoutSeconds: integer().notNull().default(900),
    method: text({ enum: botActionMethods }).notNull(),
    url: text().notNull(),
    headers: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Secret name → sealed value. */
    secrets: jsonb().$type<Record<string, string>>().notNull().default({}),
    inputSchema: jsonb().$type<Record<string, unknown>>().notNull(),
    responseFields: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    timeoutMs: integer().notNull().default(10_000),
    requiresVerifiedContact: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex().on(table.organizationId, table.name)],
);

/** A tool an MCP server offers, as it described it: what the model is shown. */
export interface McpToolDefinition {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/**
 * MCP servers (Streamable HTTP) whose tools the organization's bot may call. `tools` holds the ones an admin allowed,
 * as the server described them when they were picked: a turn offers them without asking the server, and calls go to
 * it. Secrets are sealed like the actions' (purpose `bot-action-secret`).
 */
export const mcpServers = pgTable(
  'mcp_servers',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The prefix of its tools' names for the model, unique in the organization. */
    name: text().notNull(),
    url: text().notNull(),
    headers: jsonb().$type<Record<string, string>>().notNull().default({}),
    secrets: jsonb().$type<Record<string, string>>().notNull().default({}),
    tools: jsonb().$type<McpToolDefinition[]>().notNull().default([]),
    /** The allowed tools that wait for a decision (`confirm`, `approve`), by name; the others run when called. */
    toolPolicies: jsonb().$type<Record<string, 'confirm' | 'approve'>>().notNull().default({}),
    /** For its `approve` tools: the team whose agents decide; null: any agent. */
    approverTeamId: uuid().references(() => teams.id, { onDelete: 'set null' }),
    /** For its `confirm` and `approve` tools: how long a decision is waited for. */
    decisionTimeoutSeconds: integer().notNull().default(900),
    enabled: boolean().notNull().default(true),
    timeoutMs: integer().notNull().default(15_000),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex().on(table.organizationId, table.name)],
);

/** Where a paused call stands: `pending` until someone decides, the decision, or `withdrawn` (a person took over, the visitor wrote something else). */
export const pendingActionStatuses = ['pending', 'confirmed', 'cancelled', 'approved', 'rejected', 'expired', 'withdrawn'] as const;

/**
 * A tool call of the bot that waits for a decision (its action's policy is `confirm` or `approve`): the turn that made
 * it stored the bot's message and ended; a decision (the visitor's, an agent's, or the timeout) lets the next turn of the
 * conversation resume it: run the call (confirmed, approved) or tell the model it was refused. At most one per
 * conversation waits at a time. `resumedAt` is the claim of that resumption: the call runs at most once.
 */
export const pendingActions = pgTable(
  'pending_actions',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The bot message that asked: the Confirm / Cancel buttons, or the "waiting for approval" words. */
    messageId: uuid().references(() => messages.id, { onDelete: 'set null' }),
    /** The turn that paused. */
    turnId: uuid().notNull(),
    /** The model's `tool_use` id. */
    toolUseId: text().notNull(),
    tool: text().notNull(),
    input: jsonb().notNull(),
    policy: text({ enum: ['confirm', 'approve'] }).notNull(),
    /** What the call will do, in plain words: the action's confirmation text with the inputs filled in. */
    summary: text().notNull(),
    /** `confirm`: the buttons' words, as the visitor saw them (their click sends one as a message). */
    confirmLabel: text(),
    cancelLabel: text(),
    status: text({ enum: pendingActionStatuses }).notNull().default('pending'),
    /** `approve`: the team whose agents decide; null: any agent. */
    teamId: uuid().references(() => teams.id, { onDelete: 'set null' }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    decidedAt: timestamp({ withTimezone: true }),
    /** Who decided: `visitor`, `agent` (with `decidedById`) or `system` (the timeout, a takeover). */
    decidedByKind: text({ enum: ['visitor', 'agent', 'system'] }),
    decidedById: uuid().references(() => users.id, { onDelete: 'set null' }),
    decidedByName: text(),
    /** What the agent wrote with the decision; the model reads it. */
    note: text(),
    /** Set by the turn that resumes the call (it runs at most once); also for decisions that resume nothing. */
    resumedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('pending_actions_one_waiting')
      .on(table.conversationId)
      .where(sql`${table.status} = 'pending'`),
    index('pending_actions_due')
      .on(table.expiresAt)
      .where(sql`${table.status} = 'pending'`),
    // The calls a turn settles as it starts, and the decided ones that make a conversation wait for the bot.
    index('pending_actions_open')
      .on(table.conversationId)
      .where(sql`${table.resumedAt} is null`),
    index().on(table.organizationId, table.status),
    index().on(table.messageId),
  ],
);
