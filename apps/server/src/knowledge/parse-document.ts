/**
 * Turns an imported file into plain-text blocks under their headings: Markdown, MDX and HTML keep their heading
 * structure, plain text splits at blank lines, and FAQ files (CSV or JSON Lines) give one block per question. Nothing
 * here is rendered: the text is stored and shown as text.
 * @module
 */
import { parse as parseCsv } from 'csv-parse/sync';
import type { ChildNode, Element } from 'domhandler';
import { htmlTagNames } from 'html-tag-names';
import { parseDocument as parseHtml } from 'htmlparser2';
import type { Nodes, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';
import { z } from 'zod';
import { readFrontMatter, type FrontMatter } from './front-matter.js';
import { looksLikeMdx, prepareMarkdownSource } from './markdown-source.js';

/**
 * The formats documents are imported from. MDX is Markdown with JSX and ESM (Docusaurus). FAQ files are CSV, or JSON
 * Lines when the first character is `{`. A PDF is read from its bytes (parse-pdf.ts), every other format from text.
 */
export type KnowledgeFormat = 'markdown' | 'mdx' | 'html' | 'text' | 'faq' | 'pdf';

/** The formats read from text: every format but `pdf`. */
export type TextKnowledgeFormat = Exclude<KnowledgeFormat, 'pdf'>;

/** A paragraph-sized piece of text and the headings above it, outermost first. */
export interface DocumentBlock {
  headingPath: string[];
  text: string;
  /** Where this block can be read, when it has its own address (a FAQ row's link). */
  url?: string | undefined;
  /** The page of a PDF the block is on, from 1; chunks never join blocks of two pages. */
  page?: number | undefined;
}

/** A document reduced to text. `atomic` blocks (FAQ pairs) are never merged with their neighbours. */
export interface ParsedDocument {
  title: string | null;
  /** The document's own absolute address (HTML canonical link, front matter `url`). */
  url: string | null;
  /** A path of the document under the site (front matter `slug`); the import's base URL resolves it. */
  slug?: string | null | undefined;
  /** The document's summary (front matter `description`, HTML meta description). */
  description?: string | null | undefined;
  /**
   * Words that say what the document is about (front matter tags and keywords, the names in dropped template macros):
   * indexed, not shown.
   */
  keywords?: string[] | undefined;
  /** The document's own tags (Markdown front matter `tags`); undefined for formats that have none. */
  tags?: string[] | undefined;
  /** What was dropped or could not be read, in words for the site owner. */
  warnings?: string[] | undefined;
  blocks: DocumentBlock[];
  atomic: boolean;
}

/** A file that cannot be imported, with the reason in words a site owner can act on. */
export class DocumentFormatError extends Error {
  override readonly name = 'DocumentFormatError';
}

/** Reduces `content` in `format` to text blocks; throws {@link DocumentFormatError} when it can't. PDFs: `parsePdf`. */
export function parseDocument(format: TextKnowledgeFormat, content: string): ParsedDocument {
  switch (format) {
    case 'markdown':
      return parseMarkdown(content, false);
    case 'mdx':
      return parseMarkdown(content, true);
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

const frontMatterKinds = ['yaml', 'toml'] as const;

function markdownTree(text: string, mdx: boolean): Root {
  return fromMarkdown(text, {
    extensions: [frontmatter([...frontMatterKinds]), gfm(), ...(mdx ? [mdxjs()] : [])],
    mdastExtensions: [frontmatterFromMarkdown([...frontMatterKinds]), gfmFromMarkdown(), ...(mdx ? [mdxFromMarkdown()] : [])],
  });
}

/** The position of an MDX syntax error (a VFileMessage from micromark). */
interface SyntaxMessage {
  reason: string;
  line?: number | undefined;
}
const isSyntaxMessage = (error: unknown): error is Error & SyntaxMessage =>
  error instanceof Error && 'reason' in error && typeof error.reason === 'string';

/**
 * Markdown (CommonMark with GFM) or MDX, with YAML or TOML front matter. A `.md` file with ESM `import` lines is read
 * as MDX too, as Docusaurus compiles it; MDX that doesn't parse is read as Markdown without its `import`/`export`
 * blocks (with a warning for an `.mdx` file). See markdown-source.ts for what is cleaned before parsing.
 */
function parseMarkdown(content: string, mdx: boolean): ParsedDocument {
  let prepared = prepareMarkdownSource(content);
  const warnings: string[] = [];
  let tree: Root | null = null;
  const tryMdx = mdx || looksLikeMdx(prepared.text);
  if (tryMdx) {
    try {
      tree = markdownTree(prepared.text, true);
    } catch (error) {
      if (!isSyntaxMessage(error)) throw error;
      if (mdx) {
        const where = error.line ? `line ${prepared.sourceLine(error.line)}: ` : '';
        warnings.push(`Not valid MDX (${where}${error.reason}); read as Markdown without its import and export lines.`);
      }
    }
  }
  if (!tree) {
    if (tryMdx) prepared = prepareMarkdownSource(content, { stripEsm: true });
    tree = markdownTree(prepared.text, false);
  }
  warnings.push(...prepared.warnings);

  let frontMatter: FrontMatter = { keywords: [], tags: [] };
  const collector = new BlockCollector();
  const visit = (node: RootContent) => {
    switch (node.type) {
      case 'heading':
        collector.heading(node.depth, inlineText(node));
        return;
      case 'list':
        for (const item of node.children) collector.text(inlineText(item));
        return;
      case 'table':
        for (const row of node.children) collector.text(row.children.map((cell) => inlineText(cell)).join(' | '));
        return;
      case 'blockquote':
        for (const child of node.children) visit(child);
        return;
      case 'html':
        collector.text(htmlText(node.value));
        return;
      case 'mdxJsxFlowElement':
        // A component around Markdown (<Tabs>, <details>) is read through; one with text only is a paragraph.
        if (node.children.some((child) => flowTypes.has(child.type))) for (const child of node.children) visit(child);
        else collector.text(inlineText(node));
        return;
      case 'mdxjsEsm':
      case 'mdxFlowExpression':
      case 'thematicBreak':
      case 'definition':
        return;
      default:
        collector.text(inlineText(node));
    }
  };
  for (const node of tree.children) {
    // Front matter is the first node: `yaml`, or `toml` (a type mdast doesn't declare).
    const type: string = node.type;
    if ((type === 'yaml' || type === 'toml') && 'value' in node) {
      const read = readFrontMatter(type, node.value);
      frontMatter = read.frontMatter;
      if (read.warning) warnings.push(read.warning);
    } else visit(node);
  }
  return {
    title: frontMatter.title ?? frontMatter.sidebarLabel ?? collector.title,
    url: frontMatter.url ?? null,
    slug: frontMatter.slug ?? null,
    description: frontMatter.description ?? null,
    keywords: [...frontMatter.keywords, ...prepared.hints],
    tags: frontMatter.tags,
    warnings,
    blocks: collector.blocks,
    atomic: false,
  };
}

/** Node types that are blocks of their own: their text is kept apart from their neighbours'. */
const flowTypes = new Set<string>([
  'paragraph',
  'heading',
  'list',
  'listItem',
  'blockquote',
  'code',
  'table',
  'html',
  'mdxJsxFlowElement',
  'thematicBreak',
  'tableRow',
  'tableCell',
]);

const htmlElements = new Set(htmlTagNames);

/**
 * An inline "tag" that is no HTML element nor a JSX component (`<username>`, `<team-name>`): most likely text the author
 * meant, kept as written. (Text that imitates the bot's own delimiters is neutralised where the prompt is built.)
 */
function isPseudoTag(html: string): boolean {
  const name = /^<\/?([a-z][\w-]*)(?:\s[^<>]*)?\/?>$/.exec(html)?.[1];
  return name !== undefined && !htmlElements.has(name);
}

/** Marks where inline markup was dropped, so that an icon's now empty parentheses ("the gear (<i …></i>) icon") go too. */
const DROPPED = '\u0001';

/**
 * The text of a Markdown node, as a reader sees it: inline HTML and JSX reduced to their text (an image to its alt
 * text), MDX expressions and ESM dropped, blocks separated by a space. Like mdast-util-to-string, without the raw HTML.
 */
function inlineText(node: Nodes): string {
  return collapse(
    nodeText(node)
      .replace(new RegExp(`\\(\\s*${DROPPED}[\\s${DROPPED}]*\\)`, 'g'), '')
      // …and so does the space before the punctuation that followed what was dropped ("Hi {name}." → "Hi.").
      .replace(new RegExp(`\\s*${DROPPED}[\\s${DROPPED}]*(?=[.,;:!?])`, 'g'), '')
      .replaceAll(DROPPED, ''),
  );
}

function nodeText(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      return node.value;
    case 'html':
      return isPseudoTag(node.value) ? node.value : htmlText(node.value) || DROPPED;
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'break':
      return ' ';
    case 'mdxJsxFlowElement':
    case 'mdxJsxTextElement':
      if (node.name === 'img') {
        const alt = node.attributes.find((attribute) => attribute.type === 'mdxJsxAttribute' && attribute.name === 'alt');
        return typeof alt?.value === 'string' ? alt.value : DROPPED;
      }
      return node.children.length > 0 ? childrenText(node) : DROPPED;
    case 'mdxTextExpression':
    case 'mdxFlowExpression':
    case 'mdxjsEsm':
    case 'yaml':
    case 'definition':
    case 'footnoteDefinition':
    case 'thematicBreak':
      return DROPPED;
    default:
      return 'children' in node ? childrenText(node) : '';
  }
}

/** Nodes that can hold blocks. Inline HTML is an `html` node like an HTML block, so the parent tells them apart. */
const blockContainers = new Set<string>([
  'root',
  'blockquote',
  'list',
  'listItem',
  'footnoteDefinition',
  'mdxJsxFlowElement',
  'table',
  'tableRow',
]);

/** Blocks are joined with a space, inline content as it is. */
function childrenText(node: Nodes & { children: readonly Nodes[] }): string {
  const blocks = blockContainers.has(node.type) && node.children.some((child) => flowTypes.has(child.type));
  return node.children.map(nodeText).join(blocks ? ' ' : '');
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

const isSpaced = (node: ChildNode) =>
  node.type === 'tag' && (blockElements.has(node.name) || node.name === 'tr' || node.name === 'td' || node.name === 'th');

function elementText(node: ChildNode): string {
  if (node.type === 'text') return node.data;
  if (node.type === 'tag' && node.name === 'img') return node.attribs.alt ? ` ${node.attribs.alt} ` : '';
  if ('children' in node && !(node.type === 'tag' && skippedElements.has(node.name))) {
    // Blocks and table cells are set apart by spaces; inline elements (a, b, span…) are read through.
    return node.children.map((child) => (isSpaced(child) ? ` ${elementText(child)} ` : elementText(child))).join('');
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
  let description: string | null = null;

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
    if (name === 'meta' && element.attribs.name?.toLowerCase() === 'description')
      description ??= collapse(element.attribs.content ?? '') || null;
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
    description,
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
