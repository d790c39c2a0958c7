/**
 * The knowledge-base passages one bot turn has seen, numbered in the order they were shown to the model, and the
 * citations of its reply. Passages reach the model as delimited reference data: text written by whoever edits the
 * knowledge base is not an instruction, and cannot close the block it sits in.
 * @module
 */
import type { Citation, ShownSource } from '@parley/protocol';
import type { KnowledgeHit } from '../knowledge/search.js';

/** A passage as the model and the offline answerer see it: a hit with the number replies cite it by. */
export interface SourcePassage extends KnowledgeHit {
  index: number;
}

/** Numbers passages as a turn meets them (a passage found twice keeps its first number) and resolves citations. */
export class TurnSources {
  private readonly passages: SourcePassage[] = [];

  /** Numbers `hits`, reusing the number of a passage already seen. */
  add(hits: readonly KnowledgeHit[]): SourcePassage[] {
    return hits.map((hit) => {
      const seen = this.passages.find((passage) => passage.chunkId === hit.chunkId);
      if (seen) return seen;
      const passage = { ...hit, index: this.passages.length + 1 };
      this.passages.push(passage);
      return passage;
    });
  }

  /**
   * The citations of `text`: the passages whose numbers appear as `[n]` (also `[1, 2]` and `[1][3]`), plus
   * `alsoCited` (the offline answerer cites without markers). Unknown numbers are ignored.
   */
  citations(text: string, alsoCited: readonly number[] = []): Citation[] {
    return this.citedIn(text, alsoCited).map(citationOf);
  }

  /**
   * Every passage the turn showed the model, with its search evidence and whether the reply (`text`, `alsoCited` as
   * for {@link citations}) cited it: stored with the reply, so that an answer can be audited against what it was shown.
   */
  shown(text: string, alsoCited: readonly number[] = []): ShownSource[] {
    const cited = new Set(this.citedIn(text, alsoCited));
    return this.passages.map((passage) => ({
      ...citationOf(passage),
      coverage: passage.coverage,
      similarity: passage.similarity,
      cited: cited.has(passage),
    }));
  }

  /** The passages `text` cites as `[n]` (also `[1, 2]` and `[1][3]`), plus `alsoCited`; unknown numbers are ignored. */
  private citedIn(text: string, alsoCited: readonly number[]): SourcePassage[] {
    const cited = new Set(alsoCited);
    for (const match of text.matchAll(/\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]/g)) {
      for (const number of match[1]!.split(',')) cited.add(Number(number.trim()));
    }
    return this.passages.filter((passage) => cited.has(passage.index));
  }
}

/** A passage as a citation. */
function citationOf(passage: SourcePassage): Citation {
  return {
    index: passage.index,
    documentId: passage.documentId,
    chunkId: passage.chunkId,
    title: passage.title,
    section: passage.headingPath.join(' › '),
    url: passage.url,
    // A PDF's page; the URL is the page's already (search adds `#page=N`).
    ...(passage.page === null ? {} : { page: passage.page }),
  };
}

// Our own delimiters, neutralised inside passage text so that a document cannot end its block and speak as us.
const delimiter = /<\/?\s*(knowledge_base|passage)\b[^>]*>/gi;
const neutralise = (text: string) => text.replace(delimiter, '[tag removed]');

/** Removes Parley's knowledge-base tags from text the model gets: a visitor can't forge a passage to be cited. */
export const neutraliseKnowledgeTags = neutralise;
const attribute = (text: string) => neutralise(text).replace(/["<>\n]/g, ' ');

/**
 * The passages as one text block for the model, between `<knowledge_base>` tags, each `<passage>` with its number,
 * title, section, a PDF's page and URL. With no passages it says so, which is the model's cue to say it doesn't know.
 */
export function formatKnowledgeBlock(passages: readonly SourcePassage[]): string {
  if (passages.length === 0) {
    return '<knowledge_base>\nNo passage of the knowledge base matches this message.\n</knowledge_base>';
  }
  const body = passages
    .map((passage) => {
      const section = passage.headingPath.join(' › ');
      const attributes = [`number="${passage.index}"`, `title="${attribute(passage.title)}"`];
      if (section) attributes.push(`section="${attribute(section)}"`);
      if (passage.page !== null) attributes.push(`page="${passage.page}"`);
      if (passage.url) attributes.push(`url="${attribute(passage.url)}"`);
      return `<passage ${attributes.join(' ')}>\n${neutralise(passage.body)}\n</passage>`;
    })
    .join('\n');
  return `<knowledge_base>\n${body}\n</knowledge_base>`;
}
