import { knowledgeChunks, rowsOf } from '@parley/db';
import type { KnowledgeSearchResult, KnowledgeSettings } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import { jsonOf, useTestServer, createTenantWithAdmin } from './helpers/server.js';

// An admin sets the knowledge base's language; the documents already imported are re-indexed in it by a job.
const server = useTestServer();

const call = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function adminOfNewTenant() {
  const tenant = await createTenantWithAdmin(server);
  return { tenant, adminToken: tenant.adminToken, agentToken: tenant.agentToken };
}

describe('knowledge-base language', () => {
  it('is changed by admins, and the documents already imported are re-indexed in the new language', async () => {
    const { tenant, adminToken, agentToken } = await adminOfNewTenant();
    const organizationId = tenant.organization.id;
    await importDocument(server.db.db, {
      organizationId,
      sourceKey: 'delivery.md',
      format: 'markdown',
      content: '# Delivery times\n\nOrders are shipped within three days.',
    });
    const search = async (q: string) => {
      const answer = await call(agentToken, 'GET', `/api/knowledge/search?q=${encodeURIComponent(q)}`);
      expect(answer.status).toBe(200);
      return ((await jsonOf(answer)) as KnowledgeSearchResult).hits.map((hit) => hit.title);
    };
    const settings = async () => (await jsonOf(await call(agentToken, 'GET', '/api/knowledge/settings'))) as KnowledgeSettings;

    const before = await settings();
    expect(before).toMatchObject({ language: 'english', documentsToReindex: 0 });
    expect(before.languages).toEqual(expect.arrayContaining(['english', 'german', 'french', 'simple']));
    // English stems "shipping" and "shipped" alike.
    expect(await search('shipping')).toEqual(['Delivery times']);

    // Agents read the setting; only admins change it.
    const forbidden = await call(agentToken, 'PATCH', '/api/knowledge/settings', { language: 'simple' });
    expect(forbidden.status).toBe(403);
    for (const body of [{ language: 'klingon' }, { language: 'English' }, { language: 'simple', stemming: false }, {}]) {
      const refused = await call(adminToken, 'PATCH', '/api/knowledge/settings', body);
      expect(refused.status).toBe(400);
      expect((await jsonOf(refused)).error.code).toBe('invalid_payload');
    }
    expect((await settings()).language).toBe('english');

    const changed = await call(adminToken, 'PATCH', '/api/knowledge/settings', { language: 'simple' });
    expect(changed.status).toBe(200);
    expect(await jsonOf(changed)).toMatchObject({ language: 'simple', documentsToReindex: 1 });

    // The job re-indexes the document: `simple` doesn't stem, so only the word as written finds it.
    expect(await server.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(1);
    expect((await settings()).documentsToReindex).toBe(0);
    const languages = await server.db.db
      .selectDistinct({ language: knowledgeChunks.language })
      .from(knowledgeChunks)
      .where(eq(knowledgeChunks.organizationId, organizationId));
    expect(languages).toEqual([{ language: 'simple' }]);
    // The index agrees with the chunks: every posting counted once in a document frequency, the statistics unchanged.
    const [index] = rowsOf<{ postings: number; frequencies: number; chunks: number }>(
      await server.db.db.execute(sql`
        select (select count(*)::int from knowledge_postings p join knowledge_chunks c on c.id = p.chunk_id where c.organization_id = ${organizationId}) as postings,
               (select coalesce(sum(document_frequency), 0)::int from knowledge_terms where organization_id = ${organizationId}) as frequencies,
               (select chunk_count from knowledge_stats where organization_id = ${organizationId}) as chunks`),
    );
    expect(index!.frequencies).toBe(index!.postings);
    expect(index!.chunks).toBe(1);
    expect(await search('shipping')).toEqual([]);
    expect(await search('shipped')).toEqual(['Delivery times']);
    // A typo is corrected to the word as written, whose lexeme is now the new language's.
    expect(await search('shiped')).toEqual(['Delivery times']);

    // Back to English, and the same again; setting the language it has schedules nothing.
    expect((await call(adminToken, 'PATCH', '/api/knowledge/settings', { language: 'english' })).status).toBe(200);
    expect(await server.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(1);
    expect(await search('shipping')).toEqual(['Delivery times']);
    expect(await search('shiped')).toEqual(['Delivery times']);
    expect((await call(adminToken, 'PATCH', '/api/knowledge/settings', { language: 'english' })).status).toBe(200);
    expect(await server.app.jobs.runDue({ organizationIds: [organizationId] })).toBe(0);
  });
});
