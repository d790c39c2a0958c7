import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { widgets } from './widgets.js';

/**
 * How a widget's site proves who its signed-in visitors are: an HS256 secret Parley generated (sealed with the app's
 * secret, like webhook secrets; the previous one still accepted for a day after a rotation), and/or a public key the
 * admin uploaded (the site signs with its private key: RS256, ES256 or EdDSA).
 */
export const identityVerification = pgTable('identity_verification', {
  widgetId: uuid()
    .primaryKey()
    .references(() => widgets.id, { onDelete: 'cascade' }),
  /** The HS256 secret, sealed. */
  secret: text(),
  /** The secret's first characters, shown to tell secrets apart. */
  secretHint: text(),
  secretCreatedAt: timestamp({ withTimezone: true }),
  previousSecret: text(),
  previousSecretExpiresAt: timestamp({ withTimezone: true }),
  /** The uploaded public key, as a PEM (SPKI) or a JWK in JSON. */
  publicKey: text(),
  /** The JWS algorithm the public key verifies (`RS256`, `ES256`, `EdDSA`, …). */
  publicKeyAlgorithm: text(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Identity tokens already used, so that one presented again by another visitor is refused as replayed. Kept until the
 * token expires (after which it is refused as expired anyway).
 */
export const identityTokenUses = pgTable(
  'identity_token_uses',
  {
    /** Hex SHA-256 of the whole token. */
    tokenHash: text().primaryKey(),
    widgetId: uuid()
      .notNull()
      .references(() => widgets.id, { onDelete: 'cascade' }),
    /** The contact the token was verified for. */
    contactId: uuid().notNull(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (table) => [index().on(table.expiresAt)],
);
