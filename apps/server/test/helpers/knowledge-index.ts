import { knowledgeChunks, knowledgePostings, knowledgeStats, knowledgeTerms, type Database } from '@parley/db';
import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';

/** The organization's index, as counts that must agree with its chunks. */
export async function indexState(db: Database, organizationId: string) {
  const [chunks] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(knowledgeChunks)
    .where(eq(knowledgeChunks.organizationId, organizationId));
  const [postings] = await db
    .select({ count: sql<number>`count(*)::int`, tokens: sql<number>`coalesce(sum(${knowledgePostings.termFrequency}), 0)::int` })
    .from(knowledgePostings)
    .innerJoin(knowledgeChunks, eq(knowledgeChunks.id, knowledgePostings.chunkId))
    .where(eq(knowledgeChunks.organizationId, organizationId));
  const [frequencies] = await db
    .select({ total: sql<number>`coalesce(sum(${knowledgeTerms.documentFrequency}), 0)::int` })
    .from(knowledgeTerms)
    .where(eq(knowledgeTerms.organizationId, organizationId));
  const [stats] = await db.select().from(knowledgeStats).where(eq(knowledgeStats.organizationId, organizationId));
  return { chunks: chunks!.count, postings: postings!.count, tokens: postings!.tokens, documentFrequencies: frequencies!.total, stats };
}

/**
 * Checks the organization's index against its chunks: every posting counted once in a document frequency, and the
 * statistics matching the chunks. Returns the number of chunks.
 */
export async function expectConsistentIndex(db: Database, organizationId: string): Promise<number> {
  const state = await indexState(db, organizationId);
  expectConsistent(state);
  return state.chunks;
}

/** {@link expectConsistentIndex} on a state already read. */
export function expectConsistent(state: Awaited<ReturnType<typeof indexState>>) {
  // Every posting is counted once in a document frequency, and the statistics match the chunks.
  expect(state.documentFrequencies).toBe(state.postings);
  expect(state.stats?.chunkCount ?? 0).toBe(state.chunks);
  expect(Number(state.stats?.tokenCount ?? 0)).toBe(state.tokens);
}
