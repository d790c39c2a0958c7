import { sql } from 'drizzle-orm';
import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './organizations.js';

/**
 * A canned answer agents insert into their reply with `/shortcut`: shared with the organization (no owner; admins
 * manage them) or personal to the agent who owns it. Its body may name variables (`{contact.name}`) that the console
 * fills in when it is inserted.
 */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The agent whose personal reply it is; null: shared with the organization. */
    ownerId: uuid().references(() => users.id, { onDelete: 'cascade' }),
    /** What follows `/` in the reply box: lowercase letters, digits and dashes (`savedReplyShortcutSchema`). */
    shortcut: text().notNull(),
    title: text().notNull(),
    body: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // A shared shortcut once per organization; a personal one once per agent (in that organization). They also serve
    // the list: the organization's shared replies, and the caller's own, by shortcut.
    uniqueIndex('saved_replies_shared_shortcut_key')
      .on(table.organizationId, table.shortcut)
      .where(sql`${table.ownerId} is null`),
    uniqueIndex('saved_replies_personal_shortcut_key')
      .on(table.organizationId, table.ownerId, table.shortcut)
      .where(sql`${table.ownerId} is not null`),
  ],
);
