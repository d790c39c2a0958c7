import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { botProfiles } from './bot-profiles.js';
import { organizations, users } from './organizations.js';

/**
 * A group of agents that a widget's conversations (or a transfer) can be routed to: only its members are given them.
 * A conversation without a team goes to any agent of the organization.
 */
export const teams = pgTable(
  'teams',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** The bot profile of its conversations (a pre-chat topic or a rule routed them here); null: the widget's. */
    botProfileId: uuid().references(() => botProfiles.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Names are shown in transfer menus and to visitors ("transferred to Billing"): unique per organization, any case.
  (table) => [uniqueIndex('teams_org_name_key').on(table.organizationId, sql`lower(${table.name})`)],
);

/** Which agents belong to which team. */
export const teamMembers = pgTable(
  'team_members',
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.teamId, table.userId] }), index().on(table.userId)],
);
