/**
 * Turns a fetched web page into what the knowledge base keeps: its main text without the site's navigation, header,
 * footer and sidebars, found by Mozilla's Readability (Firefox Reader View) on a linkedom DOM, and then read by the
 * same HTML parser as an imported HTML file, so that headings become sections the same way.
 * @module
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parseDocument, type ParsedDocument } from '../parse-document.js';
import { normalizePageUrl } from './site-url.js';

/** A page reduced to its main text, with what the crawl needs to go on. */
export interface ExtractedPage {
  /** The document title: the page's first `<h1>`, else its `<title>`. */
  title: string | null;
  /** The page's `<link rel="canonical">`, absolute; null when it has none. */
  canonicalUrl: string | null;
  description: string | null;
  /**
   * A small HTML document holding the page's `<title>`, canonical link (the page's own address when it has none) and
   * description, and its main text: importing it as `html` gives the same {@link ExtractedPage.document}.
   */
  content: string;
  /** `content` read by `parseDocument('html', …)`. */
  document: ParsedDocument;
  /** Where the main text came from: Readability's article, or the whole body when it found none. */
  source: 'article' | 'body';
  /** Every http(s) link of the page (`<a href>`), absolute, without fragments, each once. */
  links: string[];
}

/** The small part of the DOM this file uses; linkedom implements it, and the server compiles without the DOM lib. */
interface PageNode {
  textContent: string | null;
}
interface PageElement extends PageNode {
  innerHTML: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  replaceWith(node: PageElement): void;
  closest(selector: string): PageElement | null;
  prepend(...nodes: unknown[]): void;
  append(...nodes: unknown[]): void;
  readonly childNodes: Iterable<unknown>;
}
interface PageDocument {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  createElement(name: string): PageElement;
}

const collapse = (text: string | null | undefined) => (text ?? '').replace(/\s+/g, ' ').trim();

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (character) => ESCAPES[character] ?? character);

function parsePage(html: string): PageDocument {
  return parseHTML(html).document as unknown as PageDocument;
}

/** The page's `<base href>` resolved against its address, else its address: what its relative links are relative to. */
function baseUrlOf(document: PageDocument, pageUrl: string): string {
  const base = document.querySelector('base[href]')?.getAttribute('href');
  return (base && normalizePageUrl(base, pageUrl)) || pageUrl;
}

function linksOf(document: PageDocument, baseUrl: string): string[] {
  const links = new Set<string>();
  for (const anchor of document.querySelectorAll('a[href]')) {
    const url = normalizePageUrl(anchor.getAttribute('href') ?? '', baseUrl);
    if (url) links.add(url);
  }
  return [...links];
}

/**
 * The page's title heading: its first `<h1>` outside the site's own chrome (a logo in the page header, the navigation,
 * a sidebar or footer), as an imported HTML file's first `<h1>` is its title.
 */
function titleHeadingOf(document: PageDocument): string {
  for (const heading of document.querySelectorAll('h1')) {
    const inChrome =
      heading.closest('nav, aside, footer, [role="banner"], [role="navigation"]') !== null ||
      (heading.closest('header') !== null && heading.closest('article, main') === null);
    const text = collapse(heading.textContent);
    if (!inChrome && text) return text;
  }
  return '';
}

/**
 * Readability demotes every `<h1>` to `<h2>`, and drops one that repeats the page's `<title>`: either would lose the
 * title or make it one more section beside the real ones. The `<h2>` that says what the title heading said becomes an
 * `<h1>` again, or the title heading is put back at the top, so the HTML parser takes it as the title and the sections
 * under it keep their level.
 */
function restoreTitleHeading(document: PageDocument, article: PageElement, headingText: string): void {
  if (!headingText) return;
  const restored = document.createElement('h1');
  for (const heading of article.querySelectorAll('h2')) {
    if (collapse(heading.textContent) !== headingText) continue;
    restored.append(...heading.childNodes);
    heading.replaceWith(restored);
    return;
  }
  restored.textContent = headingText;
  article.prepend(restored);
}

function standaloneHtml(head: { title: string | null; url: string; description: string | null }, body: string): string {
  const parts = ['<!doctype html><html><head><meta charset="utf-8">'];
  if (head.title) parts.push(`<title>${escapeHtml(head.title)}</title>`);
  parts.push(`<link rel="canonical" href="${escapeHtml(head.url)}">`);
  if (head.description) parts.push(`<meta name="description" content="${escapeHtml(head.description)}">`);
  parts.push(`</head><body>${body}</body></html>`);
  return parts.join('');
}

/**
 * Readability's scoring walks the page's elements several times, in the server process that also serves chats: a page
 * with more elements than a help article ever has (a huge table, a generated listing) is read without it.
 */
const READABILITY_MAX_ELEMENTS = 20_000;

/**
 * Extracts the main text of the page `html` fetched from `pageUrl` (after redirects). Readability decides what the
 * article is; when it finds none, or one with no text under its title (all of it hidden, an empty page), the whole
 * body goes to the HTML parser instead, which drops `nav`, scripts and styles itself.
 */
export function extractPage(html: string, pageUrl: string): ExtractedPage {
  const document = parsePage(html);
  const baseUrl = baseUrlOf(document, pageUrl);
  const links = linksOf(document, baseUrl);
  const pageTitle = collapse(document.querySelector('title')?.textContent) || null;
  const canonicalHref = document.querySelector('link[rel~="canonical"][href]')?.getAttribute('href');
  const canonicalUrl = canonicalHref ? normalizePageUrl(canonicalHref, baseUrl) : null;
  const description = collapse(document.querySelector('meta[name="description" i]')?.getAttribute('content')) || null;
  const headingText = titleHeadingOf(document);

  const head = { title: pageTitle, url: canonicalUrl ?? pageUrl, description };
  // Readability rewrites the DOM it reads, so it reads this copy and the fallback parses the original text again.
  // Counted here, not with Readability's maxElemsToParse: it counts getElementsByTagName('*'), which linkedom answers
  // with nothing. A page over the limit goes to the HTML parser below, which reads it in one streaming pass.
  const articleElement =
    [...document.querySelectorAll('*')].length > READABILITY_MAX_ELEMENTS
      ? null
      : (new Readability<PageElement>(document as never, { serializer: (node) => node as unknown as PageElement }).parse()?.content ??
        null);
  if (articleElement) {
    restoreTitleHeading(document, articleElement, headingText);
    const content = standaloneHtml(head, articleElement.innerHTML);
    const parsed = parseDocument('html', content);
    // An article of a title alone is no article: the text was somewhere Readability doesn't look (hidden, say).
    if (parsed.blocks.length > 0) {
      return { title: parsed.title ?? pageTitle, canonicalUrl, description, content, document: parsed, source: 'article', links };
    }
  }
  const body = parsePage(html).querySelector('body')?.innerHTML ?? html;
  const content = standaloneHtml(head, body);
  const parsed = parseDocument('html', content);
  return { title: parsed.title ?? pageTitle, canonicalUrl, description, content, document: parsed, source: 'body', links };
}

/**
 * Decodes a page's bytes: the charset of its `Content-Type`, else of a `<meta charset>` (or `http-equiv`) in its
 * first 1,024 bytes, where browsers look for it, else UTF-8.
 */
export function decodeHtml(bytes: Uint8Array, contentType: string | null): string {
  const fromHeader = /charset\s*=\s*"?([\w.:-]+)/i.exec(contentType ?? '')?.[1];
  const prefix = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  const fromMeta = /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(prefix)?.[1];
  for (const label of [fromHeader, fromMeta]) {
    if (!label) continue;
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // An unknown label: try the next source.
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}
