import { index, integer, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';
import { users } from './organizations.js';

/**
 * How far each agent has read each conversation: the newest seq they have seen. A conversation's unread count for an
 * agent is the number of visitor messages after it. Kept in the database, not in a console's memory, so that a
 * reload or a second tab sees the same; an agent's row moves only forward (the greatest seq read, at most `last_seq`).
 */
export const conversationReads = pgTable(
  'conversation_reads',
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    lastReadSeq: integer().notNull().default(0),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.conversationId] }), index().on(table.conversationId)],
);
