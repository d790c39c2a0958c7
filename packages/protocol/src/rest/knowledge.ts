/**
 * `/api/knowledge` routes: an organization's knowledge base (import, list, delete, search).
 * @module
 */
import { z } from 'zod';
import { KNOWLEDGE_DOCUMENT_MAX_LENGTH, KNOWLEDGE_FORMATS } from '../knowledge-formats.js';
import { queryIntegerSchema } from '../models.js';

/** The formats documents are imported from (see {@link KNOWLEDGE_FORMATS}). */
export const knowledgeFormatSchema = z.enum(KNOWLEDGE_FORMATS);
/** The formats documents are imported from. */
export type KnowledgeFormat = z.infer<typeof knowledgeFormatSchema>;

/** An absolute http(s) URL, as a citation links to. */
const sourceUrlSchema = z.url({ protocol: /^https?$/ }).max(2000);

/** Body of `POST /api/knowledge/documents`: imports a document, or replaces the one with the same `sourceKey`. */
export const knowledgeImportRequestSchema = z.object({
  /** Names the document within the organization (a file name or path); importing the same key again replaces it. */
  sourceKey: z.string().trim().min(1).max(500),
  format: knowledgeFormatSchema,
  content: z
    .string()
    .min(1)
    .max(KNOWLEDGE_DOCUMENT_MAX_LENGTH)
    .refine((text) => text.isWellFormed(), 'The content contains an unpaired surrogate.')
    .refine((text) => !text.includes('\u0000'), 'The content contains a NUL character; is it a binary file?'),
  /**
   * Defaults to the document's own: Markdown front matter `title` (else `sidebar_label`), the first top-level heading
   * or HTML `<title>`; then to the file name made readable (`product-care.csv` → "Product care").
   */
  title: z
    .string()
    .max(500)
    .refine((text) => text.trim().length > 0, 'The title is empty.')
    .refine((text) => text.isWellFormed() && !text.includes('\u0000'), 'The title is not valid text.')
    .optional(),
  /** Where readers can find the document; shown with citations. Defaults to front matter `url`, HTML's canonical link. */
  url: sourceUrlSchema.optional(),
});
/** Body of `POST /api/knowledge/documents`. */
export type KnowledgeImportRequest = z.infer<typeof knowledgeImportRequestSchema>;

/** A document of the knowledge base. */
export const knowledgeDocumentSchema = z.object({
  id: z.string(),
  sourceKey: z.string(),
  format: knowledgeFormatSchema,
  title: z.string(),
  /**
   * The document's summary (Markdown front matter `description`, HTML meta description), searched with every chunk.
   * Always sent by the server; optional in the type for clients written before it.
   */
  description: z.string().nullable().optional(),
  url: z.string().nullable(),
  chunkCount: z.number().int().nonnegative(),
  characterCount: z.number().int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A document of the knowledge base. */
export type KnowledgeDocument = z.infer<typeof knowledgeDocumentSchema>;

/** Answer of `POST /api/knowledge/documents`: what the import did, and the document. */
export const knowledgeImportResultSchema = z.object({
  status: z.enum(['created', 'updated', 'unchanged']),
  document: knowledgeDocumentSchema,
  /**
   * What the import dropped or could not read, in words for the site owner: unresolved template macros (`{!file.md!}`,
   * `{start_tabs}`, `{{ var }}`), front matter that isn't valid YAML/TOML, MDX read as Markdown. Empty when none; an
   * unchanged document repeats the warnings of its last import.
   */
  warnings: z.array(z.string()),
});
/** Answer of `POST /api/knowledge/documents`. */
export type KnowledgeImportResult = z.infer<typeof knowledgeImportResultSchema>;

/** Answer of `GET /api/knowledge/documents`: every document, by title. */
export const knowledgeDocumentListSchema = z.object({ documents: z.array(knowledgeDocumentSchema) });
/** Answer of `GET /api/knowledge/documents`. */
export type KnowledgeDocumentList = z.infer<typeof knowledgeDocumentListSchema>;

/** Path parameters of `/api/knowledge/documents/:documentId`. */
export const knowledgeDocumentParamsSchema = z.object({ documentId: z.uuid() });

/** A passage of a document as it was imported: what search finds and the bot cites. */
export const knowledgeChunkSchema = z.object({
  /** The chunk's id, as a search hit's `chunkId`. */
  id: z.number().int(),
  /** Order within the document, from 0. */
  position: z.number().int().nonnegative(),
  /** The headings above the chunk, outermost first; empty before the first heading. */
  headingPath: z.array(z.string()),
  /** The chunk's text, as the bot reads it. */
  body: z.string(),
  /** The chunk's own address (a FAQ row's link); null when the document's URL applies. */
  url: z.string().nullable(),
  /** Length of `body` in characters (UTF-16 code units, as the document's `characterCount`). */
  characterCount: z.number().int().nonnegative(),
});
/** A passage of a document as it was imported. */
export type KnowledgeChunk = z.infer<typeof knowledgeChunkSchema>;

/** Answer of `GET /api/knowledge/documents/:documentId/chunks`: the document and its chunks in order. */
export const knowledgeDocumentChunksSchema = z.object({ document: knowledgeDocumentSchema, chunks: z.array(knowledgeChunkSchema) });
/** Answer of `GET /api/knowledge/documents/:documentId/chunks`. */
export type KnowledgeDocumentChunks = z.infer<typeof knowledgeDocumentChunksSchema>;

/** Query of `GET /api/knowledge/search`. */
export const knowledgeSearchQuerySchema = z.object({
  q: z.string().trim().min(1).max(2000),
  limit: queryIntegerSchema(1, 50).default(5),
});
/** Query of `GET /api/knowledge/search`. */
export type KnowledgeSearchQuery = z.input<typeof knowledgeSearchQuerySchema>;

/** A passage found in the knowledge base. */
export const knowledgeHitSchema = z.object({
  chunkId: z.number().int(),
  documentId: z.string(),
  title: z.string(),
  headingPath: z.array(z.string()),
  body: z.string(),
  url: z.string().nullable(),
  /** BM25 score, comparable within one search only. */
  score: z.number(),
  /** Share (0–1) of the query's weight the passage contains. */
  coverage: z.number(),
  /** Cosine similarity to the question when semantic search (embeddings) found the passage; null otherwise. */
  similarity: z.number().nullable(),
});
/** A passage found in the knowledge base. */
export type KnowledgeHit = z.infer<typeof knowledgeHitSchema>;

/** Answer of `GET /api/knowledge/search`: best passages first. */
export const knowledgeSearchResultSchema = z.object({ hits: z.array(knowledgeHitSchema) });
/** Answer of `GET /api/knowledge/search`. */
export type KnowledgeSearchResult = z.infer<typeof knowledgeSearchResultSchema>;
