/**
 * The "no relevant source" decision: which knowledge-base passages are worth answering from. One decision, used by the
 * bot's turn (the passages given to Claude with the visitor's message), by the offline answerer (it answers from the
 * first of them, else offers a person), by AI help for agents, and measured by `pnpm eval:rag --docs` (`refusal`,
 * `false_refusal`; see docs/knowledge.md).
 * @module
 */
import type { KnowledgeHit } from './search.js';

/** Knowledge-base passages searched for with the visitor's message, before the model asks for more. */
export const UPFRONT_PASSAGES = 4;
/**
 * A passage that contains less than this share of the message's weight (its `coverage`, 0–1) is probably about
 * something else… Calibrated on the help-center development set (docs/knowledge.md, "No relevant source"): of the cuts
 * from 0.3 to 0.6 in steps of 0.05, 0.45 refuses the most unanswerable questions (5 of 8) for the fewest answerable
 * ones refused (18 of 60); lexical evidence alone separates the two no better.
 */
export const MIN_SOURCE_COVERAGE = 0.45;
/** …unless semantic search finds it this close (cosine similarity; a middling value for common embedding models). */
export const MIN_SOURCE_SIMILARITY = 0.5;

/** What the decision reads of a passage. */
export type SourceEvidence = Pick<KnowledgeHit, 'coverage' | 'similarity'>;

/** Whether `hit` is relevant enough to answer from. `minCoverage` is for calibration (`eval:rag --min-coverage`). */
export function isRelevantSource(hit: SourceEvidence, minCoverage: number = MIN_SOURCE_COVERAGE): boolean {
  return hit.coverage >= minCoverage || (hit.similarity ?? 0) >= MIN_SOURCE_SIMILARITY;
}

/** The passages of `hits` worth answering from, in their order; none means "no relevant source". */
export function relevantSources<T extends SourceEvidence>(hits: readonly T[], minCoverage: number = MIN_SOURCE_COVERAGE): T[] {
  return hits.filter((hit) => isRelevantSource(hit, minCoverage));
}

/** The decision itself: true when none of `hits` is worth answering from, so the bot should not answer from them. */
export function hasNoRelevantSource(hits: readonly SourceEvidence[], minCoverage: number = MIN_SOURCE_COVERAGE): boolean {
  return !hits.some((hit) => isRelevantSource(hit, minCoverage));
}
