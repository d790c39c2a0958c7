/**
 * Website sources of the knowledge base: added, listed, changed and removed by their organization's admins. Adding a
 * source schedules its first sync at once; a source with an interval is synced again that long after each sync (see
 * `sync-source.ts`). Removing one deletes its documents through `deleteDocument`, so the index stays consistent.
 * @module
 */
import { jobs, knowledgeDocuments, knowledgeSources, rowsOf, type Database, type KnowledgeSourceLimits } from '@parley/db';
import {
  KNOWLEDGE_SOURCE_DEFAULT_MAX_DEPTH,
  KNOWLEDGE_SOURCE_DEFAULT_MAX_PAGES,
  ParleyError,
  type KnowledgeSource,
  type KnowledgeSourceKind,
  type KnowledgeSourceUpdate,
} from '@parley/protocol';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Jobs } from '../plugins/jobs.js';
import { deleteDocument } from './import-document.js';
import { KNOWLEDGE_SOURCE_SYNC_JOB } from './sync-source.js';

type SourceRow = typeof knowledgeSources.$inferSelect;

/** A source's address as stored: as the URL parser writes it, without its fragment (a crawl drops it too). */
export function normalizeSourceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

function toKnowledgeSource(row: SourceRow, documentCount: number, nextSyncAt: Date | null): KnowledgeSource {
  return {
    id: row.id,
    kind: row.kind,
    url: row.url,
    maxPages: row.limits.maxPages,
    maxDepth: row.limits.maxDepth,
    resyncHours: row.resyncHours,
    status: row.status,
    lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
    lastError: row.lastError,
    lastCounts: row.lastCounts,
    documentCount,
    nextSyncAt: nextSyncAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** The organization's sources with their document counts and next syncs, by address; or the one with `sourceId`. */
export async function listKnowledgeSources(db: Database, organizationId: string, sourceId?: string): Promise<KnowledgeSource[]> {
  const rows = await db
    .select({
      source: knowledgeSources,
      documentCount: sql<number>`(select count(*)::int from ${knowledgeDocuments} d where d.source_id = ${knowledgeSources.id})`,
      nextSyncAt: jobs.runAt,
    })
    .from(knowledgeSources)
    .leftJoin(jobs, and(eq(jobs.kind, KNOWLEDGE_SOURCE_SYNC_JOB), eq(jobs.key, sql`${knowledgeSources.id}::text`), isNull(jobs.doneAt)))
    .where(and(eq(knowledgeSources.organizationId, organizationId), sourceId === undefined ? undefined : eq(knowledgeSources.id, sourceId)))
    .orderBy(asc(knowledgeSources.url));
  return rows.map((row) => toKnowledgeSource(row.source, row.documentCount, row.nextSyncAt));
}

/** The organization's source `sourceId`; `not_found` for another organization's or a made-up one. */
export async function getKnowledgeSource(db: Database, organizationId: string, sourceId: string): Promise<KnowledgeSource> {
  const [source] = await listKnowledgeSources(db, organizationId, sourceId);
  if (!source) throw new ParleyError('not_found', 'No such website source.');
  return source;
}

/** A source to add. */
export interface NewKnowledgeSource {
  organizationId: string;
  url: string;
  kind: KnowledgeSourceKind;
  maxPages?: number | undefined;
  maxDepth?: number | undefined;
  resyncHours?: number | null | undefined;
}

/** Schedules the source's sync now, in `tx`: the first one, or one on demand. */
async function scheduleSyncNow(schedule: Jobs['schedule'], tx: Parameters<Jobs['schedule']>[0], organizationId: string, sourceId: string) {
  await schedule(tx, { organizationId, kind: KNOWLEDGE_SOURCE_SYNC_JOB, key: sourceId, runAt: new Date() });
}

/**
 * Adds a source and, in the same transaction, schedules its first sync now when `schedule` is given (the CLI syncs it
 * itself). `conflict` when the organization has a source at this address already.
 */
export async function createKnowledgeSource(db: Database, input: NewKnowledgeSource, schedule?: Jobs['schedule']): Promise<string> {
  const url = normalizeSourceUrl(input.url);
  const limits: KnowledgeSourceLimits = {
    maxPages: input.maxPages ?? KNOWLEDGE_SOURCE_DEFAULT_MAX_PAGES,
    maxDepth: input.maxDepth ?? KNOWLEDGE_SOURCE_DEFAULT_MAX_DEPTH,
  };
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(knowledgeSources)
      .values({ organizationId: input.organizationId, kind: input.kind, url, limits, resyncHours: input.resyncHours ?? null })
      .onConflictDoNothing()
      .returning({ id: knowledgeSources.id });
    if (!row) throw new ParleyError('conflict', `${url} is a website source of this knowledge base already.`);
    if (schedule) await scheduleSyncNow(schedule, tx, input.organizationId, row.id);
    return row.id;
  });
}

/** Schedules a sync of the source now (`pending`, unless one is running: it ends first). False: no such source. */
export async function requestKnowledgeSourceSync(
  db: Database,
  schedule: Jobs['schedule'],
  organizationId: string,
  sourceId: string,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(knowledgeSources)
      .set({ status: sql`case when ${knowledgeSources.status} = 'syncing' then 'syncing' else 'pending' end` })
      .where(and(eq(knowledgeSources.id, sourceId), eq(knowledgeSources.organizationId, organizationId)))
      .returning({ id: knowledgeSources.id });
    if (!row) return false;
    await scheduleSyncNow(schedule, tx, organizationId, sourceId);
    return true;
  });
}

/**
 * Changes a source's limits or interval. A new interval moves a scheduled sync to that long after the last one (now,
 * if that is past); no interval cancels it, unless it is a sync asked for that hasn't run yet.
 */
export async function updateKnowledgeSource(
  db: Database,
  queue: Pick<Jobs, 'schedule' | 'cancel'>,
  organizationId: string,
  sourceId: string,
  update: KnowledgeSourceUpdate,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.id, sourceId), eq(knowledgeSources.organizationId, organizationId)))
      .for('update');
    if (!current) return false;
    const limits: KnowledgeSourceLimits = {
      maxPages: update.maxPages ?? current.limits.maxPages,
      maxDepth: update.maxDepth ?? current.limits.maxDepth,
    };
    const resyncHours = update.resyncHours === undefined ? current.resyncHours : update.resyncHours;
    await tx.update(knowledgeSources).set({ limits, resyncHours }).where(eq(knowledgeSources.id, sourceId));
    // A sync that is due (the first, or one asked for) is left alone; the interval applies after it.
    if (update.resyncHours === undefined || current.status === 'pending' || current.status === 'syncing') return true;
    const job = { kind: KNOWLEDGE_SOURCE_SYNC_JOB, key: sourceId };
    if (resyncHours === null) await queue.cancel(tx, job);
    else {
      // From the database's clock, which decides when jobs are due.
      const [clock] = rowsOf<{ now: Date | string }>(await tx.execute(sql`select now() as now`));
      const now = new Date(clock!.now).getTime();
      const runAt = new Date(Math.max((current.lastSyncedAt?.getTime() ?? now) + resyncHours * 3_600_000, now));
      await queue.schedule(tx, { organizationId, ...job, runAt });
    }
    return true;
  });
}

/**
 * Removes a source: cancels its sync, deletes its documents one by one through `deleteDocument` (their chunks leave
 * the index and statistics), then the source, once it has no document left (a sync still running may have added one
 * meanwhile; it stops at its next page). Resolves with the number of documents deleted, or null when there is no
 * such source.
 */
export async function deleteKnowledgeSource(
  db: Database,
  cancel: Jobs['cancel'],
  organizationId: string,
  sourceId: string,
): Promise<number | null> {
  const ofSource = and(eq(knowledgeDocuments.organizationId, organizationId), eq(knowledgeDocuments.sourceId, sourceId));
  let deleted = 0;
  let found = false;
  for (;;) {
    const [source] = await db
      .select({ id: knowledgeSources.id })
      .from(knowledgeSources)
      .where(and(eq(knowledgeSources.id, sourceId), eq(knowledgeSources.organizationId, organizationId)));
    if (!source) return found ? deleted : null;
    found = true;
    await cancel(db, { kind: KNOWLEDGE_SOURCE_SYNC_JOB, key: sourceId });
    const documents = await db.select({ id: knowledgeDocuments.id }).from(knowledgeDocuments).where(ofSource);
    for (const document of documents) if (await deleteDocument(db, organizationId, document.id)) deleted++;
    const removed = await db.transaction(async (tx) => {
      // The row lock waits for a page being claimed by a sync right now (its foreign key check shares the row).
      await tx.select({ id: knowledgeSources.id }).from(knowledgeSources).where(eq(knowledgeSources.id, sourceId)).for('update');
      const [left] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(knowledgeDocuments)
        .where(ofSource);
      if ((left?.count ?? 0) > 0) return false;
      await tx.delete(knowledgeSources).where(eq(knowledgeSources.id, sourceId));
      return true;
    });
    if (removed) return deleted;
  }
}
