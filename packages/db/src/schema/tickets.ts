import { index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { conversations } from './conversations.js';
import { organizations } from './organizations.js';

export const ticketPriorities = ['low', 'normal', 'high', 'urgent'] as const;

/** An SLA clock as the last check stored it, for the console (`dueAt`, `warnAt` ISO instants). */
export interface StoredSlaClock {
  metric: 'first_response' | 'next_response' | 'resolution';
  startedAt: string;
  dueAt: string | null;
  warnAt: string | null;
  state: 'running' | 'warning' | 'breached';
}

/**
 * A follow-up: a conversation someone must come back to (nobody could answer when the visitor wrote, or an agent made
 * it one), with a priority and SLA clocks. Its status is derived, not stored: resolved and closed are the
 * conversation's, pending is `pendingSince` (an agent waits on the customer) until the visitor writes again.
 */
export const tickets = pgTable(
  'tickets',
  {
    conversationId: uuid()
      .primaryKey()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    priority: text({ enum: ticketPriorities }).notNull().default('normal'),
    /** Since when an agent waits on the customer; cleared when the visitor writes again. */
    pendingSince: timestamp({ withTimezone: true }),
    /** The running SLA clocks as the last check computed them; the check job keeps them current. */
    sla: jsonb()
      .$type<StoredSlaClock[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.organizationId, table.createdAt)],
);
