/**
 * `/api/knowledge/sources` and the `knowledge-source-sync` job: admins add, change, sync and remove the websites whose
 * pages are knowledge-base documents; every agent sees them. Registered by `knowledgeRoutes`, whose hook
 * authenticates.
 * @module
 */
import { jobs } from '@parley/db';
import {
  knowledgeSourceCreateSchema,
  knowledgeSourceListSchema,
  knowledgeSourceParamsSchema,
  knowledgeSourceSchema,
  knowledgeSourceUpdateSchema,
  ParleyError,
} from '@parley/protocol';
import { and, eq, isNull } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { organizationIdOf, requireAdmin as requireAdminRole } from '../auth/caller.js';
import { createOutboundFetch } from '../plugins/outbound.js';
import { HANDLER_TIMEOUT_MS } from '../plugins/jobs.js';
import {
  knowledgeSourceCreatedExample,
  knowledgeSourceCreateExample,
  knowledgeSourceListExample,
  knowledgeSourceSyncExample,
  knowledgeSourceUpdatedExample,
  knowledgeSourceUpdateExample,
} from './api-examples.js';
import type { SemanticIndex } from './semantic-index.js';
import {
  createKnowledgeSource,
  deleteKnowledgeSource,
  getKnowledgeSource,
  listKnowledgeSources,
  requestKnowledgeSourceSync,
  updateKnowledgeSource,
} from './sources.js';
import { KNOWLEDGE_SOURCE_SYNC_JOB, syncKnowledgeSource } from './sync-source.js';

/**
 * How long a sync in the server crawls: under the job queue's five minutes per handler, so that a long crawl ends as
 * `timeLimit` and records what it did instead of being cut off. Pages not reached then stay; the next sync goes on.
 */
export const SERVER_SYNC_TIME_LIMIT_MS = HANDLER_TIMEOUT_MS - 60_000;

const requireAdmin = requireAdminRole('change the knowledge base');

/** Registers the sources' routes and the sync job's handler; `onChanged` runs after a sync or removal changed documents. */
export function registerKnowledgeSources(
  app: FastifyInstance,
  { semantic, onChanged }: { semantic: SemanticIndex | null; onChanged: () => void },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  app.jobs.handle(KNOWLEDGE_SOURCE_SYNC_JOB, async function syncKnowledgeSourceJob(job, signal) {
    const outboundFetch = createOutboundFetch({ allow: app.config.outbound.allow });
    try {
      const outcome = await syncKnowledgeSource(app.db, {
        organizationId: job.organizationId,
        sourceId: job.key,
        fetch: outboundFetch,
        semantic,
        signal,
        limits: { timeLimitMs: SERVER_SYNC_TIME_LIMIT_MS },
        scheduleNext: async (tx, runAt) => {
          // "Sync now" while this sync ran scheduled the job again (its attempts start afresh at 0): that sync is due
          // first, and schedules the next one when it ends.
          const [requested] = await tx
            .select({ runAt: jobs.runAt })
            .from(jobs)
            .where(and(eq(jobs.kind, KNOWLEDGE_SOURCE_SYNC_JOB), eq(jobs.key, job.key), isNull(jobs.doneAt), eq(jobs.attempts, 0)));
          if (requested && requested.runAt <= runAt) return;
          await app.jobs.schedule(tx, { organizationId: job.organizationId, kind: KNOWLEDGE_SOURCE_SYNC_JOB, key: job.key, runAt });
        },
      });
      if (!outcome) return;
      const { added, updated, removed } = outcome.counts;
      if (added + updated + removed > 0) onChanged();
      app.log.info(
        { organizationId: job.organizationId, sourceId: job.key, status: outcome.status, counts: outcome.counts },
        'knowledge source synced',
      );
    } finally {
      await outboundFetch.close();
    }
  });

  api.get(
    '/api/knowledge/sources',
    {
      config: { scope: 'knowledge:read', example: { response: knowledgeSourceListExample } },
      schema: { response: { 200: knowledgeSourceListSchema } },
    },
    async function listKnowledgeSourcesRoute(request) {
      return { sources: await listKnowledgeSources(app.db, organizationIdOf(request)) };
    },
  );

  api.post(
    '/api/knowledge/sources',
    {
      config: { scope: 'knowledge:write', example: { body: knowledgeSourceCreateExample, response: knowledgeSourceCreatedExample } },
      preValidation: requireAdmin,
      schema: { body: knowledgeSourceCreateSchema, response: { 200: knowledgeSourceSchema } },
    },
    async function createKnowledgeSourceRoute(request) {
      const organizationId = organizationIdOf(request);
      const sourceId = await createKnowledgeSource(app.db, { organizationId, ...request.body }, app.jobs.schedule);
      request.log.info({ organizationId, sourceId }, 'knowledge source added');
      return getKnowledgeSource(app.db, organizationId, sourceId);
    },
  );

  api.post(
    '/api/knowledge/sources/:sourceId/sync',
    {
      config: { scope: 'knowledge:write', example: { response: knowledgeSourceSyncExample } },
      preValidation: requireAdmin,
      schema: { params: knowledgeSourceParamsSchema, response: { 200: knowledgeSourceSchema } },
    },
    async function syncKnowledgeSourceRoute(request) {
      const organizationId = organizationIdOf(request);
      if (!(await requestKnowledgeSourceSync(app.db, app.jobs.schedule, organizationId, request.params.sourceId))) {
        throw new ParleyError('not_found', 'No such website source.');
      }
      return getKnowledgeSource(app.db, organizationId, request.params.sourceId);
    },
  );

  api.patch(
    '/api/knowledge/sources/:sourceId',
    {
      config: { scope: 'knowledge:write', example: { body: knowledgeSourceUpdateExample, response: knowledgeSourceUpdatedExample } },
      preValidation: requireAdmin,
      schema: { params: knowledgeSourceParamsSchema, body: knowledgeSourceUpdateSchema, response: { 200: knowledgeSourceSchema } },
    },
    async function updateKnowledgeSourceRoute(request) {
      const organizationId = organizationIdOf(request);
      if (!(await updateKnowledgeSource(app.db, app.jobs, organizationId, request.params.sourceId, request.body))) {
        throw new ParleyError('not_found', 'No such website source.');
      }
      return getKnowledgeSource(app.db, organizationId, request.params.sourceId);
    },
  );

  api.delete(
    '/api/knowledge/sources/:sourceId',
    {
      config: { scope: 'knowledge:write' },
      preValidation: requireAdmin,
      schema: { params: knowledgeSourceParamsSchema, response: { 204: z.null() } },
    },
    async function deleteKnowledgeSourceRoute(request, reply) {
      const organizationId = organizationIdOf(request);
      const deleted = await deleteKnowledgeSource(app.db, app.jobs.cancel, organizationId, request.params.sourceId);
      if (deleted === null) throw new ParleyError('not_found', 'No such website source.');
      if (deleted > 0) onChanged();
      request.log.info({ organizationId, sourceId: request.params.sourceId, documents: deleted }, 'knowledge source removed');
      return reply.status(204).send(null);
    },
  );
}
