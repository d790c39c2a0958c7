import { describe, expect, it } from 'vitest';
import { chunkDocument } from './chunk-document.js';
import type { ParsedDocument } from './parse-document.js';

const options = { targetCharacters: 100, maxCharacters: 150, overlapCharacters: 40 };
const sentence = (n: number) => `Sentence number ${n} is here.`; // 27 characters

describe('chunkDocument', () => {
  it('never puts two sections in one chunk, and packs small paragraphs of a section together', () => {
    const document: ParsedDocument = {
      title: 'T',
      url: null,
      atomic: false,
      blocks: [
        { headingPath: ['A'], text: 'One.' },
        { headingPath: ['A'], text: 'Two.' },
        { headingPath: ['B'], text: 'Three.' },
      ],
    };
    expect(chunkDocument(document, options)).toEqual([
      { headingPath: ['A'], text: 'One. Two.', url: undefined },
      { headingPath: ['B'], text: 'Three.', url: undefined },
    ]);
  });

  it('cuts a long paragraph at sentences near the target, repeating the last sentence in the next chunk', () => {
    const text = [1, 2, 3, 4, 5, 6, 7].map(sentence).join(' ');
    const chunks = chunkDocument({ title: null, url: null, atomic: false, blocks: [{ headingPath: [], text }] }, options);
    expect(chunks.map((chunk) => chunk.text)).toEqual([
      [1, 2, 3].map(sentence).join(' '),
      [3, 4, 5].map(sentence).join(' '),
      [5, 6, 7].map(sentence).join(' '),
    ]);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(options.maxCharacters);
  });

  it('cuts a sentence longer than the maximum at spaces', () => {
    const text = Array.from({ length: 60 }, (_, index) => `word${index}`).join(' ');
    const chunks = chunkDocument({ title: null, url: null, atomic: false, blocks: [{ headingPath: [], text }] }, options);
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(options.maxCharacters);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toContain('word0 word1');
    expect(chunks.at(-1)!.text).toContain('word59');
  });

  it('never puts text of two pages of a PDF in one chunk, and carries the page', () => {
    const chunks = chunkDocument(
      {
        title: 'Manual',
        url: null,
        atomic: false,
        blocks: [
          { headingPath: [], text: 'First page.', page: 1 },
          { headingPath: [], text: 'Still the first page.', page: 1 },
          { headingPath: [], text: 'Second page.', page: 2 },
        ],
      },
      options,
    );
    expect(chunks).toEqual([
      { headingPath: [], text: 'First page. Still the first page.', url: undefined, page: 1 },
      { headingPath: [], text: 'Second page.', url: undefined, page: 2 },
    ]);
  });

  it('keeps every FAQ pair in its own chunk, with its link', () => {
    const chunks = chunkDocument(
      {
        title: null,
        url: null,
        atomic: true,
        blocks: [
          { headingPath: ['Q1?'], text: 'A1.' },
          { headingPath: ['Q1?'], text: 'Same question, another answer.', url: 'https://s.example/a' },
        ],
      },
      options,
    );
    expect(chunks).toEqual([
      { headingPath: ['Q1?'], text: 'A1.', url: undefined },
      { headingPath: ['Q1?'], text: 'Same question, another answer.', url: 'https://s.example/a' },
    ]);
  });
});
