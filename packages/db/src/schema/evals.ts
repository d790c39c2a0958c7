import { boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/**
 * A stored `parley eval`: its figures, and each scenario's runs with their transcripts (`scenarios`, in the shape of
 * `@parley/protocol`'s `evalScenarioResultSchema`), for the console's list of scenario runs.
 */
export const evalRuns = pgTable(
  'eval_runs',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** `claude`, `openai-compatible`, `replay` or `offline`. */
    model: text().notNull(),
    /** The bot profile every scenario ran with; null: each scenario's own, or the widget's. */
    profile: text(),
    runsPerScenario: integer().notNull(),
    scenarioCount: integer().notNull(),
    passedCount: integer().notNull(),
    passed: boolean().notNull(),
    durationMs: integer().notNull(),
    scenarios: jsonb().$type<unknown[]>().notNull(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.organizationId, table.startedAt)],
);
