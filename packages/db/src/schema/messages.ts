import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';

/**
 * A message in a conversation. `seq` is gapless and unique per conversation; `clientId`, chosen by the sender, makes
 * sends idempotent. `metadata` leaves room for citations, token usage and tool calls without a rewrite.
 */
export const messages = pgTable(
  'messages',
  {
    id: uuid().primaryKey().defaultRandom(),
    conversationId: uuid()
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer().notNull(),
    clientId: text(),
    authorKind: text({ enum: ['visitor', 'agent', 'bot', 'system'] }).notNull(),
    authorId: uuid(),
    body: text().notNull(),
    metadata: jsonb()
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    unique('messages_conversation_seq_key').on(table.conversationId, table.seq),
    unique('messages_conversation_client_id_key').on(table.conversationId, table.clientId),
    // The inbox's search by message text (`GET /api/conversations?q=`): the words people wrote, system lines left out.
    // An expression index with the `simple` configuration: an index needs one configuration for every row, and a
    // visitor writes in whatever language they speak (see docs/architecture.md, Inbox).
    index('messages_body_search_idx')
      .using('gin', sql`to_tsvector('simple', ${table.body})`)
      .where(sql`${table.authorKind} <> 'system'`),
  ],
);
