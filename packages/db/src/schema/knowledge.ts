import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organizations } from './organizations.js';

/** A Postgres text-search configuration name (`english`, `german`, `simple`, …). */
const regconfig = customType<{ data: string }>({ dataType: () => 'regconfig' });
/** Postgres' `tsvector`, written only by the database (generated column). */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** The formats a knowledge-base document can be imported from. */
export const knowledgeFormats = ['markdown', 'mdx', 'html', 'text', 'faq', 'pdf'] as const;

/** What a knowledge source is read from: a site crawled from its start page, or the pages a sitemap lists. */
export const knowledgeSourceKinds = ['website', 'sitemap'] as const;

/** Where a knowledge source's last sync got to: scheduled, running, done, or stopped by the site or an error. */
export const knowledgeSourceStatuses = ['pending', 'syncing', 'ok', 'failed'] as const;

/** The bounds of a source's crawl that its admins choose (the rest are the crawler's defaults). */
export interface KnowledgeSourceLimits {
  maxPages: number;
  maxDepth: number;
}

/** What a source's last sync did to its documents, and what stopped its crawl early (null: nothing did). */
export interface KnowledgeSourceSyncCounts {
  added: number;
  updated: number;
  unchanged: number;
  removed: number;
  failed: number;
  skipped: number;
  stoppedBy: string | null;
}

/**
 * A website (or sitemap) whose pages are the organization's documents, kept in step by syncs: each page is a document
 * whose `sourceKey` is the page's address and whose `source_id` is the source. One source per address.
 */
export const knowledgeSources = pgTable(
  'knowledge_sources',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: text({ enum: knowledgeSourceKinds }).notNull(),
    /** The start page, or the sitemap's address. */
    url: text().notNull(),
    limits: jsonb().$type<KnowledgeSourceLimits>().notNull(),
    /** Hours between automatic syncs; null: synced on demand only. */
    resyncHours: integer(),
    status: text({ enum: knowledgeSourceStatuses }).notNull().default('pending'),
    /** When the last sync ended (succeeded or failed). */
    lastSyncedAt: timestamp({ withTimezone: true }),
    /** Why the last sync failed, for the site owner; null after a sync that read the site. */
    lastError: text(),
    lastCounts: jsonb().$type<KnowledgeSourceSyncCounts>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('knowledge_sources_url_key').on(table.organizationId, table.url)],
);

/**
 * A document of an organization's knowledge base: a help article, a page, a FAQ file. `sourceKey` names it within the
 * organization (a file path, or the key given to the API); importing the same key again replaces it, unless
 * `contentHash` says nothing changed.
 */
export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sourceKey: text().notNull(),
    format: text({ enum: knowledgeFormats }).notNull(),
    title: text().notNull(),
    /** A summary from the document itself (Markdown front matter `description`, HTML `<meta name="description">`). */
    description: text(),
    url: text(),
    /** Its tags (front matter `tags`, or given to the API): a bot profile's knowledge scope picks documents by them. */
    tags: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** What the import noticed and could not keep (unresolved template macros, front matter that can't be read). */
    warnings: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** SHA-256 of the imported bytes, title and URL: an unchanged re-import is skipped. */
    contentHash: text().notNull(),
    chunkCount: integer().notNull(),
    characterCount: integer().notNull(),
    /**
     * The website the document is a page of; null for a file or an API document. No cascade: deleting a source deletes
     * its documents in code, through `deleteDocument`, which also takes their chunks out of the index and statistics.
     */
    sourceId: uuid().references(() => knowledgeSources.id, { onDelete: 'set null' }),
    /** A page's `ETag` when it was last read, sent back as `If-None-Match` by the next sync. */
    etag: text(),
    /** A page's `Last-Modified` when it was last read, sent back as `If-Modified-Since`. */
    lastModified: text(),
    /** A page's links on its site: a 304 has no body, and the pages behind an unchanged page are still crawled. */
    links: jsonb().$type<string[]>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('knowledge_documents_source_key').on(table.organizationId, table.sourceKey),
    index('knowledge_documents_source_idx').on(table.sourceId),
  ],
);

/**
 * A passage of a document, the unit that search returns and the bot cites. `searchVector` is generated from the
 * title, what the document is about, the heading path and the body with the organization's text-search language.
 */
export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    documentId: uuid()
      .notNull()
      .references(() => knowledgeDocuments.id, { onDelete: 'cascade' }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Order within the document, from 0. */
    position: integer().notNull(),
    /** The document's title, kept on the chunk so that a search hit can be shown and cited on its own. */
    title: text().notNull(),
    /**
     * What the document is about, from its front matter: description, tags and keywords. On every chunk, like the
     * title, because a generated column reads its own row only; indexed, not shown.
     */
    about: text().notNull().default(''),
    /** The headings above the chunk, outermost first (`Returns › Damaged items`). */
    headingPath: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** `headingPath` joined with " › ", indexed with the body (array functions cannot feed a generated column). */
    section: text().notNull().default(''),
    body: text().notNull(),
    /** Where the passage can be read, when it has its own address (a FAQ row's link); else the document's URL applies. */
    url: text(),
    /** The page of a PDF the passage is on, from 1 (a chunk never spans two pages); null for other formats. */
    page: integer(),
    language: regconfig().notNull(),
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> =>
          sql`to_tsvector(${knowledgeChunks.language}, ${knowledgeChunks.title} || ' ' || ${knowledgeChunks.about} || ' ' || ${knowledgeChunks.section} || ' ' || ${knowledgeChunks.body})`,
      ),
  },
  // No index on `search_vector`: search reads the postings (`knowledge_postings`), never the vector, and a GIN index
  // of about 100 entries a chunk made every import slower.
  (table) => [index('knowledge_chunks_document_idx').on(table.documentId, table.position)],
);

/**
 * The vocabulary of an organization's knowledge base: every lexeme with the number of chunks that contain it (BM25's
 * document frequency). The trigram index finds the closest known lexemes for a misspelt query word.
 */
export const knowledgeTerms = pgTable(
  'knowledge_terms',
  {
    // bigint: every upsert of a known lexeme still draws a number from the identity's sequence.
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    lexeme: text().notNull(),
    documentFrequency: integer().notNull(),
  },
  (table) => [
    uniqueIndex('knowledge_terms_lexeme_key').on(table.organizationId, table.lexeme),
    // GIN: finds similar words (`%`) in a few milliseconds even on PGlite; a GiST index took ~30 ms per word there,
    // and the planner even used it for exact lookups.
    index('knowledge_terms_trigram_idx').using('gin', table.lexeme.op('gin_trgm_ops')),
  ],
);

/**
 * The words of an organization's knowledge base as written (lower-cased, before stemming), each with its lexeme. Typo
 * tolerance compares a query word with these surface forms, not with stems: a misspelt inflected word is often more
 * than two edits from a stem ("notifcations" → "notif") but one from the word ("notifications"). Rows are added when
 * a document is indexed and never removed; a word whose lexeme no chunk has any more is ignored by search
 * (`knowledge_terms.document_frequency` 0).
 */
export const knowledgeWords = pgTable(
  'knowledge_words',
  {
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    word: text().notNull(),
    lexeme: text().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.organizationId, table.word] }),
    index('knowledge_words_trigram_idx').using('gin', table.word.op('gin_trgm_ops')),
  ],
);

/**
 * How many tiers of `impact` (from 0 up to 1, exclusive) a term's postings are ordered by: search reads the top tiers
 * of a term first, and within a tier in the order the chunks were indexed.
 */
export const IMPACT_TIERS = 16;

/**
 * The inverted index: one row per (lexeme, chunk) with the lexeme's count in the chunk and the chunk's length, which
 * is all BM25 needs. `impact` is the term's length-normalised weight in the chunk when it was indexed; search reads
 * each query term's postings in `impact_tier` order and stops after a bounded number (see docs/knowledge.md).
 * Postings go with their chunk, without a foreign key: the check per posting was about a third of the cost of indexing
 * (about 100 postings a chunk). Parley deletes a chunk's postings before the chunk (`removeChunks` in the server), and a
 * chunk deleted otherwise (a document or an organization deleted by a cascade) takes its postings with it through
 * the statement trigger `knowledge_chunks_delete_postings` (migration 0024).
 */
export const knowledgePostings = pgTable(
  'knowledge_postings',
  {
    chunkId: bigint({ mode: 'number' }).notNull(),
    // No foreign key to the vocabulary: a check per posting would double the cost of indexing, and terms are never
    // deleted (a lexeme whose chunks are all gone keeps document_frequency 0).
    termId: bigint({ mode: 'number' }).notNull(),
    termFrequency: smallint().notNull(),
    chunkLength: integer().notNull(),
    impact: real().notNull(),
    /**
     * `impact` in {@link IMPACT_TIERS} steps (0 the lowest), the order search reads a term's postings in. A term's
     * new postings go to the end of their tier in its index (chunk ids only grow), so an import writes a few index
     * pages per term instead of a page of its own for nearly every posting, which was most of an import's cost at
     * 100k chunks (docs/knowledge.md, Import speed).
     */
    impactTier: smallint()
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> => sql`floor(${knowledgePostings.impact} * ${sql.raw(String(IMPACT_TIERS))})::smallint`,
      ),
  },
  (table) => [
    primaryKey({ columns: [table.chunkId, table.termId] }),
    // Covering, so that search reads a term's best postings from the index alone (an index-only scan).
    index('knowledge_postings_term_tier_idx').on(
      table.termId,
      table.impactTier.desc(),
      table.chunkId,
      table.impact,
      table.termFrequency,
      table.chunkLength,
    ),
  ],
);

/** Per organization: how many chunks its knowledge base has and their total length in lexemes (BM25's N and avgdl). */
export const knowledgeStats = pgTable('knowledge_stats', {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  chunkCount: integer().notNull().default(0),
  tokenCount: bigint({ mode: 'number' }).notNull().default(0),
});
