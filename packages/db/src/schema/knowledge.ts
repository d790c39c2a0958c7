import { sql } from 'drizzle-orm';
import {
  bigint,
  customType,
  index,
  integer,
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
export const knowledgeFormats = ['markdown', 'mdx', 'html', 'text', 'faq'] as const;

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
    /** What the import noticed and could not keep (unresolved template macros, front matter that can't be read). */
    warnings: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** SHA-256 of the imported bytes, title and URL: an unchanged re-import is skipped. */
    contentHash: text().notNull(),
    chunkCount: integer().notNull(),
    characterCount: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('knowledge_documents_source_key').on(table.organizationId, table.sourceKey)],
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
    language: regconfig().notNull(),
    searchVector: tsvector()
      .notNull()
      .generatedAlwaysAs(
        (): ReturnType<typeof sql> =>
          sql`to_tsvector(${knowledgeChunks.language}, ${knowledgeChunks.title} || ' ' || ${knowledgeChunks.about} || ' ' || ${knowledgeChunks.section} || ' ' || ${knowledgeChunks.body})`,
      ),
  },
  (table) => [
    index('knowledge_chunks_document_idx').on(table.documentId, table.position),
    index('knowledge_chunks_search_idx').using('gin', table.searchVector),
  ],
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
 * The inverted index: one row per (lexeme, chunk) with the lexeme's count in the chunk and the chunk's length, which
 * is all BM25 needs. `impact` is the term's length-normalised weight in the chunk when it was indexed; search reads
 * each query term's postings in `impact` order and stops after a bounded number (see docs/knowledge.md).
 * Postings go with their chunk (cascade), and with the organization through the chunk.
 */
export const knowledgePostings = pgTable(
  'knowledge_postings',
  {
    chunkId: bigint({ mode: 'number' })
      .notNull()
      .references(() => knowledgeChunks.id, { onDelete: 'cascade' }),
    // No foreign key to the vocabulary: a check per posting would double the cost of indexing, and terms are never
    // deleted (a lexeme whose chunks are all gone keeps document_frequency 0).
    termId: bigint({ mode: 'number' }).notNull(),
    termFrequency: smallint().notNull(),
    chunkLength: integer().notNull(),
    impact: real().notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.chunkId, table.termId] }),
    // Covering, so that search reads a term's best postings from the index alone (an index-only scan).
    index('knowledge_postings_term_impact_idx').on(
      table.termId,
      table.impact.desc(),
      table.chunkId,
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
