import { sql } from 'drizzle-orm';
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './organizations.js';

/**
 * An invitation to join an organization with a role (and teams). The link's secret is never stored: only its SHA-256
 * (hex), so a leaked database row can't be used to accept it. A revoked or replaced invitation is deleted; an accepted
 * one keeps `acceptedAt` and can't be used again.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text().notNull(),
    role: text({ enum: ['agent', 'admin', 'owner'] }).notNull(),
    /** The teams the person joins on accepting; a team deleted since is skipped. */
    teamIds: uuid().array().notNull(),
    tokenHash: text().notNull().unique(),
    invitedBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    acceptedAt: timestamp({ withTimezone: true }),
  },
  (table) => [
    index().on(table.organizationId),
    // One pending invitation per address and organization (any case): inviting again replaces it.
    uniqueIndex('invitations_org_pending_email_key')
      .on(table.organizationId, sql`lower(${table.email})`)
      .where(sql`${table.acceptedAt} is null`),
  ],
);
