import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { widgets } from './widgets.js';

/**
 * A visitor. Anonymous until they give a name, e-mail or phone. The id is the subject of the visitor's signed
 * session token; the row is written on the visitor's first message, not on every page view.
 */
export const contacts = pgTable(
  'contacts',
  {
    id: uuid().primaryKey(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    widgetId: uuid()
      .notNull()
      .references(() => widgets.id, { onDelete: 'cascade' }),
    name: text(),
    email: text(),
    /** E.164 when known. */
    phone: text(),
    /** The `User-Agent` header of the visitor's last connection. */
    userAgent: text(),
    /** BCP 47 tag: the browser's language as the SDK reported it, else the first of `Accept-Language`. */
    language: text(),
    /** IANA name, as the SDK reported it. */
    timeZone: text(),
    /** The http(s) URL of the page the visitor was on when they last connected. */
    page: text(),
    /** The http(s) URL the visitor came from (`document.referrer`) on their last connection. */
    referrer: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the visitor last connected (or wrote, before their first connection was recorded). */
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index().on(table.organizationId),
    // The inbox's search by contact (`?q=`): the words of the name (the last one as a prefix), and the start of the
    // e-mail address, case-insensitively.
    index('contacts_name_search_idx').using('gin', sql`to_tsvector('simple', coalesce(${table.name}, ''))`),
    index('contacts_email_prefix_idx').on(sql`lower(${table.email}) text_pattern_ops`),
  ],
);
