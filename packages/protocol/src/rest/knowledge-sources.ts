/**
 * `/api/knowledge/sources`: websites whose pages are knowledge-base documents. A source is crawled from its start
 * page (following links on the same site) or read from its sitemap, now and then again every `resyncHours`; each sync
 * adds new pages, updates changed ones, leaves unchanged ones alone and removes the pages that are gone.
 * @module
 */
import { z } from 'zod';

/** `website`: crawled from its start page, following links on the same site; `sitemap`: the pages a sitemap lists. */
export const knowledgeSourceKindSchema = z.enum(['website', 'sitemap']);
/** What a source is read from. */
export type KnowledgeSourceKind = z.infer<typeof knowledgeSourceKindSchema>;

/**
 * `pending`: a sync is due and hasn't started; `syncing`: a sync is running; `ok`: the last sync read the site (pages
 * may still have failed: see the counts); `failed`: the last sync could not read the site (`lastError` says why).
 */
export const knowledgeSourceStatusSchema = z.enum(['pending', 'syncing', 'ok', 'failed']);
/** Where a source's sync is. */
export type KnowledgeSourceStatus = z.infer<typeof knowledgeSourceStatusSchema>;

/** Pages a sync requests when the source names no limit. */
export const KNOWLEDGE_SOURCE_DEFAULT_MAX_PAGES = 500;
/** Links followed from the start page when the source names no limit. */
export const KNOWLEDGE_SOURCE_DEFAULT_MAX_DEPTH = 5;

const maxPagesSchema = z.number().int().min(1).max(5000);
const maxDepthSchema = z.number().int().min(0).max(20);
/** Hours between automatic syncs (up to a year); null: on demand only. */
const resyncHoursSchema = z.number().int().min(1).max(8760).nullable();

/**
 * An absolute http(s) address without credentials: a page's or a sitemap's. The server drops its `#fragment` and
 * stores it as the URL parser writes it (`HTTPS://Help.Example.com` → `https://help.example.com/`).
 */
const sourceAddressSchema = z
  .url({ protocol: /^https?$/, error: 'An http:// or https:// address, such as https://help.example.com/.' })
  .max(2000)
  // The authority is what comes before the first `/`, `?` or `#` after the scheme; an `@` in it means credentials.
  .refine((text) => !/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(text), 'The address must not carry a user name or password.');

/** Body of `POST /api/knowledge/sources` (admins): adds a source and starts its first sync. */
export const knowledgeSourceCreateSchema = z.strictObject({
  url: sourceAddressSchema,
  kind: knowledgeSourceKindSchema.default('website'),
  /** Pages requested per sync (pages, redirects and skipped non-pages): 500 by default. */
  maxPages: maxPagesSchema.optional(),
  /** Links followed from the start page (0: the start page alone): 5 by default; ignored for a sitemap. */
  maxDepth: maxDepthSchema.optional(),
  /** Hours between automatic syncs; null or absent: synced on demand only. */
  resyncHours: resyncHoursSchema.optional(),
});
/** Body of `POST /api/knowledge/sources`. */
export type KnowledgeSourceCreate = z.input<typeof knowledgeSourceCreateSchema>;

/** Body of `PATCH /api/knowledge/sources/:sourceId` (admins): the fields to change, at least one. */
export const knowledgeSourceUpdateSchema = z
  .strictObject({ maxPages: maxPagesSchema.optional(), maxDepth: maxDepthSchema.optional(), resyncHours: resyncHoursSchema.optional() })
  .refine((update) => Object.keys(update).length > 0, 'Send maxPages, maxDepth or resyncHours.');
/** Body of `PATCH /api/knowledge/sources/:sourceId`. */
export type KnowledgeSourceUpdate = z.infer<typeof knowledgeSourceUpdateSchema>;

/** Path parameters of `/api/knowledge/sources/:sourceId`. */
export const knowledgeSourceParamsSchema = z.object({ sourceId: z.uuid() });

/** What a source's last sync did. */
export const knowledgeSourceCountsSchema = z.object({
  /** Pages imported as new documents. */
  added: z.number().int().nonnegative(),
  /** Pages whose document changed. */
  updated: z.number().int().nonnegative(),
  /** Pages the site answered 304 Not Modified for, or whose text was the same. */
  unchanged: z.number().int().nonnegative(),
  /** Documents deleted because their page is gone. */
  removed: z.number().int().nonnegative(),
  /** Pages that could not be read (server errors, timeouts, no text); their documents stay as they were. */
  failed: z.number().int().nonnegative(),
  /** Pages not imported: robots.txt, not a web page, too large, redirected off the site. */
  skipped: z.number().int().nonnegative(),
  /**
   * What ended the crawl early, if anything: `maxPages`, `maxTotalBytes`, `timeLimit`, `maxDepth` (every page within
   * reach was read, links went deeper), `aborted`, `robotsUnavailable`. Documents not reached are deleted only when
   * this is null or `maxDepth`.
   */
  stoppedBy: z.string().nullable(),
});
/** What a source's last sync did. */
export type KnowledgeSourceCounts = z.infer<typeof knowledgeSourceCountsSchema>;

/** A website source of the knowledge base. */
export const knowledgeSourceSchema = z.object({
  id: z.string(),
  kind: knowledgeSourceKindSchema,
  url: z.string(),
  maxPages: z.number().int(),
  maxDepth: z.number().int(),
  resyncHours: z.number().int().nullable(),
  status: knowledgeSourceStatusSchema,
  /** When the last sync ended; null before the first. */
  lastSyncedAt: z.string().nullable(),
  /** Why the last sync failed; null unless `status` is `failed`. */
  lastError: z.string().nullable(),
  /** The last sync's counts; null before the first. */
  lastCounts: knowledgeSourceCountsSchema.nullable(),
  /** Documents the source has now. */
  documentCount: z.number().int().nonnegative(),
  /** When the next sync is due (on demand or by `resyncHours`); null when none is scheduled. */
  nextSyncAt: z.string().nullable(),
  createdAt: z.string(),
});
/** A website source of the knowledge base. */
export type KnowledgeSource = z.infer<typeof knowledgeSourceSchema>;

/** Answer of `GET /api/knowledge/sources`: every source, by address. */
export const knowledgeSourceListSchema = z.object({ sources: z.array(knowledgeSourceSchema) });
/** Answer of `GET /api/knowledge/sources`. */
export type KnowledgeSourceList = z.infer<typeof knowledgeSourceListSchema>;
