/**
 * `/api/knowledge` routes: an organization's knowledge base (import, list, delete, search).
 * @module
 */
import { z } from 'zod';
import { KNOWLEDGE_DOCUMENT_MAX_LENGTH, KNOWLEDGE_FORMATS, KNOWLEDGE_PDF_MAX_BYTES } from '../knowledge-formats.js';
import { queryIntegerSchema } from '../models.js';
import { knowledgeTagSchema } from './bot-profiles.js';

/** The formats documents are imported from (see {@link KNOWLEDGE_FORMATS}). */
export const knowledgeFormatSchema = z.enum(KNOWLEDGE_FORMATS);
/** The formats documents are imported from. */
export type KnowledgeFormat = z.infer<typeof knowledgeFormatSchema>;

/** An absolute http(s) URL, as a citation links to. */
const sourceUrlSchema = z.url({ protocol: /^https?$/ }).max(2000);

/** The formats whose documents are sent as text, in `content`: every format but `pdf`. */
export const knowledgeTextFormatSchema = knowledgeFormatSchema.exclude(['pdf']);

/** Fields of `POST /api/knowledge/documents` whatever the format. */
const knowledgeImportFieldsSchema = z.object({
  /** Names the document within the organization (a file name or path); importing the same key again replaces it. */
  sourceKey: z.string().trim().min(1).max(500),
  /**
   * Defaults to the document's own: Markdown front matter `title` (else `sidebar_label`), the first top-level heading,
   * HTML `<title>` or a PDF's Title; then to the file name made readable (`product-care.csv` → "Product care").
   */
  title: z
    .string()
    .max(500)
    .refine((text) => text.trim().length > 0, 'The title is empty.')
    .refine((text) => text.isWellFormed() && !text.includes('\u0000'), 'The title is not valid text.')
    .optional(),
  /** Where readers can find the document; shown with citations. Defaults to front matter `url`, HTML's canonical link. */
  url: sourceUrlSchema.optional(),
  /**
   * The document's tags, which a bot profile's knowledge scope picks documents by. The document also keeps the tags of
   * its Markdown front matter, after these; a tag given twice (in any case) is kept once. Importing the same content
   * with other tags updates the document.
   */
  tags: z.array(knowledgeTagSchema).max(50).optional(),
});

/** Base64 characters (RFC 4648, with padding) for {@link KNOWLEDGE_PDF_MAX_BYTES} bytes. */
const PDF_MAX_BASE64_LENGTH = Math.ceil(KNOWLEDGE_PDF_MAX_BYTES / 3) * 4;
const PDF_MAX_MEGABYTES = KNOWLEDGE_PDF_MAX_BYTES / 1024 / 1024;

/**
 * Body of `POST /api/knowledge/documents`: imports a document, or replaces the one with the same `sourceKey`. A text
 * format sends the document's text in `content`; a PDF sends the file's bytes, base64-encoded, in `contentBase64`.
 * One of the two, never both.
 */
export const knowledgeImportRequestSchema = z.discriminatedUnion('format', [
  knowledgeImportFieldsSchema.extend({
    format: knowledgeTextFormatSchema,
    /** The document's text. */
    content: z
      .string({ error: (issue) => (issue.input === undefined ? 'The text of the document goes in content.' : undefined) })
      .min(1)
      .max(KNOWLEDGE_DOCUMENT_MAX_LENGTH)
      .refine((text) => text.isWellFormed(), 'The content contains an unpaired surrogate.')
      .refine((text) => !text.includes('\u0000'), 'The content contains a NUL character; is it a binary file?'),
    contentBase64: z.undefined({ error: 'contentBase64 is for PDFs (format "pdf"); send the text of this format in content.' }).optional(),
  }),
  knowledgeImportFieldsSchema.extend({
    format: z.literal('pdf'),
    /** The PDF file, base64-encoded (RFC 4648 with padding, no line breaks): at most 20 MiB before encoding. */
    contentBase64: z
      .string({ error: (issue) => (issue.input === undefined ? 'A PDF is sent base64-encoded in contentBase64.' : undefined) })
      .min(1, 'The PDF is empty.')
      .max(
        PDF_MAX_BASE64_LENGTH,
        `The PDF is larger than the ${PDF_MAX_MEGABYTES} MB a document may have: split it, or import it with the CLI.`,
      )
      // Not z.base64(): its pattern takes about three times as long on a 20 MB file.
      .refine((text) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text), 'contentBase64 is not valid base64.'),
    content: z.undefined({ error: 'A PDF is sent base64-encoded in contentBase64, not as text in content.' }).optional(),
  }),
]);
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
  /**
   * The document's tags: those given to the import, then those of its Markdown front matter. A bot profile's knowledge
   * scope picks documents by them. Always sent by the server; optional in the type for clients written before it.
   */
  tags: z.array(z.string()).optional(),
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
  /** The page of a PDF the chunk is on (from 1); null for other formats. Optional in the type for older servers. */
  page: z.number().int().positive().nullable().optional(),
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
  /** The passage's URL; for a PDF, its document's URL with `#page=N`, which browsers' PDF viewers open at that page. */
  url: z.string().nullable(),
  /** The page of a PDF the passage is on (from 1); null for other formats. Optional in the type for older servers. */
  page: z.number().int().positive().nullable().optional(),
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
