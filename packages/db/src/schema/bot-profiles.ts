import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/**
 * Which knowledge-base documents a profile's bot answers from: those with one of `tags` (front matter tags, or the tags
 * given to the API) or synced from one of `sourceIds` (websites). Both empty: the whole knowledge base.
 */
export interface BotProfileKnowledgeScope {
  tags: string[];
  sourceIds: string[];
}

/**
 * A named bot of an organization: who it is, which model it runs on, what it is told, which documents it answers from,
 * which tools it may call and when it hands over. A widget or a team chooses one; a widget that chooses none uses the
 * bot settings of its own (`widgets.bot`). `settings` holds what `widgets.bot` holds but `enabled`, validated by the
 * server's `botConfigSchema`.
 */
export const botProfiles = pgTable(
  'bot_profiles',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** What admins call it ("Billing bot"); visitors see the settings' bot name. */
    name: text().notNull(),
    /** What it is for, in the admin's words. */
    description: text().notNull().default(''),
    settings: jsonb().$type<Record<string, unknown>>().notNull().default({}),
    knowledgeScope: jsonb().$type<BotProfileKnowledgeScope>().notNull().default({ tags: [], sourceIds: [] }),
    /**
     * The actions and MCP tools (`server__tool`) it may call, by the name the model knows; null: every enabled one. The
     * bot's own tools (handoff, search, contact, quick replies) are always there.
     */
    tools: text().array(),
    /**
     * Policies stricter than a tool's own for this profile's bot (`confirm`, `approve`), by tool name; the stricter of
     * the two applies, so a tool made stricter later stays so.
     */
    toolPolicies: jsonb().$type<Record<string, 'confirm' | 'approve'>>().notNull().default({}),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Names are picked from menus: unique per organization, any case.
  (table) => [uniqueIndex('bot_profiles_org_name_key').on(table.organizationId, sql`lower(${table.name})`)],
);
