/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009): each list gives an item `1 / (k + rank)`, and the
 * sums order the fused list. It needs no score calibration between BM25 and cosine similarity, which is why hybrid
 * search engines use it.
 * @module
 */

/** The usual constant: ranks deep in a list count little, but still count. */
export const RRF_K = 60;

/** Fuses ranked lists of ids (best first) into one, best first. Ties keep the order of first appearance. */
export function reciprocalRankFusion<T>(lists: ReadonlyArray<readonly T[]>, k = RRF_K): T[] {
  const scores = new Map<T, number>();
  for (const list of lists) {
    list.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + index + 1)));
  }
  return [...scores.entries()].toSorted((a, b) => b[1] - a[1]).map(([id]) => id);
}
