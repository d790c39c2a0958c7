/**
 * A site's robots.txt, read once per crawl with robots-parser (RFC 9309 matching: longest rule wins, `*` and `$`
 * wildcards, groups per user agent).
 * @module
 */
import robotsParserModule from 'robots-parser';
import { OutboundRequestError, type OutboundRequestInit, type OutboundResponse } from '../../plugins/outbound.js';

/** The rules of one site for one user agent. */
export interface SiteRobots {
  /** Whether the user agent may fetch `url` (a URL of the same site). */
  isAllowed(url: string): boolean;
  /** The site's `Crawl-delay` for the user agent in milliseconds, bounded by the caller's maximum; 0 when none. */
  crawlDelayMs: number;
}

/** Why robots.txt could not be read; the crawl then fetches nothing, as RFC 9309 §2.3.1.4 asks. */
export interface RobotsUnavailable {
  url: string;
  error: OutboundRequestError;
}

/** Options of {@link loadRobots}. */
export interface LoadRobotsOptions {
  /** The site: `https://help.example.com`. */
  origin: string;
  fetch: (url: string, init?: OutboundRequestInit) => Promise<OutboundResponse>;
  /** The product token robots.txt groups are matched against: `ParleyBot`. */
  userAgent: string;
  maxCrawlDelayMs: number;
  signal?: AbortSignal | undefined;
}

// robots-parser is CommonJS (`module.exports = function`), but its types say `export default`, which NodeNext reads
// as a `default` property of the module; at run time the default import is the function itself.
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

// RFC 9309 §2.5: crawlers must read at least 500 KiB of a robots.txt.
const MAX_ROBOTS_BYTES = 512 * 1024;

const allowEverything = (): SiteRobots => ({ isAllowed: () => true, crawlDelayMs: 0 });

/**
 * Fetches `origin/robots.txt` through the guarded fetch and answers for `userAgent`. A 4xx answer (no robots.txt)
 * allows everything; a 5xx answer or no answer at all is "unreachable", under which RFC 9309 has crawlers fetch
 * nothing: that comes back as {@link RobotsUnavailable} for the caller to report. The caller's abort is rethrown.
 */
export async function loadRobots(options: LoadRobotsOptions): Promise<SiteRobots | RobotsUnavailable> {
  const url = new URL('/robots.txt', options.origin).href;
  let response: OutboundResponse;
  try {
    response = await options.fetch(url, { allowHttpErrors: true, maxBytes: MAX_ROBOTS_BYTES, signal: options.signal });
  } catch (error) {
    if (!(error instanceof OutboundRequestError) || options.signal?.aborted) throw error;
    return { url, error };
  }
  if (response.status >= 500) {
    return {
      url,
      error: new OutboundRequestError('http_error', `${new URL(url).host} answered ${response.status} for ${url}.`, {
        url,
        status: response.status,
      }),
    };
  }
  // 4xx: the site has no robots.txt (or keeps it private), which allows everything. A 3xx left over after the guard's
  // redirects (300, a 304 never asked for) says nothing either.
  if (response.status >= 300) return allowEverything();
  // Parsed under its own address even after a redirect (to www., to https): the rules are this site's (RFC 9309 §2.3.1.2).
  const robots = robotsParser(url, response.text());
  const delaySeconds = robots.getCrawlDelay(options.userAgent);
  return {
    // robots-parser answers undefined for a URL of another site; the crawl asks about its own site only.
    isAllowed: (pageUrl) => robots.isAllowed(pageUrl, options.userAgent) !== false,
    crawlDelayMs: delaySeconds !== undefined && delaySeconds > 0 ? Math.min(delaySeconds * 1000, options.maxCrawlDelayMs) : 0,
  };
}
