/**
 * Crawls a help center: from a start page, following links on the same site breadth first, or from a sitemap.
 * Polite (robots.txt for `ParleyBot`, its Crawl-delay, one request at a time), incremental (conditional GET with the
 * validators of the previous crawl) and bounded (pages, depth, bytes, time). Every request goes through the outbound
 * guard the caller passes, so a site can't point the crawl at the private network.
 * @module
 */
import {
  OutboundRequestError,
  type OutboundFailureReason,
  type OutboundRequestInit,
  type OutboundResponse,
} from '../../plugins/outbound.js';
import type { ParsedDocument } from '../parse-document.js';
import { decodeHtml, extractPage } from './extract-page.js';
import { loadRobots, type SiteRobots } from './robots.js';
import { parseSitemap } from './sitemap.js';
import { hasNonHtmlExtension, isOnSite, normalizePageUrl } from './site-url.js';

/** Bounds of one crawl. */
export interface CrawlLimits {
  /** Pages requested (fetched, unchanged, failed, or skipped after the request for their content type or size). */
  maxPages: number;
  /** Links followed from the start page: 0 crawls the start page alone. Ignored for a sitemap. */
  maxDepth: number;
  /** A page larger than this is skipped (`too_large`) without reading the rest. */
  maxBytesPerPage: number;
  /** The crawl stops once the pages read add up to this many bytes (the last page may go over by one page). */
  maxTotalBytes: number;
  /** The crawl stops after this long; the page in flight then is dropped, not reported. */
  timeLimitMs: number;
  /** The longest robots.txt `Crawl-delay` honoured between requests; a longer one is cut to this. */
  maxCrawlDelayMs: number;
}

/** Defaults for a help center of a few hundred articles. */
export const DEFAULT_CRAWL_LIMITS: CrawlLimits = {
  maxPages: 500,
  maxDepth: 5,
  maxBytesPerPage: 5 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
  timeLimitMs: 10 * 60 * 1000,
  maxCrawlDelayMs: 5000,
};

/** What the previous crawl learnt about a page: its validators, and its links for when it comes back unchanged. */
export interface PreviousPage {
  etag?: string | undefined;
  lastModified?: string | undefined;
  /**
   * The page's links, as {@link CrawledPage.links} reported them. A 304 has no body to read links from: without these,
   * the pages reached only through an unchanged page would not be visited.
   */
  links?: readonly string[] | undefined;
}

/** Why a page was skipped or failed: the guard's reasons, and the crawl's own. */
export type CrawlPageReason = OutboundFailureReason | 'robots' | 'not_html' | 'off_site' | 'duplicate' | 'unreadable';

/** One page of the crawl. */
export interface CrawledPage {
  /** The address as the crawl found it (no fragment); {@link CrawlOptions.previous} is keyed by it. */
  url: string;
  /** Where the page was read from after redirects, when that differs from `url`. */
  finalUrl?: string | undefined;
  /**
   * `fetched`: read and extracted; `unchanged`: the server answered 304 to the previous validators, nothing read;
   * `skipped`: not a page to import (robots.txt, not HTML, too large, redirected off the site); `failed`: an error.
   */
  status: 'fetched' | 'unchanged' | 'skipped' | 'failed';
  /** Links followed from the start page (0 for the start page and sitemap entries). */
  depth: number;
  reason?: CrawlPageReason | undefined;
  /** For skipped and failed pages: what happened, for the site owner. */
  message?: string | undefined;
  /** The HTTP status, when there was an answer. */
  httpStatus?: number | undefined;
  etag?: string | undefined;
  lastModified?: string | undefined;
  title?: string | null | undefined;
  /** The page's canonical link, when it has one. */
  canonicalUrl?: string | null | undefined;
  /** For fetched pages: the main text as a small HTML document (see `extractPage`), to import as `html`. */
  content?: string | undefined;
  /** For fetched pages: `content` parsed, headings as sections. */
  document?: ParsedDocument | undefined;
  /** For fetched pages: where the text came from (Readability's article, or the whole body). */
  source?: 'article' | 'body' | undefined;
  /** For fetched pages: its links on the same site, to keep as {@link PreviousPage.links}. */
  links?: string[] | undefined;
  /** Bytes of the body read. */
  bytes?: number | undefined;
}

/** A robots.txt or sitemap that could not be read. */
export interface CrawlProblem {
  url: string;
  reason: CrawlPageReason;
  message: string;
}

/**
 * What ended the crawl, when something did before it ran out of pages: one of the limits, the caller's signal, an
 * unreadable robots.txt, or `maxDepth` when every page within reach was visited but links went deeper.
 */
export type CrawlStop = 'maxPages' | 'maxTotalBytes' | 'timeLimit' | 'maxDepth' | 'aborted' | 'robotsUnavailable';

/** The outcome of {@link crawlSite}. */
export interface CrawlResult {
  /** The site crawled: scheme, host and port. */
  origin: string;
  pages: CrawledPage[];
  totals: { fetched: number; unchanged: number; skipped: number; failed: number; requests: number; bytes: number };
  stoppedBy: CrawlStop | null;
  problems: CrawlProblem[];
}

/** The guarded fetch, as `createOutboundFetch` makes it. */
export type CrawlFetch = (url: string, init?: OutboundRequestInit) => Promise<OutboundResponse>;

interface CrawlCommonOptions {
  limits?: Partial<CrawlLimits> | undefined;
  /** The previous crawl's validators, keyed by {@link CrawledPage.url}. */
  previous?: ReadonlyMap<string, PreviousPage> | undefined;
  fetch: CrawlFetch;
  signal?: AbortSignal | undefined;
  /** Called with each page as it is done, and awaited: an import can keep up without holding every page. */
  onPage?: ((page: CrawledPage) => void | Promise<void>) | undefined;
}

/** A crawl from a start page, or of the pages a sitemap (or sitemap index) lists. */
export type CrawlOptions = CrawlCommonOptions &
  ({ startUrl: string; sitemapUrl?: undefined } | { sitemapUrl: string; startUrl?: undefined });

// The product token robots.txt groups are matched against; the guard's User-Agent header (`ParleyBot/1.0`) carries it.
const USER_AGENT_TOKEN = 'ParleyBot';
// Sitemaps may hold 50,000 URLs in 50 MB (sitemaps.org); help centers are far smaller, and an index is read whole.
const MAX_SITEMAP_BYTES = 10 * 1024 * 1024;
const MAX_SITEMAP_FILES = 50;
const HTML_TYPE = /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i;

class CrawlStopped extends Error {
  constructor(readonly stop: CrawlStop) {
    super(stop);
  }
}

function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    function onAbort() {
      clearTimeout(timer);
      reject(signal.reason as Error);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function siteUrl(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch (error) {
    throw new OutboundRequestError('bad_url', `"${input}" is not a web address.`, { url: input, cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundRequestError('bad_scheme', `${input} is not an http:// or https:// address; Parley crawls web sites only.`, {
      url: input,
    });
  }
  url.hash = '';
  return url;
}

/**
 * Crawls one site and reports every page it visited. With `startUrl`, pages are visited breadth first, following
 * `<a href>` links on the same scheme, host and port up to `maxDepth` links away; with `sitemapUrl`, the pages the
 * sitemap lists (a sitemap index is followed to its sitemaps), on the sitemap's site. robots.txt is read once and
 * obeyed for `ParleyBot`, Crawl-delay included up to `maxCrawlDelayMs`. A page in `previous` is asked for with
 * `If-None-Match`/`If-Modified-Since` and comes back `unchanged` on 304.
 *
 * Throws an `OutboundRequestError` (`bad_url`, `bad_scheme`) for a start address that isn't a web address, and
 * whatever `onPage` throws; everything that goes wrong with the site itself is reported in the result.
 *
 * @example
 * const outboundFetch = createOutboundFetch({ allow: config.outbound.allow });
 * const result = await crawlSite({ startUrl: 'https://help.example.com/', fetch: outboundFetch, limits: { maxPages: 200 } });
 */
export async function crawlSite(options: CrawlOptions): Promise<CrawlResult> {
  const limits: CrawlLimits = { ...DEFAULT_CRAWL_LIMITS, ...options.limits };
  const entry = siteUrl(options.startUrl ?? options.sitemapUrl ?? '');
  const origin = entry.origin;
  const timeLimit = AbortSignal.timeout(limits.timeLimitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeLimit]) : timeLimit;
  const previous = options.previous ?? new Map<string, PreviousPage>();

  const result: CrawlResult = {
    origin,
    pages: [],
    totals: { fetched: 0, unchanged: 0, skipped: 0, failed: 0, requests: 0, bytes: 0 },
    stoppedBy: null,
    problems: [],
  };
  const stopOnAbort = (): never => {
    throw new CrawlStopped(options.signal?.aborted ? 'aborted' : 'timeLimit');
  };
  const fetchFor = async (url: string, init: OutboundRequestInit = {}): Promise<OutboundResponse> => {
    try {
      return await options.fetch(url, { ...init, signal });
    } catch (error) {
      // A request cut short by the crawl's own end is no failure of the page.
      if (signal.aborted) stopOnAbort();
      throw error;
    }
  };

  const report = async (page: CrawledPage) => {
    result.pages.push(page);
    result.totals[page.status]++;
    await options.onPage?.(page);
    // The caller may have aborted in onPage (enough pages, an import that failed): stop before the next request.
    if (signal.aborted) stopOnAbort();
  };

  try {
    const robots = await loadRobots({
      origin,
      fetch: fetchFor,
      userAgent: USER_AGENT_TOKEN,
      maxCrawlDelayMs: limits.maxCrawlDelayMs,
      signal,
    });
    if ('error' in robots) {
      // A refused address needs no word about robots.txt: the whole site is out of bounds.
      const message =
        robots.error.reason === 'blocked_address'
          ? robots.error.message
          : `Parley could not read ${robots.url}, so it fetches nothing from ${origin}, as the robots.txt standard asks: ${robots.error.message}`;
      result.problems.push({ url: robots.url, reason: robots.error.reason, message });
      result.stoppedBy = 'robotsUnavailable';
      return result;
    }
    const crawler = new PageCrawler({ origin, limits, robots, previous, fetch: fetchFor, report, result, signal });
    if (options.sitemapUrl !== undefined) {
      const urls = await readSitemaps(entry.href, origin, fetchFor, result.problems);
      for (const url of urls) {
        const { skipped } = crawler.discover(url, 0);
        if (skipped) await report(skipped);
      }
      await crawler.run(false);
    } else {
      const { skipped } = crawler.discover(entry.href, 0);
      if (skipped) await report(skipped);
      await crawler.run(true);
    }
  } catch (error) {
    if (error instanceof CrawlStopped) result.stoppedBy = error.stop;
    else if (signal.aborted) result.stoppedBy = options.signal?.aborted ? 'aborted' : 'timeLimit';
    else throw error;
  }
  return result;
}

/** The URLs of pages on `origin` listed by the sitemap at `sitemapUrl` and the sitemaps it indexes. */
async function readSitemaps(sitemapUrl: string, origin: string, fetch: CrawlFetch, problems: CrawlProblem[]): Promise<string[]> {
  const pages = new Set<string>();
  const queue = [sitemapUrl];
  const seen = new Set(queue);
  while (queue.length > 0) {
    const url = queue.shift() as string;
    let xml: string;
    try {
      xml = (await fetch(url, { maxBytes: MAX_SITEMAP_BYTES })).text();
    } catch (error) {
      if (!(error instanceof OutboundRequestError)) throw error;
      problems.push({ url, reason: error.reason, message: error.message });
      continue;
    }
    const sitemap = parseSitemap(xml);
    if (sitemap.type === 'unknown') {
      problems.push({ url, reason: 'unreadable', message: `${url} is not a sitemap: it has no <urlset> or <sitemapindex>.` });
      continue;
    }
    for (const location of sitemap.locations) {
      const absolute = normalizePageUrl(location, url);
      // A sitemap may list only its own site (sitemaps.org, "Sitemap file location").
      if (!absolute || !isOnSite(absolute, origin)) continue;
      if (sitemap.type === 'urlset') pages.add(absolute);
      else if (!seen.has(absolute) && seen.size < MAX_SITEMAP_FILES) {
        seen.add(absolute);
        queue.push(absolute);
      }
    }
  }
  return [...pages];
}

interface PageCrawlerContext {
  origin: string;
  limits: CrawlLimits;
  robots: SiteRobots;
  previous: ReadonlyMap<string, PreviousPage>;
  fetch: CrawlFetch;
  report: (page: CrawledPage) => Promise<void>;
  result: CrawlResult;
  signal: AbortSignal;
}

/** The breadth-first queue and the bookkeeping of one crawl. */
class PageCrawler {
  private readonly queue: Array<{ url: string; depth: number }> = [];
  /** Every URL queued, skipped or read (final URLs of redirects included): each is visited once. */
  private readonly seen = new Set<string>();
  private lastRequestAt: number | null = null;
  private linksBeyondDepth = false;

  constructor(private readonly context: PageCrawlerContext) {}

  /** Queues `url` unless it was seen; a file that is no page is reported skipped at once, without a request. */
  discover(url: string, depth: number): { skipped?: CrawledPage } {
    if (this.seen.has(url)) return {};
    this.seen.add(url);
    if (hasNonHtmlExtension(url)) {
      return {
        skipped: { url, depth, status: 'skipped', reason: 'not_html', message: `${url} is not a web page (by its file extension).` },
      };
    }
    this.queue.push({ url, depth });
    return {};
  }

  async run(followLinks: boolean): Promise<void> {
    const { limits, result } = this.context;
    for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
      if (!this.context.robots.isAllowed(next.url)) {
        await this.context.report({
          url: next.url,
          depth: next.depth,
          status: 'skipped',
          reason: 'robots',
          message: `The site's robots.txt asks ParleyBot not to fetch ${next.url}.`,
        });
        continue;
      }
      if (result.totals.requests >= limits.maxPages) throw new CrawlStopped('maxPages');
      if (result.totals.bytes >= limits.maxTotalBytes) throw new CrawlStopped('maxTotalBytes');
      const page = await this.visit(next.url, next.depth);
      await this.context.report(page);
      const links =
        page.status === 'fetched' ? page.links : page.status === 'unchanged' ? this.context.previous.get(page.url)?.links : undefined;
      if (!followLinks || !links) continue;
      for (const link of links) {
        if (!isOnSite(link, this.context.origin)) continue;
        if (next.depth >= limits.maxDepth) {
          if (!this.seen.has(link)) this.linksBeyondDepth = true;
          continue;
        }
        const { skipped } = this.discover(link, next.depth + 1);
        if (skipped) await this.context.report(skipped);
      }
    }
    if (this.linksBeyondDepth) result.stoppedBy = 'maxDepth';
  }

  private async politeDelay(): Promise<void> {
    const delay = this.context.robots.crawlDelayMs;
    if (delay > 0 && this.lastRequestAt !== null) {
      const wait = this.lastRequestAt + delay - Date.now();
      if (wait > 0) await sleep(wait, this.context.signal);
    }
    this.lastRequestAt = Date.now();
  }

  private async visit(url: string, depth: number): Promise<CrawledPage> {
    const { limits, origin, result } = this.context;
    const known = this.context.previous.get(url);
    const headers: Record<string, string> = {};
    if (known?.etag) headers['if-none-match'] = known.etag;
    if (known?.lastModified) headers['if-modified-since'] = known.lastModified;
    await this.politeDelay();
    result.totals.requests++;
    let response: OutboundResponse;
    try {
      response = await this.context.fetch(url, {
        headers,
        maxBytes: limits.maxBytesPerPage,
        // A PDF or a video behind an extensionless link isn't downloaded to find out it isn't a page.
        readBody: (head) => head.status === 304 || isHtml(head.headers.get('content-type')),
      });
    } catch (error) {
      if (!(error instanceof OutboundRequestError)) throw error;
      const status = error.reason === 'too_large' ? 'skipped' : 'failed';
      return { url, depth, status, reason: error.reason, message: error.message, httpStatus: error.status };
    }
    const finalUrl = normalizePageUrl(response.url, response.url) ?? response.url;
    const moved = finalUrl !== url ? { finalUrl } : {};
    const etag = response.headers.get('etag') ?? undefined;
    const lastModified = response.headers.get('last-modified') ?? undefined;
    result.totals.bytes += response.body.byteLength;

    if (response.status === 304) {
      return {
        url,
        ...moved,
        depth,
        status: 'unchanged',
        httpStatus: 304,
        etag: etag ?? known?.etag,
        lastModified: lastModified ?? known?.lastModified,
      };
    }
    const answered = { url, ...moved, depth, httpStatus: response.status, bytes: response.body.byteLength };
    if (!isOnSite(finalUrl, origin)) {
      return {
        ...answered,
        status: 'skipped',
        reason: 'off_site',
        message: `${url} redirects to ${finalUrl}, outside ${origin}; crawl that site on its own.`,
      };
    }
    if (finalUrl !== url) {
      if (this.seen.has(finalUrl))
        return { ...answered, status: 'skipped', reason: 'duplicate', message: `${url} redirects to ${finalUrl}, crawled already.` };
      this.seen.add(finalUrl);
    }
    if (!response.bodyRead) {
      const type = response.headers.get('content-type') ?? 'no content type';
      return { ...answered, status: 'skipped', reason: 'not_html', message: `${finalUrl} is ${type}, not a web page.` };
    }
    const html = decodeHtml(response.body, response.headers.get('content-type'));
    if (response.headers.get('content-type') === null && !looksLikeHtml(html)) {
      return {
        ...answered,
        status: 'skipped',
        reason: 'not_html',
        message: `${finalUrl} has no content type and doesn't look like a web page.`,
      };
    }
    let extracted: ReturnType<typeof extractPage>;
    try {
      extracted = extractPage(html, finalUrl);
    } catch (error) {
      return {
        ...answered,
        status: 'failed',
        reason: 'unreadable',
        message: `${finalUrl} could not be read as HTML: ${(error as Error).message}`,
      };
    }
    return {
      ...answered,
      status: 'fetched',
      etag,
      lastModified,
      title: extracted.title,
      canonicalUrl: extracted.canonicalUrl,
      content: extracted.content,
      document: extracted.document,
      source: extracted.source,
      links: extracted.links.filter((link) => isOnSite(link, origin)),
    };
  }
}

/** HTML by its Content-Type; a response without one is given the benefit of the doubt, as browsers sniff it. */
function isHtml(contentType: string | null): boolean {
  return contentType === null || HTML_TYPE.test(contentType);
}

/** A body sent without a Content-Type is taken for HTML when it starts like HTML (after a BOM, spaces, comments). */
function looksLikeHtml(text: string): boolean {
  return /^\uFEFF?\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta)\b/i.test(text);
}
