import { sql } from 'drizzle-orm';
import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid, uniqueIndex, index } from 'drizzle-orm/pg-core';

/** A company using Parley. Everything else belongs to one. */
export const organizations = pgTable('organizations', {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull(),
  /** The Postgres text-search configuration its knowledge base is indexed and searched with (`english`, `german`, …). */
  knowledgeLanguage: text().notNull().default('english'),
  /** How many conversations an agent handles at once unless their membership says otherwise (routing's capacity). */
  defaultMaxConversations: integer().notNull().default(5),
  /** Follow-up SLA targets and timers (`slaPolicySchema` of @parley/protocol); null: the defaults. */
  slaPolicy: jsonb().$type<Record<string, unknown>>(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** People who sign in to the console: agents and admins. Passwords are argon2id hashes. */
export const users = pgTable(
  'users',
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastLoginAt: timestamp({ withTimezone: true }),
    /** The user's own alert preferences (`agentPreferencesSchema` of @parley/protocol); a missing field: its default. */
    preferences: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  // E-mail addresses are compared case-insensitively.
  (table) => [uniqueIndex('users_email_lower_key').on(sql`lower(${table.email})`)],
);

/** Which organizations a user works in, and with which role ('agent', 'admin' or 'owner'; see `roleSchema`). */
export const memberships = pgTable(
  'memberships',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    role: text({ enum: ['agent', 'admin', 'owner'] }).notNull(),
    /** The agent set themselves away (`presence:set`): connected, but not taking conversations. Kept across sign-ins. */
    away: boolean().notNull().default(false),
    /** The most conversations routing gives this agent at once; null: the organization's `defaultMaxConversations`. */
    maxConversations: integer(),
    /** When routing last gave this agent a conversation; round-robin picks the one assigned least recently. */
    lastAssignedAt: timestamp({ withTimezone: true }),
    /** When an admin deactivated the person here: no sign-in, no routing, until reactivated (null: active). */
    deactivatedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.organizationId] }), index().on(table.organizationId)],
);
