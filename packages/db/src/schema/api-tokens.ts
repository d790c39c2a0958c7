import { pgTable, text, timestamp, uniqueIndex, uuid, index } from 'drizzle-orm/pg-core';
import { organizations, users } from './organizations.js';

/**
 * A token an organization's integration sends to the REST API. Only the SHA-256 of the token is stored: a token is 32
 * random bytes, so its hash can't be reversed by guessing, and a lookup by hash is one index probe per request (a slow
 * password hash would cost every API call). Revoking deletes the row.
 */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** Hex SHA-256 of the whole token. */
    tokenHash: text().notNull(),
    /** The token's first characters, shown to tell tokens apart. */
    hint: text().notNull(),
    /** The scopes it carries (`conversations:read`, …). */
    scopes: text().array().notNull(),
    expiresAt: timestamp({ withTimezone: true }),
    /** Updated at most once a minute, so a busy integration doesn't write on every request. */
    lastUsedAt: timestamp({ withTimezone: true }),
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('api_tokens_hash_key').on(table.tokenHash), index().on(table.organizationId, table.createdAt)],
);
