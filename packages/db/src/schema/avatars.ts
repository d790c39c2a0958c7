import { customType, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './organizations.js';

/**
 * Raw bytes. postgres.js reads a `bytea` as a Buffer and PGlite as a Uint8Array; both are Uint8Arrays, and both drivers
 * write one as it is.
 */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * A person's picture, shown beside their name to visitors and agents: a small square WebP the server made from their
 * upload (never the uploaded file itself). A row of its own rather than a column of `users`, so that reading a user
 * never reads the picture. `version` (a hash of the picture) is part of its public URL, so the URL of a changed picture
 * changes and browsers may cache each one forever.
 */
export const avatars = pgTable('avatars', {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  version: text().notNull(),
  image: bytea().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
