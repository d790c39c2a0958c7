import { index, pgTable, primaryKey, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './organizations.js';

/**
 * Agents' live console connections, one row per server process (instance), user and organization, however many sockets
 * that process holds for them. The process renews `last_seen_at` of all its rows in one statement every heartbeat; a
 * row not renewed within the lease belongs to a dead process. An agent is online while a fresh row of theirs exists.
 */
export const agentSessions = pgTable(
  'agent_sessions',
  {
    /** The server process holding the sockets (random per start). */
    instanceId: uuid().notNull(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.instanceId, table.userId, table.organizationId] }),
    index().on(table.organizationId, table.userId),
    index().on(table.lastSeenAt),
  ],
);
