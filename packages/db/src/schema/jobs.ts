import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/**
 * Work that must run once, later or now, whichever server process runs it: an SLA warning, an inactivity timer, an
 * e-mail. A job is written in the transaction of the change that needs it, so it exists exactly when that change
 * committed. A process claims due jobs with `for update skip locked` and holds them under a lease (`locked_until`)
 * that it renews while the handler runs; a job whose lease lapsed before it was done belonged to a dead process and
 * is claimed again. The database's clock (`now()`) decides what is due and what has lapsed, never a process's.
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** What to do: the name a handler is registered under (`app.jobs.handle`). */
    kind: text().notNull(),
    /**
     * Which one, e.g. a conversation id: scheduling the same kind and key again replaces the pending job's time and
     * payload instead of adding a second job, so a timer can be moved and is never set twice.
     */
    key: text().notNull(),
    payload: jsonb()
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'::jsonb`),
    runAt: timestamp({ withTimezone: true }).notNull(),
    /**
     * Claims so far, the running one included; scheduling again resets it. A finished run whose count no longer
     * matches its claim knows it was rescheduled meanwhile, and leaves the new schedule pending.
     */
    attempts: integer().notNull().default(0),
    /** The server process (random per start) holding the job; null when nobody does. */
    lockedBy: uuid(),
    /** The end of the holder's lease; a job not done when it passes is claimed again by any process. */
    lockedUntil: timestamp({ withTimezone: true }),
    /** When it succeeded, or gave up after its last attempt (then `last_error` says why): it never runs again. */
    doneAt: timestamp({ withTimezone: true }),
    /** The last run's error; kept on a dead job, cleared by a success. */
    lastError: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('jobs_kind_key_key').on(table.kind, table.key),
    // Every process polls for due jobs every second: only the pending ones are in this index, done ones pile up.
    index('jobs_pending_run_at_idx')
      .on(table.runAt)
      .where(sql`${table.doneAt} is null`),
  ],
);
