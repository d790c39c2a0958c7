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
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { organizations } from './organizations.js';

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
    /** The policy an admin's action was called under (`auto`); null for the built-in tools. */
    policy: text(),
    durationMs: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.conversationId, table.id), index().on(table.turnId)],
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
    policy: text({ enum: ['auto'] })
      .notNull()
      .default('auto'),
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
    enabled: boolean().notNull().default(true),
    timeoutMs: integer().notNull().default(15_000),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex().on(table.organizationId, table.name)],
);
