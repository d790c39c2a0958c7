import { randomUUID } from 'node:crypto';
import { createDb, knowledgeDocuments, knowledgeSources, rowsOf, type DbHandle } from '@parley/db';
import type { KnowledgeDocument } from '@parley/protocol';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importDocument } from '../src/knowledge/import-document.js';
import type { KnowledgeScope } from '../src/knowledge/scope.js';
import { searchKnowledge } from '../src/knowledge/search.js';
import { openSemanticIndex } from '../src/knowledge/semantic-index.js';
import { createOrganization } from '../src/seed/accounts.js';
import { apiRequest, createTenantWithAdmin, jsonOf, useTestServer } from './helpers/server.js';

// Document tags (from front matter and from the import request) and searches limited to a knowledge scope: documents
// with one of some tags, or synced from one of some website sources.
const server = useTestServer();

/** Three documents that all mention a parcel: one tagged in its front matter, one by the request, one from a website. */
const billing = {
  sourceKey: 'billing/refunds.md',
  format: 'markdown',
  content: '---\ntags: [billing]\n---\n\n# Refunds\n\nWe refund a damaged parcel to your card within five business days.\n',
} as const;
const shipping = {
  sourceKey: 'shipping/tracking.md',
  format: 'markdown',
  tags: ['shipping'],
  content: '# Tracking\n\nEvery parcel leaves our warehouse with a tracking number in its confirmation email.\n',
} as const;
const lockers = {
  sourceKey: 'https://help.example/lockers',
  format: 'markdown',
  content: '# Lockers\n\nPick up your parcel at one of our lockers, open day and night.\n',
} as const;

const scope = (tags: string[], sourceIds: string[] = []): KnowledgeScope => ({ tags, sourceIds });
const byNumber = (a: number, b: number) => a - b;

/** The source keys of the documents a search in `knowledgeScope` finds for "parcel", sorted. */
async function parcelDocuments(organizationId: string, knowledgeScope?: KnowledgeScope) {
  const hits = await searchKnowledge(server.db.db, { organizationId, query: 'parcel', scope: knowledgeScope, limit: 10 });
  return [...new Set(hits.map((hit) => hit.sourceKey))].toSorted();
}

async function importOverApi(token: string, body: Record<string, unknown>) {
  const response = await apiRequest(server, '/api/knowledge/documents', token, 'POST', body);
  expect(response.status).toBe(200);
  return (await jsonOf(response)) as { status: string; document: KnowledgeDocument };
}

describe('knowledge scope', () => {
  let organizationId: string;
  let adminToken: string;
  let agentToken: string;
  let sourceId: string;

  beforeAll(async () => {
    const tenant = await createTenantWithAdmin(server);
    ({ adminToken, agentToken } = tenant);
    organizationId = tenant.organization.id;
    await importOverApi(adminToken, billing);
    await importOverApi(adminToken, shipping);
    // A website page: its source's row, and the document marked as synced from it as a sync would.
    const [source] = await server.db.db
      .insert(knowledgeSources)
      .values({ organizationId, kind: 'website', url: 'https://help.example/', limits: { maxPages: 10, maxDepth: 2 } })
      .returning({ id: knowledgeSources.id });
    sourceId = source!.id;
    const outcome = await importDocument(server.db.db, { organizationId, ...lockers });
    await server.db.db.update(knowledgeDocuments).set({ sourceId }).where(eq(knowledgeDocuments.id, outcome.documentId));
  });

  it('lists the tags of the front matter and of the request with each document', async () => {
    const response = await apiRequest(server, '/api/knowledge/documents', agentToken);
    expect(response.status).toBe(200);
    const { documents } = (await jsonOf(response)) as { documents: KnowledgeDocument[] };
    expect(Object.fromEntries(documents.map((document) => [document.sourceKey, document.tags]))).toEqual({
      [billing.sourceKey]: ['billing'],
      [shipping.sourceKey]: ['shipping'],
      [lockers.sourceKey]: [],
    });
  });

  it('searches the whole base without a scope, or with an empty one', async () => {
    const all = [billing.sourceKey, lockers.sourceKey, shipping.sourceKey].toSorted();
    expect(await parcelDocuments(organizationId)).toEqual(all);
    expect(await parcelDocuments(organizationId, scope([]))).toEqual(all);
  });

  it('finds only the documents with one of the tags, in any case', async () => {
    expect(await parcelDocuments(organizationId, scope(['Billing']))).toEqual([billing.sourceKey]);
    expect(await parcelDocuments(organizationId, scope(['shipping']))).toEqual([shipping.sourceKey]);
    expect(await parcelDocuments(organizationId, scope(['SHIPPING', 'billing'])).then((keys) => keys.length)).toBe(2);
    expect(await parcelDocuments(organizationId, scope(['warranty']))).toEqual([]);
  });

  it('finds the documents synced from one of the sources, and those with one of the tags as well', async () => {
    expect(await parcelDocuments(organizationId, scope([], [sourceId]))).toEqual([lockers.sourceKey]);
    expect(await parcelDocuments(organizationId, scope(['billing'], [sourceId]))).toEqual(
      [billing.sourceKey, lockers.sourceKey].toSorted(),
    );
    expect(await parcelDocuments(organizationId, scope([], [randomUUID()]))).toEqual([]);
  });

  it("never finds another organization's documents, whatever their tags", async () => {
    const other = await createOrganization(server.db.db, `Scope ${randomUUID().slice(0, 8)}`);
    await importDocument(server.db.db, { organizationId: other.id, ...billing });
    expect(await parcelDocuments(other.id, scope(['billing']))).toEqual([billing.sourceKey]);
    const hits = await searchKnowledge(server.db.db, { organizationId, query: 'parcel', scope: scope(['billing']), limit: 10 });
    const [ours] = await server.db.db
      .select({ id: knowledgeDocuments.id })
      .from(knowledgeDocuments)
      .where(sql`${knowledgeDocuments.organizationId} = ${organizationId} and ${knowledgeDocuments.sourceKey} = ${billing.sourceKey}`);
    expect(hits.map((hit) => hit.documentId)).toEqual([ours!.id]);
  });

  it('updates the tags when the same content is imported with other tags; then it is unchanged', async () => {
    const retagged = await importOverApi(adminToken, { ...shipping, tags: ['Shipping', 'returns', ' RETURNS '] });
    expect(retagged.status).toBe('updated');
    expect(retagged.document.tags).toEqual(['Shipping', 'returns']);
    expect((await importOverApi(adminToken, { ...shipping, tags: ['Shipping', 'returns'] })).status).toBe('unchanged');
    expect(await parcelDocuments(organizationId, scope(['Returns']))).toEqual([shipping.sourceKey]);

    // The request's tags come first; the front matter's follow, once whatever their case.
    const billed = await importOverApi(adminToken, { ...billing, tags: ['BILLING', 'refunds'] });
    expect(billed).toMatchObject({ status: 'updated', document: { tags: ['BILLING', 'refunds'] } });
    const cleared = await importOverApi(adminToken, { ...shipping, tags: [] });
    expect(cleared).toMatchObject({ status: 'updated', document: { tags: [] } });
    expect(await parcelDocuments(organizationId, scope(['returns']))).toEqual([]);
  });

  it('refuses a blank tag and more than 50 tags', async () => {
    const blank = await apiRequest(server, '/api/knowledge/documents', adminToken, 'POST', { ...shipping, tags: ['  '] });
    expect(blank.status).toBe(400);
    const many = Array.from({ length: 51 }, (_, index) => `tag-${index}`);
    const tooMany = await apiRequest(server, '/api/knowledge/documents', adminToken, 'POST', { ...shipping, tags: many });
    expect(tooMany.status).toBe(400);
  });
});

describe('knowledge scope and the postings budget', () => {
  it('reads the postings of in-scope chunks only, so that common out-of-scope chunks cannot crowd them out', async () => {
    const organization = await createOrganization(server.db.db, `Scope budget ${randomUUID().slice(0, 8)}`);
    // 150 short FAQ answers full of "parcel": each outweighs the tagged article's one mention, and they are more than
    // the 100 postings a term is read down to at the smallest budget.
    const faq = Array.from({ length: 150 }, (_, index) =>
      JSON.stringify({ question: `Parcel ${index}?`, answer: 'Parcel, parcel, parcel.' }),
    ).join('\n');
    await importDocument(server.db.db, { organizationId: organization.id, sourceKey: 'faq.jsonl', format: 'faq', content: faq });
    await importDocument(server.db.db, { organizationId: organization.id, ...billing });
    const search = (knowledgeScope?: KnowledgeScope) =>
      searchKnowledge(server.db.db, {
        organizationId: organization.id,
        query: 'parcel',
        postingsPerTerm: 1,
        limit: 10,
        scope: knowledgeScope,
      });

    // Unscoped, the budget is spent on the FAQ: the article is not among the postings read.
    expect((await search()).map((hit) => hit.sourceKey)).not.toContain(billing.sourceKey);
    const scoped = await search(scope(['billing']));
    expect(scoped.map((hit) => hit.sourceKey)).toEqual([billing.sourceKey]);
  });
});

describe('knowledge scope in semantic search', () => {
  // Vectors by topic: money (first dimension) or delivery (second); every text has a little of a third.
  const embeddings = {
    model: 'topics',
    dimensions: 3,
    embed: async (texts: readonly string[]) =>
      texts.map((text) => [/refund|money/i.test(text) ? 1 : 0, /parcel|deliver/i.test(text) ? 1 : 0, 0.1]),
  };
  let vectorDb: DbHandle;
  beforeAll(async () => {
    vectorDb = process.env.DATABASE_URL ? server.db : await createDb({ vector: true });
    if (vectorDb !== server.db) await vectorDb.migrate();
  });
  afterAll(async () => {
    if (vectorDb !== server.db) await vectorDb.close();
  });

  it('returns nearest neighbours in scope only, where pgvector is available', async () => {
    const available = rowsOf(await vectorDb.db.execute(sql`select 1 from pg_available_extensions where name = 'vector'`)).length > 0;
    // PGlite always loads pgvector here; only a Postgres without the extension skips.
    if (!available) {
      expect(process.env.DATABASE_URL).toBeDefined();
      return;
    }
    const semantic = await openSemanticIndex(vectorDb, embeddings, () => {});
    const organization = await createOrganization(vectorDb.db, `Scope semantic ${randomUUID().slice(0, 8)}`);
    const refunds = await importDocument(vectorDb.db, { organizationId: organization.id, ...billing }, { semantic });
    const tracking = await importDocument(vectorDb.db, { organizationId: organization.id, ...shipping }, { semantic });

    // Nearest to "money", a scope of shipping still gets the shipping document: the only one in it.
    const nearest = (knowledgeScope?: KnowledgeScope) =>
      semantic.nearest(vectorDb.db, organization.id, [1, 0, 0.1], 10, knowledgeScope).then((hits) => hits.map((hit) => hit.chunkId));
    const [refundChunks, trackingChunks] = [
      await chunkIdsOf(vectorDb, refunds.documentId),
      await chunkIdsOf(vectorDb, tracking.documentId),
    ];
    expect((await nearest()).toSorted(byNumber)).toEqual([...refundChunks, ...trackingChunks].toSorted(byNumber));
    expect(await nearest(scope(['shipping']))).toEqual(trackingChunks);
    expect(await nearest(scope(['nobody']))).toEqual([]);

    // A hybrid search for a question no document has the words of: semantic search alone finds, in scope.
    const hybrid = await searchKnowledge(vectorDb.db, {
      organizationId: organization.id,
      query: 'money back?',
      semantic,
      scope: scope(['shipping']),
    });
    expect(hybrid.map((hit) => hit.documentId)).toEqual([tracking.documentId]);
  });
});

async function chunkIdsOf(handle: DbHandle, documentId: string): Promise<number[]> {
  const rows = rowsOf<{ id: string | number }>(
    await handle.db.execute(sql`select id from knowledge_chunks where document_id = ${documentId} order by id`),
  );
  return rows.map((row) => Number(row.id));
}
