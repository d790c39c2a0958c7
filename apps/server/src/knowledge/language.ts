/**
 * The organization's knowledge-base language (`organizations.knowledge_language`, a Postgres text-search
 * configuration): read and changed by admins over `/api/knowledge/settings`. A change re-indexes the documents already
 * imported in the background, a document per transaction, as a job claimed in the database (`knowledge-reindex`, one
 * per organization): whichever process runs it, a restart resumes it where it stopped, since the documents left are
 * the ones whose chunks are in another language.
 * @module
 */
import { knowledgeChunks, knowledgeDocuments, organizations, rowsOf, type Database } from '@parley/db';
import { knowledgeSettingsPatchSchema, knowledgeSettingsSchema, ParleyError, type KnowledgeSettings } from '@parley/protocol';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { organizationIdOf, requireAdmin as requireAdminRole } from '../auth/caller.js';
import { knowledgeSettingsChangedExample, knowledgeSettingsExample, knowledgeSettingsPatchExample } from './api-examples.js';
import { reindexDocument } from './import-document.js';

/** The job that re-indexes an organization's documents after its language changed; keyed by the organization. */
export const KNOWLEDGE_REINDEX_JOB = 'knowledge-reindex';

/** The text-search configurations this database has (Postgres' own: `english`, …, `simple`), alphabetically. */
export async function textSearchLanguages(db: Database): Promise<string[]> {
  const rows = rowsOf<{ name: string }>(
    await db.execute(sql`select cfgname as name from pg_ts_config where cfgnamespace = 'pg_catalog'::regnamespace order by cfgname`),
  );
  return rows.map((row) => row.name);
}

/** The organization's language and how many of its documents are still indexed in another one. */
export async function knowledgeSettings(db: Database, organizationId: string): Promise<KnowledgeSettings> {
  const [organization] = await db
    .select({ language: organizations.knowledgeLanguage })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (!organization) throw new ParleyError('not_found', 'No such organization.');
  const [stale] = await db
    .select({ count: sql<number>`count(distinct ${knowledgeChunks.documentId})::int` })
    .from(knowledgeChunks)
    .where(
      and(eq(knowledgeChunks.organizationId, organizationId), sql`${knowledgeChunks.language} <> ${organization.language}::regconfig`),
    );
  return { language: organization.language, languages: await textSearchLanguages(db), documentsToReindex: stale?.count ?? 0 };
}

/**
 * Re-indexes the organization's documents whose chunks are not in its language, one per transaction under the
 * document's row lock (an import of the same document waits for it), until none is left or `signal` aborts. Returns
 * how many it re-indexed.
 */
export async function reindexStaleDocuments(db: Database, organizationId: string, signal?: AbortSignal): Promise<number> {
  // The words as written (typo tolerance) map to lexemes of the language they were indexed in: they follow it first.
  await db.execute(sql`
    with org_language as (select knowledge_language::regconfig as config from organizations where id = ${organizationId}),
    refreshed as (
      select k.word, (tsvector_to_array(to_tsvector(org_language.config, k.word)))[1] as lexeme
      from knowledge_words k, org_language where k.organization_id = ${organizationId}
    ),
    dropped as (
      delete from knowledge_words k using refreshed r
      where k.organization_id = ${organizationId} and k.word = r.word and r.lexeme is null
    )
    update knowledge_words k set lexeme = r.lexeme
    from refreshed r
    where k.organization_id = ${organizationId} and k.word = r.word and r.lexeme is not null and k.lexeme <> r.lexeme`);
  let reindexed = 0;
  for (;;) {
    signal?.throwIfAborted();
    const done = await db.transaction(async (tx) => {
      const [organization] = await tx
        .select({ language: organizations.knowledgeLanguage })
        .from(organizations)
        .where(eq(organizations.id, organizationId));
      if (!organization) return true;
      const isStale = and(
        eq(knowledgeDocuments.organizationId, organizationId),
        sql`exists (select 1 from ${knowledgeChunks} c where c.document_id = ${knowledgeDocuments.id} and c.language <> ${organization.language}::regconfig)`,
      );
      const [stale] = await tx
        .select({ id: knowledgeDocuments.id })
        .from(knowledgeDocuments)
        .where(isStale)
        .limit(1)
        .for('update', { skipLocked: true });
      if (!stale) {
        // Documents an import holds locked right now are skipped above; one still stale is retried, not forgotten.
        const [locked] = await tx.select({ id: knowledgeDocuments.id }).from(knowledgeDocuments).where(isStale).limit(1);
        if (locked) throw new Error('A document to re-index is being imported; the job runs again shortly.');
        return true;
      }
      await reindexDocument(tx, organizationId, stale.id, organization.language);
      return false;
    });
    if (done) return reindexed;
    reindexed++;
  }
}

const requireAdmin = requireAdminRole('change the knowledge base');

/** `/api/knowledge/settings` and the re-indexing job; registered by `knowledgeRoutes`, whose hook authenticates. */
export function registerKnowledgeLanguage(app: FastifyInstance, { onReindexed }: { onReindexed: () => void }) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  app.jobs.handle(KNOWLEDGE_REINDEX_JOB, async (job, signal) => {
    const reindexed = await reindexStaleDocuments(app.db, job.key, signal);
    if (reindexed > 0) {
      app.log.info({ organizationId: job.key, documents: reindexed }, 'knowledge base re-indexed in its new language');
      onReindexed();
    }
  });

  api.get(
    '/api/knowledge/settings',
    {
      config: { scope: 'knowledge:read', example: { response: knowledgeSettingsExample } },
      schema: { response: { 200: knowledgeSettingsSchema } },
    },
    async function knowledgeSettingsRoute(request) {
      return knowledgeSettings(app.db, organizationIdOf(request));
    },
  );

  api.patch(
    '/api/knowledge/settings',
    {
      config: { scope: 'knowledge:write', example: { body: knowledgeSettingsPatchExample, response: knowledgeSettingsChangedExample } },
      preValidation: requireAdmin,
      schema: { body: knowledgeSettingsPatchSchema, response: { 200: knowledgeSettingsSchema } },
    },
    async function changeKnowledgeSettingsRoute(request) {
      const organizationId = organizationIdOf(request);
      const { language } = request.body;
      const languages = await textSearchLanguages(app.db);
      if (!languages.includes(language)) {
        throw new ParleyError('invalid_payload', `There is no text-search language "${language}". Choose one of: ${languages.join(', ')}.`);
      }
      await app.db.transaction(async (tx) => {
        const [current] = await tx
          .select({ language: organizations.knowledgeLanguage })
          .from(organizations)
          .where(eq(organizations.id, organizationId))
          .for('update');
        if (current?.language === language) return;
        await tx.update(organizations).set({ knowledgeLanguage: language }).where(eq(organizations.id, organizationId));
        await app.jobs.schedule(tx, { organizationId, kind: KNOWLEDGE_REINDEX_JOB, key: organizationId, runAt: new Date() });
      });
      request.log.info({ organizationId, language }, 'knowledge-base language changed');
      return knowledgeSettings(app.db, organizationId);
    },
  );
}
