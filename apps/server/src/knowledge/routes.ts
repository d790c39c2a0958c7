import { knowledgeChunks, knowledgeDocuments } from '@parley/db';
import {
  KNOWLEDGE_DOCUMENT_MAX_LENGTH,
  KNOWLEDGE_PDF_MAX_BYTES,
  knowledgeDocumentChunksSchema,
  knowledgeDocumentListSchema,
  knowledgeDocumentParamsSchema,
  knowledgeImportRequestSchema,
  knowledgeImportResultSchema,
  knowledgeSearchQuerySchema,
  knowledgeSearchResultSchema,
  ParleyError,
  type KnowledgeDocument,
} from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  knowledgeDocumentChunksExample,
  knowledgeDocumentListExample,
  knowledgeImportExample,
  knowledgeImportResultExample,
  knowledgeSearchResultExample,
} from './api-examples.js';
import { organizationIdOf, requireAdmin as requireAdminRole } from '../auth/caller.js';
import { EmbeddingsError } from './embeddings.js';
import { deleteDocument, importDocument, type DocumentInput } from './import-document.js';
import { registerKnowledgeLanguage } from './language.js';
import { scheduleKnowledgeMaintenance } from './maintenance.js';
import { DocumentFormatError } from './parse-document.js';
import { searchKnowledge } from './search.js';
import type { SemanticIndex } from './semantic-index.js';
import { registerKnowledgeSources } from './source-routes.js';

type DocumentRow = typeof knowledgeDocuments.$inferSelect;

function toKnowledgeDocument(row: DocumentRow): KnowledgeDocument {
  return {
    id: row.id,
    sourceKey: row.sourceKey,
    format: row.format,
    title: row.title,
    description: row.description,
    tags: row.tags,
    url: row.url,
    chunkCount: row.chunkCount,
    characterCount: row.characterCount,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Changing the knowledge base is for admins; every agent may read and search it. */
const requireAdmin = requireAdminRole('change the knowledge base');

/** `/api/knowledge`: import, list, delete and search the organization's knowledge base. Every route needs an agent token. */
export async function knowledgeRoutes(app: FastifyInstance, { semantic }: { semantic: SemanticIndex | null }) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.addHook('preValidation', app.authenticate);
  const maintenance = scheduleKnowledgeMaintenance(app.dbHandle, app.log);
  app.addHook('onClose', async function stopKnowledgeMaintenance() {
    await maintenance.close();
  });
  registerKnowledgeLanguage(app, { onReindexed: () => maintenance.touch() });
  registerKnowledgeSources(app, { semantic, onChanged: () => maintenance.touch() });

  api.post(
    '/api/knowledge/documents',
    {
      config: { scope: 'knowledge:write', example: { body: knowledgeImportExample, response: knowledgeImportResultExample } },
      preValidation: requireAdmin,
      // The limit is in characters, the body in bytes: 3 bytes a character in UTF-8 for most scripts, and JSON escapes
      // (\u0001) take 6. A PDF comes as base64, 4 characters for 3 bytes. The schema then says which limit was passed.
      bodyLimit: Math.max(KNOWLEDGE_DOCUMENT_MAX_LENGTH * 6, Math.ceil(KNOWLEDGE_PDF_MAX_BYTES / 3) * 4) + 65_536,
      schema: { body: knowledgeImportRequestSchema, response: { 200: knowledgeImportResultSchema } },
    },
    async function importDocumentRoute(request) {
      const organizationId = organizationIdOf(request);
      const { body } = request;
      const fields = { organizationId, sourceKey: body.sourceKey, title: body.title, url: body.url, tags: body.tags };
      const input: DocumentInput =
        body.format === 'pdf'
          ? { ...fields, format: body.format, content: Buffer.from(body.contentBase64, 'base64') }
          : { ...fields, format: body.format, content: body.content };
      try {
        const outcome = await importDocument(app.db, input, { semantic });
        if (outcome.status !== 'unchanged') maintenance.touch();
        const [row] = await app.db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.id, outcome.documentId));
        return { status: outcome.status, document: toKnowledgeDocument(row!), warnings: outcome.warnings };
      } catch (error) {
        if (error instanceof DocumentFormatError) throw new ParleyError('invalid_document', `${request.body.sourceKey}: ${error.message}`);
        if (error instanceof EmbeddingsError) {
          request.log.warn({ err: error }, 'embeddings failed during an import');
          throw new ParleyError('unavailable', `${request.body.sourceKey} was not imported: the embeddings service failed. Try again.`);
        }
        throw error;
      }
    },
  );

  api.get(
    '/api/knowledge/documents',
    {
      config: { scope: 'knowledge:read', example: { response: knowledgeDocumentListExample } },
      schema: { response: { 200: knowledgeDocumentListSchema } },
    },
    async function listDocumentsRoute(request) {
      const rows = await app.db
        .select()
        .from(knowledgeDocuments)
        .where(eq(knowledgeDocuments.organizationId, organizationIdOf(request)))
        .orderBy(asc(knowledgeDocuments.title), asc(knowledgeDocuments.sourceKey));
      return { documents: rows.map(toKnowledgeDocument) };
    },
  );

  api.get(
    '/api/knowledge/documents/:documentId/chunks',
    {
      config: { scope: 'knowledge:read', example: { response: knowledgeDocumentChunksExample } },
      schema: { params: knowledgeDocumentParamsSchema, response: { 200: knowledgeDocumentChunksSchema } },
    },
    async function documentChunksRoute(request) {
      const organizationId = organizationIdOf(request);
      // Scoped to the caller's organization: another organization's document is as unknown as a made-up id.
      const [document] = await app.db
        .select()
        .from(knowledgeDocuments)
        .where(and(eq(knowledgeDocuments.id, request.params.documentId), eq(knowledgeDocuments.organizationId, organizationId)));
      if (!document) throw new ParleyError('not_found', 'No such document.');
      // The columns shown to people only: the search vector and the indexed summary (`about`) stay internal.
      const chunks = await app.db
        .select({
          id: knowledgeChunks.id,
          position: knowledgeChunks.position,
          headingPath: knowledgeChunks.headingPath,
          body: knowledgeChunks.body,
          url: knowledgeChunks.url,
          page: knowledgeChunks.page,
        })
        .from(knowledgeChunks)
        .where(and(eq(knowledgeChunks.documentId, document.id), eq(knowledgeChunks.organizationId, organizationId)))
        .orderBy(asc(knowledgeChunks.position));
      return {
        document: toKnowledgeDocument(document),
        chunks: chunks.map((chunk) => ({ ...chunk, characterCount: chunk.body.length })),
      };
    },
  );

  api.delete(
    '/api/knowledge/documents/:documentId',
    {
      config: { scope: 'knowledge:write' },
      preValidation: requireAdmin,
      schema: { params: knowledgeDocumentParamsSchema, response: { 204: z.null() } },
    },
    async function deleteDocumentRoute(request, reply) {
      const deleted = await deleteDocument(app.db, organizationIdOf(request), request.params.documentId);
      if (!deleted) throw new ParleyError('not_found', 'No such document.');
      maintenance.touch();
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/knowledge/search',
    {
      config: { scope: 'knowledge:read', example: { response: knowledgeSearchResultExample } },
      schema: { querystring: knowledgeSearchQuerySchema, response: { 200: knowledgeSearchResultSchema } },
    },
    async function searchRoute(request) {
      const hits = await searchKnowledge(app.db, {
        organizationId: organizationIdOf(request),
        query: request.query.q,
        limit: request.query.limit,
        semantic,
      });
      return { hits: hits.map(({ sourceKey: _sourceKey, ...hit }) => hit) };
    },
  );
}
