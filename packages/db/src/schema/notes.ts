import { index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';
import { organizations, users } from './organizations.js';

/**
 * Agents' internal notes on a conversation. A table of their own, not messages: no query a visitor's request runs
 * reads it, so a note cannot reach a visitor by a forgotten filter, and notes take no seq from the visitor's thread.
 * `after_seq` places a note in the transcript: after the message with that seq.
 */
export const conversationNotes = pgTable(
  'conversation_notes',
  {
    id: uuid().primaryKey().defaultRandom(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    authorId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** Chosen by the console: writing the same note twice (a retry) stores it once. */
    clientId: text().notNull(),
    body: text().notNull(),
    afterSeq: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('conversation_notes_client_id_key').on(table.conversationId, table.clientId),
    index().on(table.conversationId, table.createdAt),
  ],
);
