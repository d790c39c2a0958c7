/**
 * Imports one document into an organization's knowledge base, in one transaction: it is parsed and chunked first
 * (a bad file fails before anything is written), then its chunks, the inverted index and the BM25 statistics are
 * written together. Importing the same `sourceKey` again replaces the document, or does nothing when the content hash
 * says it is unchanged.
 * @module
 */
import { createHash } from 'node:crypto';
import { knowledgeChunks, knowledgeDocuments, organizations, type Database, type Transaction } from '@parley/db';
import { and, eq, sql } from 'drizzle-orm';
import { BM25 } from './bm25.js';
import { SURFACE_WORD_MAX_LENGTH, SURFACE_WORD_MIN_LENGTH, SURFACE_WORD_TOKENS } from './typos.js';
import { chunkDocument, defaultChunkOptions, type ChunkOptions } from './chunk-document.js';
import { slugUnder, sourceKeyUnder } from './document-url.js';
import {
  DocumentFormatError,
  parseDocument,
  type KnowledgeFormat,
  type ParsedDocument,
  type TextKnowledgeFormat,
} from './parse-document.js';
import { parsePdf } from './parse-pdf.js';
import type { SemanticIndex } from './semantic-index.js';

/** A document to import: the text of a text format, or the bytes of a PDF. */
export type DocumentInput = DocumentFields & ({ format: TextKnowledgeFormat; content: string } | { format: 'pdf'; content: Uint8Array });

/** What {@link DocumentInput} has whatever its format. */
export interface DocumentFields {
  organizationId: string;
  /** Names the document within the organization: a file path, or a key chosen by the API caller. */
  sourceKey: string;
  /**
   * Defaults to the document's own title (front matter `title`, else `sidebar_label`, else the first top-level heading;
   * HTML `<title>`; a PDF's metadata Title), then to a title made of `sourceKey`.
   */
  title?: string | undefined;
  /**
   * Where readers can find the document; shown with citations. When not given: the document's own address (front
   * matter `url`, HTML's canonical link), else with `baseUrl` its front matter slug or its source key under it.
   */
  url?: string | undefined;
  /** The import's base URL (CLI `--base-url`): see {@link documentUrl}. */
  baseUrl?: string | undefined;
}

/** What an import did. */
export interface ImportOutcome {
  status: 'created' | 'updated' | 'unchanged';
  documentId: string;
  title: string;
  chunkCount: number;
  /** What the import dropped or could not read (unresolved macros, unreadable front matter), for the site owner. */
  warnings: string[];
}

/** Options of {@link importDocument}. */
export interface ImportOptions {
  chunking?: ChunkOptions;
  /**
   * Also embeds the chunks and stores their vectors, in the same transaction. The embeddings are computed first: if
   * the service fails, the import fails and nothing is written.
   */
  semantic?: SemanticIndex | null | undefined;
}

/** Throws {@link DocumentFormatError} for text Postgres cannot store or that is clearly not a text file. */
function assertStorableText(content: string) {
  if (content.includes('\u0000')) throw new DocumentFormatError('The file contains NUL bytes; is it a binary file?');
  if (!content.isWellFormed()) throw new DocumentFormatError('The file is not valid Unicode text (unpaired surrogate).');
}

/** A readable title from a file name: `faq/product-care.csv` → `Product care`. */
export function titleFromKey(sourceKey: string): string {
  const name = sourceKey
    .split('/')
    .at(-1)!
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/[-_]+/g, ' ')
    .trim();
  return name ? name.charAt(0).toUpperCase() + name.slice(1) : sourceKey;
}

/**
 * A document's URL when the input names none: its own (front matter `url`, HTML canonical link), else under the base
 * URL its front matter slug, else its source key (a PDF's with its `.pdf`: the file itself is what is served).
 */
export function documentUrl(
  input: Pick<DocumentFields, 'url' | 'baseUrl' | 'sourceKey'> & { format?: KnowledgeFormat },
  parsed: Pick<ParsedDocument, 'url' | 'slug'>,
) {
  if (input.url) return input.url;
  if (parsed.url) return parsed.url;
  if (!input.baseUrl) return null;
  return (
    (parsed.slug ? slugUnder(input.baseUrl, input.sourceKey, parsed.slug) : undefined) ??
    sourceKeyUnder(input.baseUrl, input.sourceKey, { keepExtension: input.format === 'pdf' })
  );
}

/** Chunks per insert statement (11 parameters each, far under Postgres' 65,535). */
const INSERT_BATCH = 1000;

/**
 * Changes when parsing changes what a document becomes, so that re-importing unchanged files after an upgrade
 * re-reads them. 2: front matter, MDX, admonitions and template macros.
 */
const PARSER_VERSION = '2';

// The content is hashed after its separator, as text or bytes: for text this is the hash of the whole joined string.
const hashOf = (input: DocumentInput, language: string) =>
  createHash('sha256')
    .update([PARSER_VERSION, language, input.format, input.title ?? '', input.url ?? '', input.baseUrl ?? '', ''].join('\u0000'))
    .update(input.content)
    .digest('hex');

/** What a chunk says its document is about, indexed with it: description, tags and keywords. */
const aboutOf = (parsed: ParsedDocument) => [parsed.description, ...(parsed.keywords ?? [])].filter(Boolean).join(' ').slice(0, 4000);

/**
 * Imports `input`. Throws {@link DocumentFormatError} (nothing written) when the file can't be read as its format or
 * holds no text.
 */
export async function importDocument(db: Database, input: DocumentInput, options: ImportOptions = {}): Promise<ImportOutcome> {
  if (input.format !== 'pdf') assertStorableText(input.content);
  const [organization] = await db
    .select({ language: organizations.knowledgeLanguage })
    .from(organizations)
    .where(eq(organizations.id, input.organizationId));
  if (!organization) throw new Error(`No organization ${input.organizationId}`);
  // The language is part of the hash: after a change of language, a re-import re-indexes.
  const contentHash = hashOf(input, organization.language);
  // Unchanged: answered before parsing and embedding (which costs money). The transaction checks again under a lock.
  const [current] = await db
    .select({
      id: knowledgeDocuments.id,
      contentHash: knowledgeDocuments.contentHash,
      chunkCount: knowledgeDocuments.chunkCount,
      title: knowledgeDocuments.title,
      warnings: knowledgeDocuments.warnings,
    })
    .from(knowledgeDocuments)
    .where(and(eq(knowledgeDocuments.organizationId, input.organizationId), eq(knowledgeDocuments.sourceKey, input.sourceKey)));
  if (current?.contentHash === contentHash) {
    return {
      status: 'unchanged',
      documentId: current.id,
      title: current.title,
      chunkCount: current.chunkCount,
      warnings: current.warnings,
    };
  }
  const parsed = input.format === 'pdf' ? await parsePdf(input.content) : parseDocument(input.format, input.content);
  const chunks = chunkDocument(parsed, options.chunking ?? defaultChunkOptions);
  if (chunks.length === 0) throw new DocumentFormatError('The document has no text to import.');
  const title = (input.title ?? parsed.title ?? titleFromKey(input.sourceKey)).slice(0, 500);
  const url = documentUrl(input, parsed);
  const description = parsed.description?.slice(0, 2000) ?? null;
  const about = aboutOf(parsed);
  const warnings = parsed.warnings ?? [];
  const characterCount = chunks.reduce((sum, chunk) => sum + chunk.text.length, 0);
  // Embedded as indexed: title, what the document is about, section and body. Before the transaction, which must not
  // wait on the network.
  const vectors = options.semantic
    ? await options.semantic.embeddings.embed(
        chunks.map((chunk) => [title, about, chunk.headingPath.join(' › '), chunk.text].filter(Boolean).join('\n')),
      )
    : null;

  return db.transaction(async (tx) => {
    // Insert-or-lock: a concurrent import of the same key waits here instead of writing a second document.
    const [inserted] = await tx
      .insert(knowledgeDocuments)
      .values({
        organizationId: input.organizationId,
        sourceKey: input.sourceKey,
        format: input.format,
        title,
        description,
        url,
        warnings,
        contentHash,
        chunkCount: chunks.length,
        characterCount,
      })
      .onConflictDoNothing()
      .returning({ id: knowledgeDocuments.id });
    let documentId: string;
    let status: ImportOutcome['status'] = 'created';
    if (inserted) documentId = inserted.id;
    else {
      const [existing] = await tx
        .select({
          id: knowledgeDocuments.id,
          contentHash: knowledgeDocuments.contentHash,
          chunkCount: knowledgeDocuments.chunkCount,
          title: knowledgeDocuments.title,
          warnings: knowledgeDocuments.warnings,
        })
        .from(knowledgeDocuments)
        .where(and(eq(knowledgeDocuments.organizationId, input.organizationId), eq(knowledgeDocuments.sourceKey, input.sourceKey)))
        .for('update');
      if (!existing) throw new Error(`Document ${input.sourceKey} vanished during import`);
      if (existing.contentHash === contentHash) {
        return {
          status: 'unchanged',
          documentId: existing.id,
          title: existing.title,
          chunkCount: existing.chunkCount,
          warnings: existing.warnings,
        };
      }
      documentId = existing.id;
      status = 'updated';
      await removeChunks(tx, input.organizationId, documentId);
      await tx
        .update(knowledgeDocuments)
        .set({
          format: input.format,
          title,
          description,
          url,
          warnings,
          contentHash,
          chunkCount: chunks.length,
          characterCount,
          updatedAt: sql`now()`,
        })
        .where(eq(knowledgeDocuments.id, documentId));
    }

    const chunkRows: Array<{ id: number; position: number }> = [];
    // In batches: one statement takes at most 65,535 parameters, and a FAQ file can have thousands of rows.
    for (let start = 0; start < chunks.length; start += INSERT_BATCH) {
      const batch = chunks.slice(start, start + INSERT_BATCH).map((chunk, offset) => ({
        position: start + offset,
        documentId,
        organizationId: input.organizationId,
        title,
        about,
        headingPath: chunk.headingPath,
        section: chunk.headingPath.join(' › '),
        body: chunk.text,
        url: chunk.url ?? null,
        page: chunk.page ?? null,
        language: organization.language,
      }));
      chunkRows.push(
        ...(await tx.insert(knowledgeChunks).values(batch).returning({ id: knowledgeChunks.id, position: knowledgeChunks.position })),
      );
    }
    await indexChunks(tx, input.organizationId, documentId);
    if (options.semantic && vectors) {
      const rows = chunkRows.map((chunk) => ({
        chunkId: chunk.id,
        organizationId: input.organizationId,
        vector: vectors[chunk.position]!,
      }));
      await options.semantic.store(tx, rows);
    }
    return { status, documentId, title, chunkCount: chunks.length, warnings };
  });
}

/**
 * Writes the postings of a document's chunks from their generated `search_vector`, adds their lexemes to the
 * vocabulary (document frequencies), their words as written to the surface vocabulary (`knowledge_words`, for typo
 * tolerance) and their counts to the organization's statistics. One statement, so the index is written by the same
 * text-search configuration that search uses.
 */
async function indexChunks(tx: Transaction, organizationId: string, documentId: string) {
  const { k1, b } = BM25;
  await tx.execute(sql`
    with postings as (
      select c.id as chunk_id, v.lexeme, least(coalesce(array_length(v.positions, 1), 1), 32767) as tf
      from knowledge_chunks c, unnest(c.search_vector) v
      where c.document_id = ${documentId}
    ),
    lengths as (
      select c.id as chunk_id, coalesce(sum(p.tf), 0)::int as length
      from knowledge_chunks c left join postings p on p.chunk_id = c.id
      where c.document_id = ${documentId}
      group by c.id
    ),
    stats as (
      select coalesce((select token_count::float8 / nullif(chunk_count, 0) from knowledge_stats where organization_id = ${organizationId}),
                      (select avg(length) from lengths), 1)::float8 as average_length
    ),
    terms as (
      insert into knowledge_terms (organization_id, lexeme, document_frequency)
      select ${organizationId}, lexeme, count(*) from postings group by lexeme order by lexeme
      on conflict (organization_id, lexeme) do update
        set document_frequency = knowledge_terms.document_frequency + excluded.document_frequency
      returning id, lexeme
    ),
    -- The surface forms, for typo tolerance (knowledge_words): each new word of four letters or more with its lexeme.
    words as (
      insert into knowledge_words (organization_id, word, lexeme)
      select ${organizationId}, w.word, l.lexeme
      from (
        select distinct c.language, lower(t.token) as word
        from knowledge_chunks c, ts_parse('default', c.title || ' ' || c.about || ' ' || c.section || ' ' || c.body) t
        where c.document_id = ${documentId} and t.tokid in (${sql.raw(SURFACE_WORD_TOKENS)})
          and length(t.token) between ${SURFACE_WORD_MIN_LENGTH} and ${SURFACE_WORD_MAX_LENGTH}
      ) w
      cross join lateral (select (tsvector_to_array(to_tsvector(w.language, w.word)))[1] as lexeme) l
      where l.lexeme is not null
        and not exists (select 1 from knowledge_words k where k.organization_id = ${organizationId} and k.word = w.word)
      on conflict do nothing
      returning 1
    ),
    written as (
      insert into knowledge_postings (chunk_id, term_id, term_frequency, chunk_length, impact)
      select p.chunk_id, t.id, p.tf, l.length,
             p.tf / (p.tf + ${k1}::float8 * (1 - ${b}::float8 + ${b}::float8 * l.length / greatest(s.average_length, 1)))
      from postings p join terms t using (lexeme) join lengths l using (chunk_id) cross join stats s
      returning 1
    )
    insert into knowledge_stats (organization_id, chunk_count, token_count)
    select ${organizationId}, count(*), coalesce(sum(length), 0) from lengths
    on conflict (organization_id) do update
      set chunk_count = knowledge_stats.chunk_count + excluded.chunk_count,
          token_count = knowledge_stats.token_count + excluded.token_count`);
}

/** Takes a document's chunks out of the index and the statistics, then deletes them (postings go by cascade). */
async function removeChunks(tx: Transaction, organizationId: string, documentId: string) {
  await unindexChunks(tx, organizationId, documentId);
  await tx.delete(knowledgeChunks).where(eq(knowledgeChunks.documentId, documentId));
}

/**
 * Indexes a document's chunks again in `language` (its organization's, changed since they were indexed): out of the
 * index, the new language on every chunk (which regenerates its search vector), back in. In the caller's transaction,
 * which should hold the document's row lock. The content hash stays the old language's, so the next import of the
 * same file re-parses it once.
 */
export async function reindexDocument(tx: Transaction, organizationId: string, documentId: string, language: string) {
  await unindexChunks(tx, organizationId, documentId);
  await tx.execute(
    sql`delete from knowledge_postings where chunk_id in (select id from knowledge_chunks where document_id = ${documentId})`,
  );
  await tx.update(knowledgeChunks).set({ language }).where(eq(knowledgeChunks.documentId, documentId));
  await indexChunks(tx, organizationId, documentId);
}

/** Takes a document's chunks out of the vocabulary's document frequencies and the statistics; their postings stay. */
async function unindexChunks(tx: Transaction, organizationId: string, documentId: string) {
  await tx.execute(sql`
    with chunks as (
      select id from knowledge_chunks where document_id = ${documentId}
    ),
    postings as (
      select p.term_id, p.chunk_id, p.chunk_length from knowledge_postings p where p.chunk_id in (select id from chunks)
    ),
    terms as (
      update knowledge_terms t set document_frequency = t.document_frequency - old.count
      from (select term_id, count(*) as count from postings group by term_id) old
      where t.id = old.term_id
      returning 1
    ),
    lengths as (
      select distinct on (chunk_id) chunk_length from postings order by chunk_id
    )
    update knowledge_stats
    set chunk_count = chunk_count - (select count(*) from chunks),
        token_count = token_count - (select coalesce(sum(chunk_length), 0) from lengths)
    where organization_id = ${organizationId}`);
}

/** Deletes a document, its chunks and their index entries. Returns false when the organization has no such document. */
export async function deleteDocument(db: Database, organizationId: string, documentId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [document] = await tx
      .select({ id: knowledgeDocuments.id })
      .from(knowledgeDocuments)
      .where(and(eq(knowledgeDocuments.organizationId, organizationId), eq(knowledgeDocuments.id, documentId)))
      .for('update');
    if (!document) return false;
    await removeChunks(tx, organizationId, documentId);
    await tx.delete(knowledgeDocuments).where(eq(knowledgeDocuments.id, documentId));
    return true;
  });
}
