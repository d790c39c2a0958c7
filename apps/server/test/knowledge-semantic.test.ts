import { randomUUID } from 'node:crypto';
import { createDb, knowledgeDocuments, rowsOf, type DbHandle } from '@parley/db';
import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteDocument, importDocument } from '../src/knowledge/import-document.js';
import { searchKnowledge } from '../src/knowledge/search.js';
import { embedMissingChunks, openSemanticIndex, type SemanticIndex } from '../src/knowledge/semantic-index.js';
import { createOpenAiCompatibleEmbeddings } from '../src/knowledge/embeddings.js';
import { createOrganization } from '../src/seed/accounts.js';
import { jsonOf, useTestServer, createTenantWithAdmin } from './helpers/server.js';

// Semantic search with a stand-in embeddings service (msw): each dimension is a concept, so "money back" lands near
// "refund" although they share no word. The vector SQL runs against pgvector itself, loaded into a PGlite of this
// test's own (the server never loads it there: see createDb's `vector`). The server, on PGlite or on a Postgres
// without the extension, has semantic search off and serves lexical search alone — that is checked too.
const concepts = [
  ['refund', 'refunds', 'money', 'back', 'reimburse'],
  ['ship', 'shipping', 'delivery', 'deliver', 'parcel', 'arrive'],
  ['return', 'returns', 'exchange'],
  ['password', 'account', 'login'],
];
const DIMENSIONS = concepts.length + 1;

function embed(text: string): number[] {
  const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
  const vector = concepts.map((group) => words.filter((word) => group.includes(word)).length);
  vector.push(0.1); // never the zero vector
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

const embeddingCalls: string[][] = [];
const embeddingsService = setupServer(
  http.post('https://embeddings.test/v1/embeddings', async ({ request }) => {
    const body = (await request.json()) as { input: string[] };
    embeddingCalls.push(body.input);
    return HttpResponse.json({ data: body.input.map((text, index) => ({ index, embedding: embed(text) })) });
  }),
);
beforeAll(() => embeddingsService.listen({ onUnhandledRequest: 'bypass' }));
afterAll(() => embeddingsService.close());

const server = useTestServer({
  PARLEY_EMBEDDINGS_URL: 'https://embeddings.test/v1',
  PARLEY_EMBEDDINGS_MODEL: 'concepts',
  PARLEY_EMBEDDINGS_DIMENSIONS: String(DIMENSIONS),
});

const articles = [
  { sourceKey: 'refunds.md', content: '# Refunds\n\nA refund reaches your card within five business days.' },
  { sourceKey: 'shipping.md', content: '# Shipping\n\nParcels arrive within three days.' },
  { sourceKey: 'account.md', content: '# Account\n\nReset your password from the sign-in page.' },
];

async function hasPgvector(handle: DbHandle) {
  return rowsOf(await handle.db.execute(sql`select 1 from pg_available_extensions where name = 'vector'`)).length > 0;
}

/** On PGlite, a database of the test's own with pgvector loaded; on Postgres, the server's (with or without it). */
let vectorDb: DbHandle;
beforeAll(async () => {
  if (process.env.DATABASE_URL) vectorDb = server.db;
  else {
    vectorDb = await createDb({ vector: true });
    await vectorDb.migrate();
  }
});
afterAll(async () => {
  if (vectorDb !== server.db) await vectorDb.close();
});

describe('semantic search', () => {
  it('embeds imported chunks and fuses nearest neighbours with lexical hits, where pgvector is available', async () => {
    const organization = await createOrganization(vectorDb.db, `Semantic ${randomUUID().slice(0, 8)}`);
    const available = await hasPgvector(vectorDb);
    const semantic: SemanticIndex | null = available
      ? await openSemanticIndex(
          vectorDb,
          createOpenAiCompatibleEmbeddings({ baseUrl: 'https://embeddings.test/v1', model: 'concepts', dimensions: DIMENSIONS }),
          () => {},
        )
      : null;
    embeddingCalls.length = 0;
    for (const article of articles) {
      await importDocument(vectorDb.db, { organizationId: organization.id, format: 'markdown', ...article }, { semantic });
    }
    const question = 'when do I get my money back?';
    const lexical = await searchKnowledge(vectorDb.db, { organizationId: organization.id, query: question, limit: 3 });
    // No word of the question is in the refunds article: lexical search alone can't find it.
    expect(lexical.map((hit) => hit.sourceKey)).not.toContain('refunds.md');

    if (!semantic) {
      // Postgres without pgvector: nothing was embedded, nothing failed.
      expect(embeddingCalls).toEqual([]);
      return;
    }
    expect(embeddingCalls.map((inputs) => inputs.length)).toEqual([1, 1, 1]);
    expect(await countEmbeddings(vectorDb, organization.id)).toBe(3);

    const hybrid = await searchKnowledge(vectorDb.db, { organizationId: organization.id, query: question, limit: 3, semantic });
    expect(hybrid[0]).toMatchObject({ sourceKey: 'refunds.md', coverage: 0 });
    expect(hybrid[0]!.similarity).toBeGreaterThan(0.9);

    // A document imported before embeddings were on gets its vectors from the backfill, once.
    await importDocument(vectorDb.db, {
      organizationId: organization.id,
      format: 'markdown',
      sourceKey: 'late.md',
      content: '# Late\n\nDelivery of parcels.',
    });
    expect(await countEmbeddings(vectorDb, organization.id)).toBe(3);
    expect(await embedMissingChunks(vectorDb.db, organization.id, semantic)).toBe(1);
    expect(await embedMissingChunks(vectorDb.db, organization.id, semantic)).toBe(0);
    expect(await countEmbeddings(vectorDb, organization.id)).toBe(4);

    // Deleting a document deletes its vectors.
    const [refunds] = await vectorDb.db
      .select({ id: knowledgeDocuments.id })
      .from(knowledgeDocuments)
      .where(sql`${knowledgeDocuments.organizationId} = ${organization.id} and ${knowledgeDocuments.sourceKey} = 'refunds.md'`);
    await deleteDocument(vectorDb.db, organization.id, refunds!.id);
    expect(await countEmbeddings(vectorDb, organization.id)).toBe(3);
  });

  it('serves lexical results when the embeddings service fails during a search', async () => {
    const organization = await createOrganization(server.db.db, `Semantic ${randomUUID().slice(0, 8)}`);
    const failures: unknown[] = [];
    const broken = createOpenAiCompatibleEmbeddings({
      baseUrl: 'https://embeddings.test/broken',
      model: 'concepts',
      dimensions: DIMENSIONS,
    });
    embeddingsService.use(
      http.post('https://embeddings.test/broken/embeddings', () => HttpResponse.json({ error: 'down' }, { status: 503 })),
    );
    await importDocument(server.db.db, { organizationId: organization.id, format: 'markdown', ...articles[1]! });
    const semantic: SemanticIndex = {
      embeddings: broken,
      onSearchError: (error) => failures.push(error),
      store: () => Promise.reject(new Error('not used')),
      nearest: () => Promise.reject(new Error('not used')),
    };
    const hits = await searchKnowledge(server.db.db, { organizationId: organization.id, query: 'parcels arrive', semantic });
    expect(hits.map((hit) => [hit.sourceKey, hit.similarity])).toEqual([['shipping.md', null]]);
    expect(String(failures[0])).toMatch(/answered 503/);
  });

  it("answers the REST search lexically when the server's database has no pgvector, and fused when it has", async () => {
    const tenant = await createTenantWithAdmin(server);
    const token = tenant.adminToken;
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    for (const article of articles) {
      const response = await fetch(`${server.url}/api/knowledge/documents`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ format: 'markdown', ...article }),
      });
      expect(response.status).toBe(200);
    }
    const search = await jsonOf(
      await fetch(`${server.url}/api/knowledge/search?q=${encodeURIComponent('money back please')}`, { headers }),
    );
    if (await hasPgvector(server.db)) {
      expect(search.hits[0]).toMatchObject({ title: 'Refunds', coverage: 0 });
      expect(search.hits[0].similarity).toBeGreaterThan(0.9);
    } else {
      expect(search.hits.every((hit: { similarity: unknown }) => hit.similarity === null)).toBe(true);
    }
  });
});

async function countEmbeddings(handle: DbHandle, organizationId: string): Promise<number> {
  const [row] = rowsOf<{ count: number }>(
    await handle.db.execute(sql`
      select count(*)::int as count from knowledge_embeddings e join knowledge_chunks c on c.id = e.chunk_id
      where c.organization_id = ${organizationId}`),
  );
  return Number(row!.count);
}
