/**
 * Keeps search fast after imports. Search reads postings with an index-only scan and finds typos with the trigram
 * index; both need fresh planner statistics, and index-only scans need the visibility map that VACUUM writes.
 * Postgres' autovacuum gets there on its own, a minute or so after bulk writes; PGlite has no autovacuum. So a batch
 * import (CLI, evaluation, benchmark) vacuums at its end on either engine, and API changes on PGlite schedule one.
 * @module
 */
import { sql } from 'drizzle-orm';
import type { DbHandle } from '@parley/db';

/** Vacuums and analyzes the knowledge-base tables. Cannot run inside a transaction. */
export async function vacuumKnowledgeIndex(handle: Pick<DbHandle, 'db'>): Promise<void> {
  await handle.db.execute(sql`vacuum (analyze) knowledge_postings, knowledge_terms, knowledge_chunks, knowledge_documents`);
}

/** A debounced {@link vacuumKnowledgeIndex}: `touch()` after a change, `close()` on shutdown. */
export interface KnowledgeMaintenance {
  touch(): void;
  close(): Promise<void>;
}

/** After this long without another change, the embedded database's knowledge tables are vacuumed. */
const MAINTENANCE_DELAY_MS = 2000;

/**
 * Runs {@link vacuumKnowledgeIndex} on the embedded database once changes have settled, so that an upload of fifty
 * files vacuums once (Postgres leaves it to autovacuum). A failure is logged: search still works, only slower.
 */
export function scheduleKnowledgeMaintenance(
  handle: Pick<DbHandle, 'db' | 'driver'>,
  log: { warn(object: unknown, message: string): void },
  delayMs = MAINTENANCE_DELAY_MS,
): KnowledgeMaintenance {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let closed = false;
  const run = () => {
    timer = undefined;
    running = running
      .then(() => vacuumKnowledgeIndex(handle))
      .catch((error: unknown) => log.warn({ err: error }, 'knowledge index maintenance failed'));
  };
  return {
    touch() {
      if (closed || handle.driver !== 'pglite') return;
      clearTimeout(timer);
      timer = setTimeout(run, delayMs);
      timer.unref();
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
