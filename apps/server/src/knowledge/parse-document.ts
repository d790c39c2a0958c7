/**
 * Turns an imported file into plain-text blocks under their headings: Markdown and HTML keep their heading structure,
 * plain text splits at blank lines, and FAQ files (CSV or JSON Lines) give one block per question. Nothing here is
 * rendered: the text is stored and shown as text.
 * @module
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { ChildNode, Element } from 'domhandler';
import { parseDocument as parseHtml } from 'htmlparser2';
import type { Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { toString as markdownText } from 'mdast-util-to-string';
import { gfm } from 'micromark-extension-gfm';
import { z } from 'zod';

/** The formats documents are imported from. FAQ files are CSV, or JSON Lines when the first character is `{`. */
export type KnowledgeFormat = 'markdown' | 'html' | 'text' | 'faq';

/** A paragraph-sized piece of text and the headings above it, outermost first. */
export interface DocumentBlock {
  headingPath: string[];
  text: string;
  /** Where this block can be read, when it has its own address (a FAQ row's link). */
  url?: string | undefined;
}

/** A document reduced to text. `atomic` blocks (FAQ pairs) are never merged with their neighbours. */
export interface ParsedDocument {
  title: string | null;
  url: string | null;
  blocks: DocumentBlock[];
  atomic: boolean;
}

/** A file that cannot be imported, with the reason in words a site owner can act on. */
export class DocumentFormatError extends Error {
  override readonly name = 'DocumentFormatError';
}

/** Reduces `content` in `format` to text blocks; throws {@link DocumentFormatError} when it can't. */
export function parseDocument(format: KnowledgeFormat, content: string): ParsedDocument {
  switch (format) {
    case 'markdown':
      return parseMarkdown(content);
    case 'html':
      return parseHtmlDocument(content);
    case 'text':
      return { title: null, url: null, blocks: paragraphs(content).map((text) => ({ headingPath: [], text })), atomic: false };
    case 'faq':
      return parseFaq(content);
    default: {
      const unknown: never = format;
      throw new DocumentFormatError(`Unknown format: ${String(unknown)}`);
    }
  }
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

function paragraphs(text: string): string[] {
  return text
    .split(/\r?\n\s*\r?\n/)
    .map(collapse)
    .filter(Boolean);
}

/** Builds blocks while tracking the heading path; the document's first top-level heading becomes its title. */
class BlockCollector {
  readonly blocks: DocumentBlock[] = [];
  title: string | null = null;
  private headings: Array<{ depth: number; text: string }> = [];

  heading(depth: number, rawText: string) {
    const text = collapse(rawText);
    if (!text) return;
    if (depth === 1 && this.title === null && this.blocks.length === 0 && this.headings.length === 0) {
      this.title = text;
      return;
    }
    this.headings = [...this.headings.filter((heading) => heading.depth < depth), { depth, text }];
  }

  text(rawText: string) {
    const text = collapse(rawText);
    if (text) this.blocks.push({ headingPath: this.headings.map((heading) => heading.text), text });
  }
}

function parseMarkdown(content: string): ParsedDocument {
  const tree = fromMarkdown(content, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
  const collector = new BlockCollector();
  const visit = (node: RootContent) => {
    switch (node.type) {
      case 'heading':
        collector.heading(node.depth, markdownText(node));
        return;
      case 'list':
        for (const item of node.children) collector.text(item.children.map(blockText).join(' '));
        return;
      case 'table':
        for (const row of node.children) collector.text(row.children.map((cell) => markdownText(cell)).join(' | '));
        return;
      case 'blockquote':
        for (const child of node.children) visit(child);
        return;
      case 'html':
        collector.text(htmlText(node.value));
        return;
      case 'thematicBreak':
      case 'definition':
        return;
      default:
        collector.text(blockText(node));
    }
  };
  for (const node of tree.children) visit(node);
  return { title: collector.title, url: null, blocks: collector.blocks, atomic: false };
}

// mdast-util-to-string joins sibling blocks without a space; a nested list or paragraph needs one.
function blockText(node: Nodes): string {
  if ('children' in node && node.children.some((child) => child.type === 'paragraph' || child.type === 'list')) {
    return node.children.map(blockText).join(' ');
  }
  return markdownText(node);
}

// Elements whose text is not content: code, styles, embedded documents, navigation.
const skippedElements = new Set(['script', 'style', 'noscript', 'template', 'svg', 'canvas', 'iframe', 'object', 'head', 'nav']);
// Elements that end a paragraph. Inline elements (a, b, span…) are read through.
const blockElements = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'aside',
  'li',
  'ul',
  'ol',
  'dl',
  'dt',
  'dd',
  'pre',
  'blockquote',
  'table',
  'tr',
  'figure',
  'figcaption',
  'address',
  'details',
  'summary',
  'form',
  'fieldset',
  'body',
]);

function elementText(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  if ('children' in node && !(node.type === 'tag' && skippedElements.has(node.name))) {
    const separator = node.type === 'tag' && (node.name === 'tr' || blockElements.has(node.name)) ? ' ' : '';
    return node.children.map(elementText).join(separator);
  }
  if (node.type === 'tag' && node.name === 'br') return ' ';
  return '';
}

function htmlText(html: string): string {
  return collapse(parseHtml(html).children.map(elementText).join(' '));
}

function parseHtmlDocument(content: string): ParsedDocument {
  const dom = parseHtml(content);
  const collector = new BlockCollector();
  let pending = '';
  const flush = () => {
    collector.text(pending);
    pending = '';
  };
  let documentTitle: string | null = null;
  let url: string | null = null;

  const walk = (node: ChildNode) => {
    if (node.type === 'text') {
      pending += node.data;
      return;
    }
    if (node.type !== 'tag' && node.type !== 'root' && node.type !== 'script' && node.type !== 'style') return;
    const element = node as Element;
    const name = element.name;
    if (name === 'title') documentTitle ??= collapse(elementText(element));
    if (name === 'link' && element.attribs.rel?.toLowerCase() === 'canonical') url ??= element.attribs.href ?? null;
    if (name === 'head') {
      for (const child of element.children) walk(child);
      pending = '';
      return;
    }
    if (skippedElements.has(name) || node.type === 'script' || node.type === 'style') return;
    const heading = /^h([1-6])$/.exec(name);
    if (heading) {
      flush();
      collector.heading(Number(heading[1]), elementText(element));
      return;
    }
    if (name === 'br') {
      pending += ' ';
      return;
    }
    if (name === 'tr') {
      flush();
      collector.text(element.children.map(elementText).map(collapse).filter(Boolean).join(' | '));
      return;
    }
    const isBlock = blockElements.has(name);
    if (isBlock) flush();
    for (const child of element.children) walk(child);
    if (isBlock) flush();
  };
  for (const child of dom.children) walk(child);
  flush();
  return {
    title: collector.title ?? documentTitle,
    url: url && /^https?:\/\//i.test(url) ? url : null,
    blocks: collector.blocks,
    atomic: false,
  };
}

/** One row of a FAQ file. */
const faqRowSchema = z.object({
  question: z.string().trim().min(1, 'the question is empty'),
  answer: z.string().trim().min(1, 'the answer is empty'),
  category: z.string().trim().optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
});

type FaqRow = z.infer<typeof faqRowSchema>;

const columnNames: Record<keyof FaqRow, string[]> = {
  question: ['question', 'q', 'title'],
  answer: ['answer', 'a', 'body'],
  category: ['category', 'section', 'topic'],
  url: ['url', 'link'],
};

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function parseFaq(content: string): ParsedDocument {
  const rows = content.trimStart().startsWith('{') ? parseFaqJsonLines(content) : parseFaqCsv(content);
  if (rows.length === 0) throw new DocumentFormatError('The FAQ file has no question/answer rows.');
  return {
    title: null,
    url: null,
    atomic: true,
    blocks: rows.map((row) => ({
      headingPath: row.category ? [row.category, collapse(row.question)] : [collapse(row.question)],
      text: row.answer,
      url: row.url,
    })),
  };
}

function parseFaqJsonLines(content: string): FaqRow[] {
  const rows: FaqRow[] = [];
  content.split(/\r?\n/).forEach((line, index) => {
    if (!line.trim()) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new DocumentFormatError(`Line ${index + 1} is not valid JSON.`);
    }
    const row = faqRowSchema.safeParse(value);
    if (!row.success) throw new DocumentFormatError(`Line ${index + 1}: ${describeIssues(row.error)}.`);
    rows.push(row.data);
  });
  return rows;
}

function parseFaqCsv(content: string): FaqRow[] {
  let records: string[][];
  try {
    records = parseCsv(content, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new DocumentFormatError(`Not a valid CSV file: ${(error as Error).message}`);
  }
  const header = (records[0] ?? []).map((name) => name.trim().toLowerCase());
  const columnOf = (field: keyof FaqRow) => header.findIndex((name) => columnNames[field].includes(name));
  const question = columnOf('question');
  const answer = columnOf('answer');
  if (question < 0 || answer < 0) {
    throw new DocumentFormatError('A FAQ CSV file needs a header row with "question" and "answer" columns.');
  }
  const category = columnOf('category');
  const url = columnOf('url');
  return records.slice(1).map((record, index) => {
    const cell = (column: number) => (column >= 0 && record[column]?.trim() ? record[column] : undefined);
    const row = faqRowSchema.safeParse({
      question: cell(question) ?? '',
      answer: cell(answer) ?? '',
      category: cell(category),
      url: cell(url),
    });
    if (!row.success) throw new DocumentFormatError(`Row ${index + 2}: ${describeIssues(row.error)}.`);
    return row.data;
  });
}
