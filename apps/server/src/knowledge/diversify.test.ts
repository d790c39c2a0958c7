import { describe, expect, it } from 'vitest';
import { diversifyByDocument } from './diversify.js';

const hits = (...documents: string[]) => documents.map((documentId, index) => ({ documentId, chunk: index }));
const order = (result: ReadonlyArray<{ chunk: number }>) => result.map((hit) => hit.chunk);
const documents = (list: ReadonlyArray<{ documentId: string }>) => [...new Set(list.map((hit) => hit.documentId))];

describe('diversifyByDocument', () => {
  it("puts each document's best passage first, then the other passages, each group in its order", () => {
    // a a b a c b → a(0) b(2) c(4), then a(1) a(3) b(5).
    expect(order(diversifyByDocument(hits('a', 'a', 'b', 'a', 'c', 'b')))).toEqual([0, 2, 4, 1, 3, 5]);
  });

  it('allows several passages per document when told', () => {
    expect(order(diversifyByDocument(hits('a', 'a', 'a', 'b', 'c'), 2))).toEqual([0, 1, 3, 4, 2]);
  });

  it('keeps every passage of a single document, and an empty ranking empty', () => {
    expect(order(diversifyByDocument(hits('a', 'a', 'a')))).toEqual([0, 1, 2]);
    expect(diversifyByDocument([])).toEqual([]);
  });

  it('keeps the ranking of documents at their best passage', () => {
    const input = hits('c', 'a', 'c', 'b', 'a', 'd');
    expect(documents(diversifyByDocument(input))).toEqual(documents(input));
  });
});
