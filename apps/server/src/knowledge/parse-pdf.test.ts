import { describe, expect, it } from 'vitest';
import { makePdf, type PdfPage } from '../../test/helpers/pdf.js';
import { chunkDocument } from './chunk-document.js';
import { DocumentFormatError } from './parse-document.js';
import { joinLines, meaningfulTitle, parsePdf } from './parse-pdf.js';

/** A three-page manual as a print shop would set it: running header, page numbers, a hyphenated word. */
const manual: PdfPage[] = [
  {
    heading: 'Getting started',
    paragraphs: [
      ['Unpack the dryer and remove the transport', 'bolts from the back panel.'],
      ['Connect the exhaust hose before the first', 'cycle.'],
    ],
  },
  {
    heading: 'Cleaning the lint filter',
    paragraphs: [
      ['Clean the lint filter after every cycle. A clogged filter makes the', 'drum overheat; the exam-', 'ple below shows how.'],
      ['Pull the filter up, open it and wipe the lint off with your fingers.'],
    ],
  },
  { paragraphs: [['The warranty covers the motor for ten years from the date of purchase.']] },
];

const parse = async (pages: PdfPage[], options: Parameters<typeof makePdf>[1] = {}) => parsePdf(await makePdf(pages, options));

describe('parsePdf', () => {
  it('reads paragraphs page by page, joins hyphenated words and drops the running header and page numbers', async () => {
    const parsed = await parse(manual, { title: 'Dryer DX-300 manual', runningHeader: 'DX-300 User manual', pageNumbers: true });
    expect(parsed.title).toBe('Dryer DX-300 manual');
    expect(parsed.warnings).toEqual([]);
    expect(parsed.blocks).toEqual([
      { headingPath: [], page: 1, text: 'Getting started' },
      { headingPath: [], page: 1, text: 'Unpack the dryer and remove the transport bolts from the back panel.' },
      { headingPath: [], page: 1, text: 'Connect the exhaust hose before the first cycle.' },
      { headingPath: [], page: 2, text: 'Cleaning the lint filter' },
      {
        headingPath: [],
        page: 2,
        text: 'Clean the lint filter after every cycle. A clogged filter makes the drum overheat; the example below shows how.',
      },
      { headingPath: [], page: 2, text: 'Pull the filter up, open it and wipe the lint off with your fingers.' },
      { headingPath: [], page: 3, text: 'The warranty covers the motor for ten years from the date of purchase.' },
    ]);
  });

  it('cuts chunks at page breaks: each chunk has its page, and no chunk (nor its overlap) holds text of another page', async () => {
    const parsed = await parse(manual);
    const pageText = (page: number) =>
      parsed.blocks
        .filter((block) => block.page === page)
        .map((block) => block.text)
        .join(' ');
    // Short pages are not packed together, as paragraphs of one page would be.
    expect(chunkDocument(parsed)).toEqual([1, 2, 3].map((page) => ({ headingPath: [], text: pageText(page), url: undefined, page })));

    const small = chunkDocument(parsed, { targetCharacters: 120, maxCharacters: 160, overlapCharacters: 80 });
    expect(small.map((chunk) => chunk.page)).toEqual([1, 1, 2, 2, 2, 3]);
    for (const chunk of small) {
      for (const sentence of chunk.text.split(/(?<=\.) /)) expect(pageText(chunk.page!)).toContain(sentence);
    }
    // Page 2's last sentence is repeated in its next chunk of page 2, not in page 3's.
    expect(small[4]!.text).toMatch(/^A clogged filter makes the drum overheat; the example below shows how\. Pull/);
    expect(small[5]!.text).toBe(pageText(3));
  });

  it('keeps a short document’s first and last lines: only lines repeated on most pages are running heads', async () => {
    const parsed = await parse([{ paragraphs: [['Price list 2026'], ['Dryer DX-300: 649 EUR']] }], { runningHeader: 'Harbor & Pine' });
    expect(parsed.blocks.map((block) => block.text)).toEqual(['Harbor & Pine', 'Price list 2026', 'Dryer DX-300: 649 EUR']);
  });

  it('has no title without a meaningful metadata Title, so that the import names the document after its file', async () => {
    expect((await parse(manual.slice(2))).title).toBeNull();
    expect((await parse(manual.slice(2), { title: 'Microsoft Word - dryer manual.docx' })).title).toBeNull();
  });

  it('reads a PDF that only restricts copying (an owner password), as every viewer opens it', async () => {
    const parsed = await parse(manual.slice(2), { ownerPassword: 'owner-secret' });
    expect(parsed.blocks).toEqual([
      { headingPath: [], page: 1, text: 'The warranty covers the motor for ten years from the date of purchase.' },
    ]);
  });

  it('leaves out a scanned page among text pages with a warning, keeping the others’ page numbers', async () => {
    const parsed = await parse([manual[0]!, { scanned: true }, manual[2]!]);
    expect(parsed.warnings).toEqual(['Page 2 has no text (blank, or a scanned image) and was left out.']);
    expect([...new Set(parsed.blocks.map((block) => block.page))]).toEqual([1, 3]);
  });

  it.each([
    [
      'a file that is not a PDF',
      () => new TextEncoder().encode('PK\u0003\u0004 a zip archive renamed to .pdf'),
      /not a PDF: it doesn’t start with "%PDF-"/,
    ],
    ['a password-protected PDF', () => makePdf(manual, { userPassword: 'secret' }), /protected by a password/],
    [
      'a PDF of scanned pages (no text layer)',
      () => makePdf([{ scanned: true }, { scanned: true }]),
      /no text to import: its pages are images \(a scan\?\)\. Scanned pages need OCR \(text recognition\), which Parley doesn’t do/,
    ],
    [
      'a damaged PDF',
      () => new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog\nendobj garbage'),
      /The PDF is damaged and can’t be read/,
    ],
    ['a PDF cut off halfway', async () => (await makePdf(manual)).slice(0, 700), /The PDF is damaged and can’t be read/],
  ])('refuses %s with a reason for the site owner', async (_name, bytes, reason) => {
    const error = await parsePdf(await bytes()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DocumentFormatError);
    expect((error as Error).message).toMatch(reason);
  });

  it('reads a Buffer too, and leaves the bytes it was given intact (PDF.js detaches the buffer it reads)', async () => {
    const bytes = Buffer.from(await makePdf(manual.slice(2)));
    const copy = Buffer.from(bytes);
    expect((await parsePdf(bytes)).blocks).toHaveLength(1);
    expect(bytes.equals(copy)).toBe(true);
  });
});

describe('joinLines', () => {
  it.each([
    ['exam-', 'ple below', 'example below'],
    ['the drum over-', 'heats', 'the drum overheats'],
    ['soft\u00ad', 'hyphen', 'softhyphen'],
    ['call Harbor-', 'Pine support', 'call Harbor- Pine support'],
    ['pages 3-', '5 cover it', 'pages 3- 5 cover it'],
    ['a line', 'and the next', 'a line and the next'],
  ])('joins %j and %j as %j', (first, second, joined) => {
    expect(joinLines(first, second)).toBe(joined);
  });
});

describe('meaningfulTitle', () => {
  it.each([
    ['Dryer DX-300 manual', 'Dryer DX-300 manual'],
    ['  Price   list 2026 ', 'Price list 2026'],
    ['', null],
    ['Untitled', null],
    ['untitled document', null],
    ['Microsoft Word - Manual', null],
    ['dryer-manual-v3.pdf', null],
    ['Manual.docx', null],
    ['2026-01', null],
    [42, null],
    [undefined, null],
  ])('reads %j as %j', (title, expected) => {
    expect(meaningfulTitle(title)).toBe(expected);
  });
});
