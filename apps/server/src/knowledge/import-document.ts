/**
 * Imports documents into an organization's knowledge base: one (`importDocument`) or a batch (`importDocuments`, what
 * `importFiles` uses), in one transaction. Documents are parsed and chunked first (a bad file fails alone, before
 * anything of it is written), then their chunks, the inverted index and the BM25 statistics are written together, in
 * a few statements for the whole batch. Importing the same `sourceKey` again replaces the document, or does nothing
 * when the content hash says it is unchanged.
 * @module
 */
import { createHash } from 'node:crypto';
import { knowledgeChunks, knowledgeDocuments, organizations, type Database, type Transaction } from '@parley/db';
import { setImmediate } from 'node:timers/promises';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { BM25 } from './bm25.js';
import { SURFACE_WORD_MAX_LENGTH, SURFACE_WORD_MIN_LENGTH, SURFACE_WORD_TOKENS } from './typos.js';
import { chunkDocument, defaultChunkOptions, type ChunkOptions, type DocumentChunk } from './chunk-document.js';
import { EmbeddingsError } from './embeddings.js';
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
  /**
   * Tags given by the caller. The document's tags are these followed by its own (Markdown front matter `tags`); see
   * {@link documentTags}.
   */
  tags?: readonly string[] | undefined;
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

/** How many tags a document keeps, and how long each may be: what a bot profile's knowledge scope can name. */
export const DOCUMENT_TAG_LIMITS = { count: 50, length: 100 } as const;

/**
 * A document's tags from `tags` in order of preference: each trimmed and kept once whatever its case (in its first
 * spelling, since scopes match any case), at most {@link DOCUMENT_TAG_LIMITS}. A tag no scope could name (blank,
 * too long, with control characters) is left out rather than cut, which would make it a different tag.
 */
export function documentTags(tags: Iterable<string>): string[] {
  const kept = new Map<string, string>();
  for (const tag of tags) {
    if (kept.size === DOCUMENT_TAG_LIMITS.count) break;
    const trimmed = tag.trim();
    if (!trimmed || trimmed.length > DOCUMENT_TAG_LIMITS.length || /\p{Cc}/u.test(trimmed) || !trimmed.isWellFormed()) continue;
    const key = trimmed.toLowerCase();
    if (!kept.has(key)) kept.set(key, trimmed);
  }
  return [...kept.values()];
}

/** Chunks per insert statement (11 parameters each, far under Postgres' 65,535). */
const INSERT_BATCH = 1000;

/**
 * Changes when parsing changes what a document becomes, so that re-importing unchanged files after an upgrade
 * re-reads them. 2: front matter, MDX, admonitions and template macros. 3: tags (front matter `tags`).
 */
const PARSER_VERSION = '3';

// The content is hashed after its separator, as text or bytes: for text this is the hash of the whole joined string.
/** What an import reads of a stored document to tell unchanged from changed, and to answer for an unchanged one. */
const storedDocumentColumns = {
  id: knowledgeDocuments.id,
  sourceKey: knowledgeDocuments.sourceKey,
  contentHash: knowledgeDocuments.contentHash,
  chunkCount: knowledgeDocuments.chunkCount,
  title: knowledgeDocuments.title,
  warnings: knowledgeDocuments.warnings,
};

// The caller's tags are part of the hash, so that the same content with other tags is written again. As JSON: a tag
// may hold any character the separator could be.
const hashOf = (input: DocumentInput, language: string) =>
  createHash('sha256')
    .update(
      [
        PARSER_VERSION,
        language,
        input.format,
        input.title ?? '',
        input.url ?? '',
        input.baseUrl ?? '',
        JSON.stringify(documentTags(input.tags ?? [])),
        '',
      ].join('\u0000'),
    )
    .update(input.content)
    .digest('hex');

/** What a chunk says its document is about, indexed with it: description, tags and keywords. */
const aboutOf = (parsed: ParsedDocument) => [parsed.description, ...(parsed.keywords ?? [])].filter(Boolean).join(' ').slice(0, 4000);

/** One document's result in a batch: its outcome, or why it was not imported (then nothing of it was written). */
export type DocumentImportResult = { ok: true; outcome: ImportOutcome } | { ok: false; error: DocumentFormatError | EmbeddingsError };

/** A document parsed, chunked (and embedded) before its transaction. */
interface ParsedInput {
  input: DocumentInput;
  contentHash: string;
  title: string;
  url: string | null;
  description: string | null;
  /** The caller's tags, then the document's own: {@link documentTags}. */
  tags: string[];
  about: string;
  warnings: string[];
  chunks: DocumentChunk[];
  characterCount: number;
  vectors: number[][] | null;
}

/**
 * A batch of documents of one organization, read and ready to be written by {@link writeDocuments}: each input is
 * already answered (unchanged, or failed with its reason) or parsed.
 */
export interface PreparedDocuments {
  organizationId: string;
  language: string;
  entries: Array<DocumentImportResult | ParsedInput>;
  semantic: SemanticIndex | null;
}

const isResult = (entry: DocumentImportResult | ParsedInput): entry is DocumentImportResult => 'ok' in entry;

/** The per-document failures of an import: the file's fault or the embeddings service's, not the database's. */
const documentError = (error: unknown) => (error instanceof DocumentFormatError || error instanceof EmbeddingsError ? error : null);

/**
 * The first half of {@link importDocuments}, outside any transaction: answers unchanged documents from their content
 * hash (before parsing and embedding, which costs money), then parses, chunks and embeds the others. A document that
 * can't be read gets its reason and is left out; anything else (the database) throws. Yields to the event loop after
 * each document, so that a batch being written meanwhile (`importFiles` overlaps the two) sends its next statement
 * while this one parses.
 */
export async function prepareDocuments(
  db: Database,
  inputs: readonly DocumentInput[],
  options: ImportOptions = {},
): Promise<PreparedDocuments> {
  const organizationId = inputs[0]?.organizationId ?? '';
  if (inputs.some((input) => input.organizationId !== organizationId)) throw new Error('A batch of documents must be of one organization');
  const semantic = options.semantic ?? null;
  if (inputs.length === 0) return { organizationId, language: 'simple', entries: [], semantic };
  const [organization] = await db
    .select({ language: organizations.knowledgeLanguage })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (!organization) throw new Error(`No organization ${organizationId}`);
  const { language } = organization;
  const current = await db
    .select(storedDocumentColumns)
    .from(knowledgeDocuments)
    .where(
      and(
        eq(knowledgeDocuments.organizationId, organizationId),
        inArray(knowledgeDocuments.sourceKey, [...new Set(inputs.map((input) => input.sourceKey))]),
      ),
    );
  const currentByKey = new Map(current.map((document) => [document.sourceKey, document]));
  const entries: PreparedDocuments['entries'] = [];
  for (const input of inputs) {
    try {
      if (input.format !== 'pdf') assertStorableText(input.content);
      // The language is part of the hash: after a change of language, a re-import re-indexes.
      const contentHash = hashOf(input, language);
      // Unchanged: answered before parsing and embedding. The transaction checks again under a lock. Only for a key's
      // first occurrence in the batch: a later one follows another version of the document, written before it.
      const existing = currentByKey.get(input.sourceKey);
      currentByKey.delete(input.sourceKey);
      if (existing?.contentHash === contentHash) {
        const { id: documentId, title, chunkCount, warnings } = existing;
        entries.push({ ok: true, outcome: { status: 'unchanged', documentId, title, chunkCount, warnings } });
        continue;
      }
      entries.push(await parseInput(input, contentHash, options));
    } catch (error) {
      const failure = documentError(error);
      if (!failure) throw error;
      entries.push({ ok: false, error: failure });
    }
    if (inputs.length > 1) await setImmediate();
  }
  return { organizationId, language, entries, semantic };
}

/** Parses, chunks and (with semantic search) embeds one document. */
async function parseInput(input: DocumentInput, contentHash: string, options: ImportOptions): Promise<ParsedInput> {
  const parsed = input.format === 'pdf' ? await parsePdf(input.content) : parseDocument(input.format, input.content);
  const chunks = chunkDocument(parsed, options.chunking ?? defaultChunkOptions);
  if (chunks.length === 0) throw new DocumentFormatError('The document has no text to import.');
  const title = (input.title ?? parsed.title ?? titleFromKey(input.sourceKey)).slice(0, 500);
  const about = aboutOf(parsed);
  // Embedded as indexed: title, what the document is about, section and body. Before the transaction, which must not
  // wait on the network.
  const vectors = options.semantic
    ? await options.semantic.embeddings.embed(
        chunks.map((chunk) => [title, about, chunk.headingPath.join(' › '), chunk.text].filter(Boolean).join('\n')),
      )
    : null;
  return {
    input,
    contentHash,
    title,
    url: documentUrl(input, parsed),
    description: parsed.description?.slice(0, 2000) ?? null,
    tags: documentTags([...(input.tags ?? []), ...(parsed.tags ?? [])]),
    about,
    warnings: parsed.warnings ?? [],
    chunks,
    characterCount: chunks.reduce((sum, chunk) => sum + chunk.text.length, 0),
    vectors,
  };
}

/**
 * The second half of {@link importDocuments}: writes the parsed documents of `prepared`, their chunks, the inverted
 * index and the statistics, in one transaction and a few statements for the whole batch. Returns a result per input,
 * in order.
 */
export async function writeDocuments(db: Database, prepared: PreparedDocuments): Promise<DocumentImportResult[]> {
  const results: Array<DocumentImportResult | undefined> = prepared.entries.map((entry) => (isResult(entry) ? entry : undefined));
  // A key given twice is written twice, in order: its first occurrences in one transaction, its second in the next, …
  const rounds: Array<Array<{ index: number; document: ParsedInput }>> = [];
  const seen = new Map<string, number>();
  prepared.entries.forEach((entry, index) => {
    if (isResult(entry)) return;
    const round = seen.get(entry.input.sourceKey) ?? 0;
    seen.set(entry.input.sourceKey, round + 1);
    (rounds[round] ??= []).push({ index, document: entry });
  });
  for (const round of rounds) {
    const outcomes = await db.transaction((tx) =>
      writeRound(
        tx,
        prepared,
        round.map((item) => item.document),
      ),
    );
    round.forEach((item, position) => (results[item.index] = { ok: true, outcome: outcomes[position]! }));
  }
  return results.map((result) => result!);
}

/** Documents per insert statement of their rows (12 parameters each). */
const DOCUMENT_BATCH = 1000;

/** Writes documents with distinct source keys in the caller's transaction; returns their outcomes in order. */
async function writeRound(tx: Transaction, prepared: PreparedDocuments, documents: readonly ParsedInput[]): Promise<ImportOutcome[]> {
  const { organizationId } = prepared;
  // The language read again in the transaction: one changed while the batch was parsed (or embedded) applies to its
  // chunks, which the re-indexing job, done before they commit, would otherwise never see. (The content hash keeps the
  // language it was computed with: the next import of the file re-reads it once.)
  const [organization] = await tx
    .select({ language: organizations.knowledgeLanguage })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  const language = organization?.language ?? prepared.language;
  const outcomes = new Map<ParsedInput, ImportOutcome>();
  // Rows are inserted (and so locked) in key order, so two batches that share documents can't deadlock.
  const ordered = documents.toSorted((a, b) =>
    a.input.sourceKey < b.input.sourceKey ? -1 : a.input.sourceKey > b.input.sourceKey ? 1 : 0,
  );
  const fields = (document: ParsedInput) => ({
    format: document.input.format,
    title: document.title,
    description: document.description,
    url: document.url,
    tags: document.tags,
    warnings: document.warnings,
    contentHash: document.contentHash,
    chunkCount: document.chunks.length,
    characterCount: document.characterCount,
  });
  // Insert-or-lock: a concurrent import of the same key waits here instead of writing a second document.
  const documentIds = new Map<ParsedInput, string>();
  for (let start = 0; start < ordered.length; start += DOCUMENT_BATCH) {
    const slice = ordered.slice(start, start + DOCUMENT_BATCH);
    const inserted = await tx
      .insert(knowledgeDocuments)
      .values(slice.map((document) => ({ organizationId, sourceKey: document.input.sourceKey, ...fields(document) })))
      .onConflictDoNothing()
      .returning({ id: knowledgeDocuments.id, sourceKey: knowledgeDocuments.sourceKey });
    const insertedIds = new Map(inserted.map((row) => [row.sourceKey, row.id]));
    for (const document of slice) {
      const id = insertedIds.get(document.input.sourceKey);
      if (id) {
        documentIds.set(document, id);
        outcomes.set(document, outcomeOf(document, 'created', id));
      }
    }
  }
  const existing = ordered.filter((document) => !documentIds.has(document));
  if (existing.length > 0) {
    const rows = await tx
      .select(storedDocumentColumns)
      .from(knowledgeDocuments)
      .where(
        and(
          eq(knowledgeDocuments.organizationId, organizationId),
          inArray(
            knowledgeDocuments.sourceKey,
            existing.map((document) => document.input.sourceKey),
          ),
        ),
      )
      .orderBy(knowledgeDocuments.sourceKey)
      .for('update');
    const byKey = new Map(rows.map((row) => [row.sourceKey, row]));
    const replaced: ParsedInput[] = [];
    for (const document of existing) {
      const row = byKey.get(document.input.sourceKey);
      if (!row) throw new Error(`Document ${document.input.sourceKey} vanished during import`);
      if (row.contentHash === document.contentHash) {
        const { id: documentId, title, chunkCount, warnings } = row;
        outcomes.set(document, { status: 'unchanged', documentId, title, chunkCount, warnings });
        continue;
      }
      documentIds.set(document, row.id);
      outcomes.set(document, outcomeOf(document, 'updated', row.id));
      replaced.push(document);
    }
    if (replaced.length > 0) {
      await removeChunks(
        tx,
        organizationId,
        replaced.map((document) => documentIds.get(document)!),
      );
      for (const document of replaced) {
        await tx
          .update(knowledgeDocuments)
          .set({ ...fields(document), updatedAt: sql`now()` })
          .where(eq(knowledgeDocuments.id, documentIds.get(document)!));
      }
    }
  }

  const written = ordered.filter((document) => documentIds.has(document));
  const chunkRows = written.flatMap((document) => {
    const documentId = documentIds.get(document)!;
    return document.chunks.map((chunk, position) => ({
      position,
      documentId,
      organizationId,
      title: document.title,
      about: document.about,
      headingPath: chunk.headingPath,
      section: chunk.headingPath.join(' › '),
      body: chunk.text,
      url: chunk.url ?? null,
      page: chunk.page ?? null,
      language,
    }));
  });
  const stored: Array<{ id: number; documentId: string; position: number }> = [];
  // In batches: one statement takes at most 65,535 parameters, and a FAQ file can have thousands of rows.
  for (let start = 0; start < chunkRows.length; start += INSERT_BATCH) {
    const insert = tx.insert(knowledgeChunks).values(chunkRows.slice(start, start + INSERT_BATCH));
    if (prepared.semantic) {
      stored.push(
        ...(await insert.returning({
          id: knowledgeChunks.id,
          documentId: knowledgeChunks.documentId,
          position: knowledgeChunks.position,
        })),
      );
    } else await insert;
  }
  if (written.length > 0) {
    await indexChunks(
      tx,
      organizationId,
      written.map((document) => documentIds.get(document)!),
    );
  }
  if (prepared.semantic && stored.length > 0) {
    const vectorsById = new Map(written.map((document) => [documentIds.get(document)!, document.vectors!]));
    await prepared.semantic.store(
      tx,
      stored.map((chunk) => ({ chunkId: chunk.id, organizationId, vector: vectorsById.get(chunk.documentId)![chunk.position]! })),
    );
  }
  return documents.map((document) => outcomes.get(document)!);
}

const outcomeOf = (document: ParsedInput, status: 'created' | 'updated', documentId: string): ImportOutcome => ({
  status,
  documentId,
  title: document.title,
  chunkCount: document.chunks.length,
  warnings: document.warnings,
});

/**
 * Imports documents of one organization: parses them all first ({@link prepareDocuments}; a document that can't be
 * read fails alone, with its reason, and nothing of it is written), then writes the others in one transaction
 * ({@link writeDocuments}). Returns a result per input, in order. Errors that are not a document's fault (the
 * database) are thrown.
 */
export async function importDocuments(
  db: Database,
  inputs: readonly DocumentInput[],
  options: ImportOptions = {},
): Promise<DocumentImportResult[]> {
  return writeDocuments(db, await prepareDocuments(db, inputs, options));
}

/**
 * Imports `input`: the batch of one of {@link importDocuments}. Throws {@link DocumentFormatError} (nothing written)
 * when the file can't be read as its format or holds no text, and {@link EmbeddingsError} when its chunks can't be
 * embedded.
 */
export async function importDocument(db: Database, input: DocumentInput, options: ImportOptions = {}): Promise<ImportOutcome> {
  const [result] = await importDocuments(db, [input], options);
  if (!result!.ok) throw result!.error;
  return result!.outcome;
}

/** A `uuid[]` literal of document ids (hex digits and dashes: nothing to escape), one parameter whatever the count. */
const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(',')}}`}::uuid[]`;

/**
 * Writes the postings of documents' chunks from their generated `search_vector`, adds their lexemes to the vocabulary
 * (document frequencies), their words as written to the surface vocabulary (`knowledge_words`, for typo tolerance)
 * and their counts to the organization's statistics. One statement for a whole batch of documents, so the index is
 * written by the same text-search configuration that search uses, and each lexeme of the batch is upserted once.
 */
/**
 * Indexes documents whose chunks were written without it (a copy of a knowledge base: `parley eval`'s sandbox), in the
 * caller's transaction, by the same statement that imports use.
 */
export async function indexDocuments(tx: Transaction, organizationId: string, documentIds: readonly string[]): Promise<void> {
  await indexChunks(tx, organizationId, documentIds);
}

async function indexChunks(tx: Transaction, organizationId: string, documentIds: readonly string[]) {
  const { k1, b } = BM25;
  // For the rest of the transaction. The statement below indexes a whole batch (tens of thousands of postings), and
  // Postgres misjudges its CTEs' sizes: it JIT-compiled it, which took 40% of its time at 100k chunks, and its sorts
  // spilled to disk under the default 4 MB work_mem.
  await tx.execute(sql`select set_config('jit', 'off', true), set_config('work_mem', '64MB', true)`);
  await tx.execute(sql`
    with chunks as materialized (
      select id, language, title, about, section, body, search_vector from knowledge_chunks
      where document_id = any(${uuidArray(documentIds)})
    ),
    postings as materialized (
      select c.id as chunk_id, v.lexeme, least(coalesce(array_length(v.positions, 1), 1), 32767) as tf
      from chunks c, unnest(c.search_vector) v
    ),
    -- A chunk without lexemes has no postings, so needs no length; it still counts in the statistics (below).
    lengths as materialized (
      select chunk_id, sum(tf)::int as length from postings group by chunk_id
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
    -- Distinct first, then only the words the base doesn't have yet are stemmed: most words of a batch are known.
    surface as materialized (
      select distinct c.language, lower(t.token) as word
      from chunks c, ts_parse('default', c.title || ' ' || c.about || ' ' || c.section || ' ' || c.body) t
      where t.tokid in (${sql.raw(SURFACE_WORD_TOKENS)}) and length(t.token) between ${SURFACE_WORD_MIN_LENGTH} and ${SURFACE_WORD_MAX_LENGTH}
    ),
    unknown_words as materialized (
      select w.language, w.word from surface w
      where not exists (select 1 from knowledge_words k where k.organization_id = ${organizationId} and k.word = w.word)
    ),
    words as (
      insert into knowledge_words (organization_id, word, lexeme)
      select ${organizationId}, w.word, l.lexeme
      from unknown_words w
      cross join lateral (select (tsvector_to_array(to_tsvector(w.language, w.word)))[1] as lexeme) l
      where l.lexeme is not null
      -- In order, as the terms: two imports adding the same new words wait for each other instead of deadlocking.
      order by w.word
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
    select ${organizationId}, (select count(*) from chunks), (select coalesce(sum(length), 0) from lengths)
    on conflict (organization_id) do update
      set chunk_count = knowledge_stats.chunk_count + excluded.chunk_count,
          token_count = knowledge_stats.token_count + excluded.token_count`);
}

/** Deletes the postings of documents' chunks. */
async function deletePostings(tx: Transaction, documentIds: readonly string[]) {
  await tx.execute(sql`
    delete from knowledge_postings
    where chunk_id in (select id from knowledge_chunks where document_id = any(${uuidArray(documentIds)}))`);
}

/** Takes documents' chunks out of the index and the statistics, then deletes their postings and them. */
async function removeChunks(tx: Transaction, organizationId: string, documentIds: readonly string[]) {
  await unindexChunks(tx, organizationId, documentIds);
  await deletePostings(tx, documentIds);
  await tx.delete(knowledgeChunks).where(inArray(knowledgeChunks.documentId, [...documentIds]));
}

/**
 * Indexes a document's chunks again in `language` (its organization's, changed since they were indexed): out of the
 * index, the new language on every chunk (which regenerates its search vector), back in. In the caller's transaction,
 * which should hold the document's row lock. The content hash stays the old language's, so the next import of the
 * same file re-parses it once.
 */
export async function reindexDocument(tx: Transaction, organizationId: string, documentId: string, language: string) {
  await unindexChunks(tx, organizationId, [documentId]);
  await deletePostings(tx, [documentId]);
  await tx.update(knowledgeChunks).set({ language }).where(eq(knowledgeChunks.documentId, documentId));
  await indexChunks(tx, organizationId, [documentId]);
}

/** Takes documents' chunks out of the vocabulary's document frequencies and the statistics; their postings stay. */
async function unindexChunks(tx: Transaction, organizationId: string, documentIds: readonly string[]) {
  await tx.execute(sql`
    with chunks as (
      select id from knowledge_chunks where document_id = any(${uuidArray(documentIds)})
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
    await removeChunks(tx, organizationId, [documentId]);
    await tx.delete(knowledgeDocuments).where(eq(knowledgeDocuments.id, documentId));
    return true;
  });
}
