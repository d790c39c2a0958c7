import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { conversations } from './conversations.js';
import { messages } from './messages.js';
import { organizations } from './organizations.js';

/**
 * A file a visitor or an agent attached. Written `pending` when an upload is prepared (`attachment:prepare`), `stored`
 * once its bytes are in the attachment storage (`storageKey`, and `thumbnailKey` for an image's preview), and tied to
 * its message (and conversation) when a message names it: a file is sent once, by whoever uploaded it.
 * `contentType` and `inline` come from the bytes, never from the name.
 */
export const attachments = pgTable(
  'attachments',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /**
     * Who uploaded it: a visitor (their contact's id, which may not be written yet), an agent (a user id), or an API token
     * (its id), whose messages may then send it as whichever agent they act for.
     */
    uploaderKind: text({ enum: ['visitor', 'agent', 'token'] }).notNull(),
    uploaderId: uuid().notNull(),
    name: text().notNull(),
    /** The size declared when prepared, then the size stored. */
    size: integer().notNull(),
    status: text({ enum: ['pending', 'storing', 'stored'] })
      .notNull()
      .default('pending'),
    contentType: text(),
    inline: boolean().notNull().default(false),
    storageKey: text(),
    thumbnailKey: text(),
    conversationId: uuid().references(() => conversations.id, { onDelete: 'cascade' }),
    messageId: uuid().references(() => messages.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index().on(table.messageId),
    index().on(table.conversationId),
    // Uploads never sent, for the clean-up of stale ones.
    index('attachments_unsent_idx')
      .on(table.createdAt)
      .where(sql`${table.messageId} is null`),
    check('attachments_stored', sql`${table.status} <> 'stored' or (${table.storageKey} is not null and ${table.contentType} is not null)`),
  ],
);
