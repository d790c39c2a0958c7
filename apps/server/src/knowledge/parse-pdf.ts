/**
 * Reads a PDF's text layer, page by page, with unpdf (a build of Mozilla's PDF.js that runs in Node without a worker).
 * Lines are rebuilt from the positioned text items, joined into paragraphs where the line spacing says so, and a word
 * hyphenated at a line end is joined again. The line at the top and the line at the bottom of a page are dropped when
 * they repeat on most pages (running headers and footers, page numbers). Nothing is rendered and nothing is run: PDF.js
 * gets the bytes with `eval` off, and only the text it finds is kept.
 * @module
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { getDocumentProxy } from 'unpdf';
import { DocumentFormatError, type DocumentBlock, type ParsedDocument } from './parse-document.js';

/**
 * More pages than this are refused: PDF.js reads a page in a few milliseconds on the server's event loop (about 300
 * pages a second here), so a bigger file would hold imports up for long. A longer manual can be split.
 */
export const PDF_MAX_PAGES = 2000;

type PdfDocument = Awaited<ReturnType<typeof getDocumentProxy>>;
type TextContentItem = Awaited<ReturnType<Awaited<ReturnType<PdfDocument['getPage']>>['getTextContent']>>['items'][number];

/** A line of a page as PDF.js places it: its text, baseline (from the page's bottom) and font size, in points. */
interface TextLine {
  text: string;
  y: number;
  size: number;
  /** Where the line's last text item ends, for spacing the next item of the line. */
  end: number;
}

/** A PDF starts with `%PDF-`; readers accept it anywhere in the first 1,024 bytes (after a mail or FTP prefix). */
const PDF_HEADER = [0x25, 0x50, 0x44, 0x46, 0x2d];
function hasPdfHeader(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 1024) - PDF_HEADER.length;
  for (let start = 0; start <= end; start++) {
    if (PDF_HEADER.every((byte, offset) => bytes[start + offset] === byte)) return true;
  }
  return false;
}

/** What a site owner is told for an error PDF.js throws while reading the file. */
function readError(error: unknown): DocumentFormatError {
  if (error instanceof DocumentFormatError) return error;
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') {
    return new DocumentFormatError(
      'The PDF is protected by a password, so its text can’t be read. Save a copy without the password (or print it to a new PDF) and import that.',
    );
  }
  const detail = error instanceof Error && error.message ? ` (${error.message.replace(/\.$/, '')})` : '';
  return new DocumentFormatError(
    `The PDF is damaged and can’t be read${detail}. Open it and save it again, or export it anew from the program that made it.`,
  );
}

/**
 * The lines of a page in the order PDF.js gives them (the content stream's, which is the reading order of nearly every
 * producer). An item starts a new line after one that ended a line (`hasEOL`) or when its baseline moves by more than
 * half the font size; items of one line are joined, with a space where the page leaves a gap between them.
 */
function linesOf(items: readonly TextContentItem[]): TextLine[] {
  const lines: TextLine[] = [];
  let current: TextLine | null = null;
  let lineEnded = true;
  for (const item of items) {
    if (!('str' in item)) continue;
    const [, , c = 0, d = 0, x = 0, y = 0] = item.transform as number[];
    const size = Math.hypot(c, d) || item.height || 1;
    if (item.str) {
      if (current && !lineEnded && Math.abs(current.y - y) <= Math.max(current.size, size) / 2) {
        const gap = x - current.end > size * 0.15 && !/\s$/.test(current.text) && !/^\s/.test(item.str);
        current.text += gap ? ` ${item.str}` : item.str;
        current.end = x + item.width;
      } else {
        current = { text: item.str, y, size, end: x + item.width };
        lines.push(current);
      }
    }
    if (item.hasEOL) lineEnded = true;
    else if (item.str) lineEnded = false;
  }
  return lines.map((line) => ({ ...line, text: clean(line.text) })).filter((line) => line.text);
}

/**
 * Text Postgres can store and people can read: no NUL or other control characters (a font without a Unicode map
 * yields them), no unpaired surrogates, whitespace collapsed.
 */
function clean(text: string): string {
  return (
    text
      .toWellFormed()
      // oxlint-disable-next-line no-control-regex -- control characters are what this removes
      .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** A running header or footer as it repeats: case and numbers (page numbers, dates) don't count. */
const repeatKey = (line: TextLine) => line.text.toLowerCase().replace(/\d+/g, '#');
/** A line that is only a page number: `3`, `- 3 -`, `Page 3`, `3 / 10`, `Page 3 of 10`. */
const isPageNumber = (line: TextLine) => /^[-–—\s]*(page\s*)?#(\s*(of|\/)\s*#)?[-–—\s]*$/.test(repeatKey(line));

/** The highest and the lowest line of a page (a running header and footer, if it has them). */
function edgeLines(lines: readonly TextLine[]): TextLine[] {
  if (lines.length === 0) return [];
  const top = lines.reduce((best, line) => (line.y > best.y ? line : best));
  const bottom = lines.reduce((best, line) => (line.y < best.y ? line : best));
  return top === bottom ? [top] : [top, bottom];
}

/**
 * Drops running headers and footers: the top or bottom line of a page when, numbers aside, it is the top or bottom line
 * of at least half the pages (and of three at least), and a top or bottom line that is only a page number.
 */
function withoutRunningLines(pages: readonly TextLine[][]): TextLine[][] {
  const counts = new Map<string, number>();
  for (const page of pages) {
    for (const key of new Set(edgeLines(page).map(repeatKey))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const needed = Math.max(3, Math.ceil(pages.length / 2));
  return pages.map((page) => {
    const dropped = new Set(edgeLines(page).filter((line) => isPageNumber(line) || (counts.get(repeatKey(line)) ?? 0) >= needed));
    return page.filter((line) => !dropped.has(line));
  });
}

/** A bullet that starts a list item: each item is a paragraph of its own. */
const BULLET = /^[•◦▪▫●○■□‣⁃∙·–]\s/;

/**
 * Joins two lines of one paragraph: a word hyphenated at the end of the first ("exam-" / "ple") becomes one word again
 * when the second line goes on in lower case; a soft hyphen always joins. (A compound broken at its own hyphen,
 * "well-" / "known", loses the hyphen too: telling the two apart needs a dictionary.)
 */
export function joinLines(first: string, second: string): string {
  if (first.endsWith('\u00ad')) return first.slice(0, -1) + second;
  if (/\p{L}-$/u.test(first) && /^\p{Ll}/u.test(second)) return first.slice(0, -1) + second;
  return `${first} ${second}`;
}

/**
 * A page's lines as paragraphs. A paragraph ends where the next baseline is further down than 1.6 times the font size
 * (single and one-and-a-half line spacing stay together, a blank line or a paragraph's spacing does not), where the
 * text goes up (a new column or box), where the font size changes (a heading) and before a bullet.
 */
function paragraphsOf(lines: readonly TextLine[]): string[] {
  const paragraphs: string[] = [];
  let current = '';
  let previous: TextLine | null = null;
  for (const line of lines) {
    const size = previous ? Math.max(previous.size, line.size) : line.size;
    const drop = previous ? previous.y - line.y : 0;
    const sameParagraph =
      previous !== null && drop > 0 && drop <= size * 1.6 && Math.abs(previous.size - line.size) <= size * 0.15 && !BULLET.test(line.text);
    if (sameParagraph) current = joinLines(current, line.text);
    else {
      if (current) paragraphs.push(current);
      current = line.text;
    }
    previous = line;
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/**
 * The document's metadata Title when it names the document: not empty, not "Untitled", not a file name
 * ("Microsoft Word - manual.docx"), which many producers write there instead.
 */
export function meaningfulTitle(title: unknown): string | null {
  if (typeof title !== 'string') return null;
  const text = clean(title);
  if (!/\p{L}/u.test(text) || /^untitled\b/i.test(text) || /^microsoft (word|excel|powerpoint) - /i.test(text)) return null;
  if (/\.(pdf|docx?|odt|rtf|txt|pages|key|pptx?|xlsx?|indd|tex|html?|md)$/i.test(text)) return null;
  return text;
}

/** "page 3", "pages 3 and 7", "pages 3, 5, 7 and 9 more". */
function pageList(pages: readonly number[]): string {
  if (pages.length === 1) return `page ${pages[0]}`;
  const shown = pages.slice(0, 10);
  const rest = pages.length - shown.length;
  return rest > 0 ? `pages ${shown.join(', ')} and ${rest} more` : `pages ${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

/**
 * Reads `bytes` as a PDF: one block per paragraph, each with its page. Title: the PDF's own when it is meaningful
 * ({@link meaningfulTitle}), else none (the import names it after the file). Throws {@link DocumentFormatError} for a
 * file that isn't a PDF, one protected by a password, a damaged one, one of more than {@link PDF_MAX_PAGES} pages,
 * and one without a text layer (scanned pages). A PDF with an owner password only (printing or copying restricted) is
 * read like any other, as every viewer opens it.
 */
export async function parsePdf(bytes: Uint8Array): Promise<ParsedDocument> {
  if (!hasPdfHeader(bytes)) {
    throw new DocumentFormatError('The file is not a PDF: it doesn’t start with "%PDF-". Is it another kind of file renamed to .pdf?');
  }
  let pdf: PdfDocument;
  try {
    // A copy, as a plain Uint8Array: PDF.js takes over (detaches) the buffer it is given, and refuses a Buffer.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw readError(error);
  }
  try {
    if (pdf.numPages > PDF_MAX_PAGES) {
      throw new DocumentFormatError(
        `The PDF has ${pdf.numPages.toLocaleString('en-US')} pages; Parley imports at most ${PDF_MAX_PAGES.toLocaleString('en-US')} from one file. Split it into parts.`,
      );
    }
    const pages: TextLine[][] = [];
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      pages.push(linesOf((await page.getTextContent()).items));
      page.cleanup();
      // PDF.js works on this thread: let the server answer other requests between pages.
      await nextTurn();
    }
    const blocks: DocumentBlock[] = [];
    const empty: number[] = [];
    withoutRunningLines(pages).forEach((lines, index) => {
      const paragraphs = paragraphsOf(lines);
      if (paragraphs.length === 0) empty.push(index + 1);
      for (const text of paragraphs) blocks.push({ headingPath: [], text, page: index + 1 });
    });
    if (blocks.length === 0) {
      throw new DocumentFormatError(
        'The PDF has no text to import: its pages are images (a scan?). Scanned pages need OCR (text recognition), which Parley doesn’t do: run the file through OCR, or export it with its text from the program that made it.',
      );
    }
    const warnings =
      empty.length > 0
        ? [
            `${pageList(empty).replace(/^p/, 'P')} ${empty.length === 1 ? 'has' : 'have'} no text (blank, or a scanned image) and ${empty.length === 1 ? 'was' : 'were'} left out.`,
          ]
        : [];
    const { info } = await pdf.getMetadata();
    return { title: meaningfulTitle((info as { Title?: unknown }).Title), url: null, warnings, blocks, atomic: false };
  } catch (error) {
    throw readError(error);
  } finally {
    await pdf.destroy();
  }
}
