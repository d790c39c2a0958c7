/**
 * BM25's two parameters, shared by indexing (a posting's `impact`) and search (the score). k1 sets how quickly
 * repeated words stop adding to a score; b how much a long chunk is discounted. These are Anserini's values for its
 * BEIR runs, taken as they are, not tuned here (docs/knowledge.md).
 */
export const BM25 = { k1: 0.9, b: 0.4 } as const;
