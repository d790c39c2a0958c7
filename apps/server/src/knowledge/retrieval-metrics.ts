/**
 * Retrieval metrics with BEIR's conventions (pytrec_eval): nDCG@10 with the graded relevance of the qrels, recall@k
 * as |relevant ∩ top k| / |relevant|, and MRR@10. Queries without judgements are skipped, as trec_eval does.
 * @module
 */

/** Relevance judgements: query id → document id → grade (> 0 is relevant). */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Mean metrics over the judged queries. */
export interface RetrievalMetrics {
  queries: number;
  ndcgAt10: number;
  recallAt100: number;
  recallAt1: number;
  recallAt5: number;
  mrrAt10: number;
}

const discount = (rank: number) => 1 / Math.log2(rank + 2);

/** Scores `rankings` (query id → document ids, best first) against `qrels`. */
export function evaluateRankings(rankings: ReadonlyMap<string, readonly string[]>, qrels: Qrels): RetrievalMetrics {
  const totals = { ndcgAt10: 0, recallAt100: 0, recallAt1: 0, recallAt5: 0, mrrAt10: 0 };
  let queries = 0;
  for (const [queryId, judged] of qrels) {
    const relevant = [...judged].filter(([, grade]) => grade > 0);
    if (relevant.length === 0) continue;
    queries++;
    const ranked = rankings.get(queryId) ?? [];
    const gradeOf = (documentId: string) => judged.get(documentId) ?? 0;

    let dcg = 0;
    ranked.slice(0, 10).forEach((documentId, rank) => (dcg += (2 ** gradeOf(documentId) - 1) * discount(rank)));
    const ideal = relevant
      .map(([, grade]) => grade)
      .toSorted((a, b) => b - a)
      .slice(0, 10)
      .reduce((sum, grade, rank) => sum + (2 ** grade - 1) * discount(rank), 0);
    totals.ndcgAt10 += dcg / ideal;

    const recallAt = (k: number) => ranked.slice(0, k).filter((documentId) => gradeOf(documentId) > 0).length / relevant.length;
    totals.recallAt100 += recallAt(100);
    totals.recallAt1 += recallAt(1);
    totals.recallAt5 += recallAt(5);
    const firstRelevant = ranked.slice(0, 10).findIndex((documentId) => gradeOf(documentId) > 0);
    totals.mrrAt10 += firstRelevant < 0 ? 0 : 1 / (firstRelevant + 1);
  }
  const mean = (value: number) => (queries === 0 ? 0 : value / queries);
  return {
    queries,
    ndcgAt10: mean(totals.ndcgAt10),
    recallAt100: mean(totals.recallAt100),
    recallAt1: mean(totals.recallAt1),
    recallAt5: mean(totals.recallAt5),
    mrrAt10: mean(totals.mrrAt10),
  };
}

/** The value at quantile `q` (0–1) of `values`, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
