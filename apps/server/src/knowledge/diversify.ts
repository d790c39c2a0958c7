/**
 * Diversification by document: a search's passages, best first, reordered so that the first ones come from as many
 * different documents as the ranking offers. The bot is shown a handful of passages; four chunks of one article leave
 * no room for the sibling article that may be the one that answers (docs/knowledge.md, "Search").
 * @module
 */

/** How many passages of one document come before the next-best passages of other documents, by default. */
export const DEFAULT_PASSAGES_PER_DOCUMENT = 1;

/**
 * Reorders `hits` (best first): the best `perDocument` passages of each document keep their order, and a document's
 * further passages follow them, in their order, so nothing is dropped and a knowledge base of one document still fills
 * the result. Each document's best passage keeps its place relative to the other documents' best passages, so a
 * ranking of documents (each at its best passage) is unchanged.
 */
export function diversifyByDocument<T extends { documentId: string }>(
  hits: readonly T[],
  perDocument: number = DEFAULT_PASSAGES_PER_DOCUMENT,
): T[] {
  const taken = new Map<string, number>();
  const first: T[] = [];
  const later: T[] = [];
  for (const hit of hits) {
    const count = (taken.get(hit.documentId) ?? 0) + 1;
    taken.set(hit.documentId, count);
    (count <= perDocument ? first : later).push(hit);
  }
  return [...first, ...later];
}
