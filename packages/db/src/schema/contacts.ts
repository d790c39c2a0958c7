import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';
import { widgets } from './widgets.js';

/**
 * A visitor. Anonymous until they give a name, e-mail or phone. The id is the subject of the visitor's signed
 * session token; the row is written on the visitor's first message, not on every page view.
 *
 * A visitor the site signed in and proved (identity verification) has `externalId`, the site's own user id, unique per
 * widget. A contact merged into another keeps its row with `mergedIntoId`, so a session token that still names
 * it leads to the contact it became; its conversations moved there.
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
    /**
     * BCP 47 tag: the language the visitor reads as the SDK reported it (the widget's or the page's choice, else the
     * browser's; `language:set` updates it), else the first of `Accept-Language`. The server writes to them in it.
     */
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
    /** The site's id for this person (the `sub` of a verified identity token); null for anonymous visitors. */
    externalId: text(),
    /** When the site last proved who this visitor is. */
    verifiedAt: timestamp({ withTimezone: true }),
    /** The contact this one was merged into (always one that is not itself merged). */
    mergedIntoId: uuid().references((): AnyPgColumn => contacts.id, { onDelete: 'cascade' }),
  },
  (table) => [
    // `GET /api/contacts`: an organization's contacts, newest first, with the id as the cursor's tie-breaker.
    index('contacts_org_created_idx').on(table.organizationId, table.createdAt.desc(), table.id.desc()),
    // The inbox's search by contact (`?q=`): the words of the name (the last one as a prefix), and the start of the
    // e-mail address, case-insensitively.
    index('contacts_name_search_idx').using('gin', sql`to_tsvector('simple', coalesce(${table.name}, ''))`),
    index('contacts_email_prefix_idx').on(sql`lower(${table.email}) text_pattern_ops`),
    // A user id names one person per widget: each widget's site proves it with its own keys.
    uniqueIndex('contacts_external_id_key').on(table.widgetId, table.externalId),
    index('contacts_merged_into_idx')
      .on(table.mergedIntoId)
      .where(sql`${table.mergedIntoId} is not null`),
  ],
);
