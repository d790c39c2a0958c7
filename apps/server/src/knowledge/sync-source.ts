/**
 * Syncs a website source with the knowledge base: crawls it with the validators of its documents (conditional GET),
 * imports each page read as an `html` document named by its address, leaves unchanged pages alone, deletes the
 * documents whose pages are gone, and records what it did on the source. The server runs it as the
 * `knowledge-source-sync` job (one per source, claimed in the database); `parley kb crawl` runs it in-process.
 * @module
 */
import {
  isForeignKeyViolation,
  knowledgeDocuments,
  knowledgeSources,
  type Database,
  type KnowledgeSourceSyncCounts,
  type Transaction,
} from '@parley/db';
import { and, eq, sql } from 'drizzle-orm';
import { crawlSite, type CrawlFetch, type CrawlLimits, type CrawledPage, type PreviousPage } from './crawl/crawl-site.js';
import { EmbeddingsError } from './embeddings.js';
import { deleteDocument, importDocument } from './import-document.js';
import { DocumentFormatError } from './parse-document.js';
import type { SemanticIndex } from './semantic-index.js';

/** The job that syncs a source; keyed by the source's id. */
export const KNOWLEDGE_SOURCE_SYNC_JOB = 'knowledge-source-sync';

/** What a sync did with one page, as {@link SyncSourceOptions.onPage} hears it. */
export type PageAction = 'added' | 'updated' | 'unchanged' | 'failed' | 'skipped' | 'removed';

/** Options of {@link syncKnowledgeSource}. */
export interface SyncSourceOptions {
  organizationId: string;
  sourceId: string;
  /** The guarded fetch (`createOutboundFetch({ allow: config.outbound.allow })`). */
  fetch: CrawlFetch;
  /** Embeds the imported pages too (semantic search). */
  semantic?: SemanticIndex | null | undefined;
  /** Stops the crawl; the sync then throws the signal's reason and records nothing. */
  signal?: AbortSignal | undefined;
  /**
   * Schedules the source's next sync at `runAt`, in the transaction that records this one. Called when the source has
   * a re-sync interval; without it (the CLI) a sync already scheduled stays as it was.
   */
  scheduleNext?: ((tx: Transaction, runAt: Date) => Promise<void>) | undefined;
  /** Bounds of the crawl besides the source's own pages and depth (the job's time limit). */
  limits?: Partial<Omit<CrawlLimits, 'maxPages' | 'maxDepth'>> | undefined;
  /** Hears each page as it is done, and each document removed at the end (the CLI's progress). */
  onPage?: ((url: string, action: PageAction) => void) | undefined;
}

/** The outcome of a sync, as recorded on the source. */
export interface SyncOutcome {
  status: 'ok' | 'failed';
  counts: KnowledgeSourceSyncCounts;
  /** Why the sync failed; null when it read the site. */
  error: string | null;
  /** What went wrong with the site (robots.txt, sitemaps) and with single pages, for the site owner. */
  problems: string[];
  /** When the sync was recorded (the database's clock). */
  syncedAt: Date;
}

/** An HTTP status that says a page is gone for good. */
const GONE_STATUSES = new Set([404, 410]);

/**
 * Skips that say the address is no page of the site any more: robots.txt now keeps it out, it is a file, it redirects
 * off the site, or to another page of it (which has its own document).
 */
const GONE_SKIPS = new Set(['robots', 'not_html', 'off_site', 'duplicate']);

/** True when the page's document should go: its page answered 404/410 or is no page of the site any more. */
function isGone(page: CrawledPage): boolean {
  if (page.status === 'failed') return page.httpStatus !== undefined && GONE_STATUSES.has(page.httpStatus);
  return page.status === 'skipped' && page.reason !== undefined && GONE_SKIPS.has(page.reason);
}

/** Thrown when the source was deleted while its sync ran; the sync stops without recording anything. */
class SourceDeletedError extends Error {
  override readonly name = 'SourceDeletedError';
}

/**
 * Syncs a source. Resolves with what it did, or null when the organization has no such source (it was deleted).
 * A page that fails doesn't fail the sync; a site that can't be read at all (robots.txt unreadable, a refused address,
 * no page read) records `failed` with the reason. Errors of Parley's own (the database) are thrown.
 */
export async function syncKnowledgeSource(db: Database, options: SyncSourceOptions): Promise<SyncOutcome | null> {
  const { organizationId, sourceId } = options;
  const [source] = await db
    .update(knowledgeSources)
    .set({ status: 'syncing' })
    .where(and(eq(knowledgeSources.id, sourceId), eq(knowledgeSources.organizationId, organizationId)))
    .returning();
  if (!source) return null;

  const documents = await db
    .select({
      id: knowledgeDocuments.id,
      sourceKey: knowledgeDocuments.sourceKey,
      etag: knowledgeDocuments.etag,
      lastModified: knowledgeDocuments.lastModified,
      links: knowledgeDocuments.links,
    })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.organizationId, organizationId), eq(knowledgeDocuments.sourceId, sourceId)));
  const documentsByKey = new Map(documents.map((document) => [document.sourceKey, document]));
  const previous = new Map<string, PreviousPage>(
    documents.map((document) => [
      document.sourceKey,
      { etag: document.etag ?? undefined, lastModified: document.lastModified ?? undefined, links: document.links ?? undefined },
    ]),
  );

  const counts: KnowledgeSourceSyncCounts = { added: 0, updated: 0, unchanged: 0, removed: 0, failed: 0, skipped: 0, stoppedBy: null };
  const problems: string[] = [];
  /** Pages whose documents stay: read, unchanged, or failed in a way that may pass. */
  const kept = new Set<string>();
  const gone = new Set<string>();
  /** A page whose links could not be read (it failed, or was too large) hides the pages only it links to. */
  let linksUnread = false;

  /** Stores the page's validators and links on its document, and makes it the source's. */
  async function claimDocument(documentId: string, page: CrawledPage, created = false) {
    let claimed: Array<{ id: string }>;
    try {
      claimed = await db
        .update(knowledgeDocuments)
        .set({
          sourceId,
          etag: page.etag ?? null,
          lastModified: page.lastModified ?? null,
          ...(page.status === 'fetched' ? { links: page.links ?? [] } : {}),
        })
        .where(
          and(
            eq(knowledgeDocuments.id, documentId),
            sql`exists (select 1 from ${knowledgeSources} where ${knowledgeSources.id} = ${sourceId})`,
          ),
        )
        .returning({ id: knowledgeDocuments.id });
    } catch (error) {
      // The source's row went between the check and the write (its deletion committed meanwhile).
      if (!isForeignKeyViolation(error)) throw error;
      claimed = [];
    }
    if (claimed.length === 0) {
      // The source was deleted meanwhile: its deletion can't have seen a document this sync created, so that one goes
      // here. A document that was there before (uploaded under the same key, or another source's) stays.
      if (created) await deleteDocument(db, organizationId, documentId);
      throw new SourceDeletedError(`Source ${sourceId} was deleted during its sync.`);
    }
  }

  async function handlePage(page: CrawledPage) {
    const failPage = (message: string) => {
      counts.failed++;
      problems.push(`${page.url}: ${message}`);
      options.onPage?.(page.url, 'failed');
    };
    if (page.status === 'fetched') {
      kept.add(page.url);
      try {
        const outcome = await importDocument(
          db,
          {
            organizationId,
            sourceKey: page.url,
            format: 'html',
            content: page.content ?? '',
            title: page.title?.trim() || undefined,
            // Cited where it was read: a canonical link may name another site, or a page that doesn't say this.
            url: page.finalUrl ?? page.url,
          },
          { semantic: options.semantic },
        );
        await claimDocument(outcome.documentId, page, outcome.status === 'created');
        const action = outcome.status === 'created' ? 'added' : outcome.status;
        counts[action]++;
        options.onPage?.(page.url, action);
      } catch (error) {
        if (error instanceof DocumentFormatError || error instanceof EmbeddingsError) failPage(error.message);
        else throw error;
      }
      return;
    }
    if (page.status === 'unchanged') {
      kept.add(page.url);
      const document = documentsByKey.get(page.url);
      if (document) await claimDocument(document.id, page);
      counts.unchanged++;
      options.onPage?.(page.url, 'unchanged');
      return;
    }
    if (isGone(page)) {
      gone.add(page.url);
      // Its document is deleted at the end and counted as removed; a link to a missing page is a failure to report.
      if (documentsByKey.has(page.url)) return;
    } else {
      kept.add(page.url);
      linksUnread = true;
    }
    if (page.status === 'failed') failPage(page.message ?? 'The page could not be read.');
    else {
      counts.skipped++;
      options.onPage?.(page.url, 'skipped');
    }
  }

  let status: 'ok' | 'failed';
  let error: string | null;
  try {
    const result = await crawlSite({
      ...(source.kind === 'sitemap' ? { sitemapUrl: source.url } : { startUrl: source.url }),
      limits: { ...options.limits, maxPages: source.limits.maxPages, maxDepth: source.limits.maxDepth },
      previous,
      fetch: options.fetch,
      signal: options.signal,
      onPage: handlePage,
    });
    if (result.stoppedBy === 'aborted') throw options.signal?.reason ?? new Error('The sync was aborted.');
    counts.stoppedBy = result.stoppedBy;
    problems.unshift(...result.problems.map((problem) => problem.message));

    // Unreached documents go only when the crawl saw everything it was asked to: it ran out of pages (or of depth, with
    // every page within reach read), read every sitemap and, for a site, the links of every page it found.
    // And never when its way in was not read (the start page, or every sitemap entry): a start page that moved to
    // another address or answers 404 for a while says nothing about the pages behind it.
    const read = result.totals.fetched + result.totals.unchanged;
    const entryRead =
      source.kind === 'sitemap'
        ? read > 0
        : result.pages.some((page) => page.depth === 0 && (page.status === 'fetched' || page.status === 'unchanged'));
    const complete =
      entryRead &&
      (result.stoppedBy === null || result.stoppedBy === 'maxDepth') &&
      result.problems.length === 0 &&
      (source.kind === 'sitemap' || !linksUnread);
    for (const document of documents) {
      const goes = entryRead && (gone.has(document.sourceKey) || (complete && !kept.has(document.sourceKey)));
      if (!goes) continue;
      if (await deleteDocument(db, organizationId, document.id)) {
        counts.removed++;
        options.onPage?.(document.sourceKey, 'removed');
      }
    }

    const entry = result.pages.find((page) => page.depth === 0);
    const failed = result.stoppedBy === 'robotsUnavailable' || !entryRead;
    error = failed
      ? (problems[0] ??
        (entry?.message ? `${entry.url}: ${entry.message}` : `No page of ${source.url} could be read, so no document was removed.`))
      : null;
    status = failed ? 'failed' : 'ok';
  } catch (caught) {
    if (caught instanceof SourceDeletedError) return null;
    if (options.signal?.aborted) throw caught;
    // Parley's own error (a page's URL too long to store, the database): recorded, so that the source doesn't stay
    // "syncing" and its next sync is still scheduled; documents already written stay.
    status = 'failed';
    error = `The sync stopped on an error: ${caught instanceof Error ? caught.message : String(caught)}`;
  }

  const recorded = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(knowledgeSources)
      .set({ status, lastError: error, lastCounts: counts, lastSyncedAt: sql`now()` })
      .where(eq(knowledgeSources.id, sourceId))
      .returning({ lastSyncedAt: knowledgeSources.lastSyncedAt, resyncHours: knowledgeSources.resyncHours });
    if (!row?.lastSyncedAt) return null;
    // From the database's clock, as the jobs' due times are.
    const nextSyncAt =
      row.resyncHours !== null && options.scheduleNext ? new Date(row.lastSyncedAt.getTime() + row.resyncHours * 3_600_000) : null;
    if (nextSyncAt) await options.scheduleNext!(tx, nextSyncAt);
    return { syncedAt: row.lastSyncedAt };
  });
  if (!recorded) return null;
  return { status, counts, error, problems, ...recorded };
}
