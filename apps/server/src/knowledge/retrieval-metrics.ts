/**
 * Retrieval metrics with BEIR's conventions (pytrec_eval): nDCG@10 with the graded relevance of the qrels (gain
 * 2^grade − 1), recall@k as |relevant ∩ top k| / |relevant|, and MRR@10. Queries without judgements are skipped, as
 * trec_eval does. For a help center evaluated the way the bot uses it (`eval:rag --docs`), {@link evaluateSupportRun}
 * adds the share of questions whose first document answers them and the "no relevant source" decision's rates.
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

    totals.ndcgAt10 += ndcgAt(ranked, judged, 10);
    const recallAt = (k: number) => recallAtK(ranked, judged, k);
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

/** Graded gain: 2^grade − 1 (0 for an unjudged document). */
export const gain = (grade: number) => 2 ** grade - 1;

/**
 * nDCG@k of one ranking (document ids, best first, each once): Σ gain(grade_i) / log2(i + 1) over ranks i = 1..k,
 * divided by the same sum over the query's own grades sorted high to low. 0 when nothing is judged relevant.
 */
export function ndcgAt(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((documentId, rank) => (dcg += gain(judged.get(documentId) ?? 0) * discount(rank)));
  const ideal = [...judged.values()]
    .filter((grade) => grade > 0)
    .toSorted((a, b) => b - a)
    .slice(0, k)
    .reduce((sum, grade, rank) => sum + gain(grade) * discount(rank), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Recall@k of one ranking: the share of the documents judged relevant (grade > 0) that are in its top k. */
export function recallAtK(ranked: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const relevant = [...judged.values()].filter((grade) => grade > 0).length;
  if (relevant === 0) return 0;
  return ranked.slice(0, k).filter((documentId) => (judged.get(documentId) ?? 0) > 0).length / relevant;
}

/**
 * Passages (best first) as a ranking of their documents: each document once, at the rank of its best passage (the
 * first it reaches).
 */
export function documentRanking(passageDocuments: Iterable<string>): string[] {
  return [...new Set(passageDocuments)];
}

/** The grade a document must have to answer a question (the support set's "the article answers it"). */
export const ANSWER_GRADE = 2;

/** One question of a support evaluation, as the bot met it. */
export interface SupportQueryRun {
  id: string;
  /** Whether the documents answer it (the data set's `answerable`). */
  answerable: boolean;
  /** Its documents, best first, each once (see {@link documentRanking}). */
  ranking: readonly string[];
  /** Whether the "no relevant source" decision fired. */
  refused: boolean;
  /** Search and decision time, in milliseconds. */
  milliseconds: number;
}

/** The figures `eval:rag --docs` prints. */
export interface SupportMetrics {
  answerable: number;
  unanswerable: number;
  /** Mean nDCG@10 over the answerable questions (gain 2^grade − 1). */
  ndcgAt10: number;
  /** Mean recall@10 over the answerable questions. */
  recallAt10: number;
  /** Share of the answerable questions whose first document is graded {@link ANSWER_GRADE}. */
  top1: number;
  /** Share of the unanswerable questions that the decision refused. */
  refusal: number;
  /** Share of the answerable questions that the decision refused. */
  falseRefusal: number;
  /** Nearest-rank percentiles of the search-and-decision time over every question. */
  p50Ms: number;
  p95Ms: number;
}

/** The mean of `values`; NaN for none. */
const meanOf = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Scores a support evaluation: ranking figures over the answerable questions only (an unanswerable one has no
 * relevant document to find), refusal over the unanswerable ones, false refusal over the answerable ones, and
 * latency over all. A rate with no question to count is NaN.
 */
export function evaluateSupportRun(runs: readonly SupportQueryRun[], qrels: Qrels): SupportMetrics {
  const answerable = runs.filter((run) => run.answerable);
  const unanswerable = runs.filter((run) => !run.answerable);
  const judgedOf = (run: SupportQueryRun) => qrels.get(run.id) ?? new Map<string, number>();
  return {
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    ndcgAt10: meanOf(answerable.map((run) => ndcgAt(run.ranking, judgedOf(run), 10))),
    recallAt10: meanOf(answerable.map((run) => recallAtK(run.ranking, judgedOf(run), 10))),
    top1: meanOf(answerable.map((run) => (judgedOf(run).get(run.ranking[0] ?? '') === ANSWER_GRADE ? 1 : 0))),
    refusal: meanOf(unanswerable.map((run) => (run.refused ? 1 : 0))),
    falseRefusal: meanOf(answerable.map((run) => (run.refused ? 1 : 0))),
    p50Ms: quantile(
      runs.map((run) => run.milliseconds),
      0.5,
    ),
    p95Ms: quantile(
      runs.map((run) => run.milliseconds),
      0.95,
    ),
  };
}
