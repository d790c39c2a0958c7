import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';
import { organizations, users } from './organizations.js';

/**
 * A visitor's rating of a resolved conversation: 1 to 5 with an optional comment, at most one per resolution (the
 * `resolved` status line it answers, by seq), with who handled it, for reports.
 */
export const conversationRatings = pgTable(
  'conversation_ratings',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    /** The seq of the "The conversation was resolved." line this rating answers. */
    resolvedSeq: integer().notNull(),
    rating: integer().notNull(),
    comment: text(),
    /** The agent who had the conversation when it was resolved; null when no agent had it. */
    agentId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** Whether the bot answered in the conversation before it was resolved. */
    botInvolved: boolean().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('conversation_ratings_once_key').on(table.conversationId, table.resolvedSeq),
    index().on(table.organizationId, table.createdAt),
    check('conversation_ratings_range', sql`${table.rating} between 1 and 5`),
  ],
);
