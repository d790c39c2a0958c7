/**
 * Splits a parsed document into passages for search and citation. Chunks follow the document's structure: a chunk
 * never spans two sections (heading paths) nor two pages of a PDF, paragraphs are packed up to a size target, an over-long paragraph is cut
 * at sentence boundaries, and consecutive chunks of one section share a small overlap so that a sentence cut from its
 * context is still found with it. FAQ pairs stay whole.
 * @module
 */
import type { DocumentBlock, ParsedDocument } from './parse-document.js';

/** Sizes, in characters. */
export interface ChunkOptions {
  /** Paragraphs are packed into a chunk until the next one would pass this size. */
  targetCharacters: number;
  /** No chunk is longer than this; longer paragraphs are cut at sentences, then at words. */
  maxCharacters: number;
  /** How much of the end of a chunk the next chunk of the same section repeats, in whole sentences. */
  overlapCharacters: number;
}

/**
 * About 250 words a chunk: a help-centre section is usually one chunk, and a chunk is small enough to quote in a
 * prompt. Chosen for support content, not tuned on the evaluation set (docs/knowledge.md).
 */
export const defaultChunkOptions: ChunkOptions = { targetCharacters: 1500, maxCharacters: 2200, overlapCharacters: 200 };

/** A passage of a document. */
export interface DocumentChunk {
  headingPath: string[];
  text: string;
  url: string | undefined;
  /** The page of a PDF the passage is on, from 1. */
  page: number | undefined;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

function sentences(text: string): string[] {
  return Array.from(segmenter.segment(text), (segment) => segment.segment.trim()).filter(Boolean);
}

/** A paragraph longer than `target` becomes its sentences; a sentence longer than `max` is cut at spaces. */
function pieces(text: string, target: number, max: number): string[] {
  if (text.length <= target) return [text];
  const result: string[] = [];
  for (const sentence of sentences(text)) {
    if (sentence.length <= max) {
      result.push(sentence);
      continue;
    }
    let rest = sentence;
    while (rest.length > max) {
      const cut = rest.lastIndexOf(' ', max);
      const end = cut > max / 2 ? cut : max;
      result.push(rest.slice(0, end).trim());
      rest = rest.slice(end).trim();
    }
    if (rest) result.push(rest);
  }
  return result;
}

/** The trailing whole sentences of `text` that fit in `budget` characters. */
function overlapOf(text: string, budget: number): string {
  if (budget <= 0) return '';
  const tail: string[] = [];
  let used = 0;
  for (const sentence of sentences(text).toReversed()) {
    if (used + sentence.length > budget) break;
    tail.unshift(sentence);
    used += sentence.length + 1;
  }
  return tail.join(' ');
}

const samePath = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((part, index) => part === b[index]);

/** Groups consecutive blocks with the same heading path (and URL and page). */
function sections(blocks: readonly DocumentBlock[]): DocumentBlock[][] {
  const result: DocumentBlock[][] = [];
  for (const block of blocks) {
    const current = result.at(-1);
    const first = current?.[0];
    if (first && samePath(first.headingPath, block.headingPath) && first.url === block.url && first.page === block.page)
      current.push(block);
    else result.push([block]);
  }
  return result;
}

/** Splits `document` into chunks; see the module comment for the rules. */
export function chunkDocument(document: ParsedDocument, options: ChunkOptions = defaultChunkOptions): DocumentChunk[] {
  const { targetCharacters, maxCharacters, overlapCharacters } = options;
  const chunks: DocumentChunk[] = [];
  const groups = document.atomic ? document.blocks.map((block) => [block]) : sections(document.blocks);
  for (const group of groups) {
    const { headingPath, url, page } = group[0]!;
    const units = group.flatMap((block) => pieces(block.text, targetCharacters, maxCharacters));
    let current = '';
    for (const unit of units) {
      if (!current) current = unit;
      else if (current.length + 1 + unit.length <= targetCharacters) current = `${current} ${unit}`;
      else {
        chunks.push({ headingPath, text: current, url, page });
        const overlap = overlapOf(current, Math.min(overlapCharacters, maxCharacters - unit.length - 1));
        current = overlap ? `${overlap} ${unit}` : unit;
      }
    }
    if (current) chunks.push({ headingPath, text: current, url, page });
  }
  return chunks;
}
