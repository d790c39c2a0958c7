import type { IncomingMessage } from 'node:http';
import { loopbackServer } from './loopback-server.js';

/** A page of a {@link testSite}. */
export interface SitePage {
  status?: number;
  /** Default `text/html; charset=utf-8`. */
  contentType?: string;
  body?: string;
  /** Served as ETag `"<etag>"`; a request whose If-None-Match names it gets 304. */
  etag?: string;
  /** Awaited before the page is answered: the test decides when a crawl gets past it. */
  hold?: () => Promise<void>;
}

/** What the site answered one request. */
export interface SiteRequest {
  path: string;
  status: number;
  ifNoneMatch: string | undefined;
}

/**
 * A help center on loopback (node:http) with a page table the test changes between syncs; every request is recorded
 * with the status it got, so a test counts the 304s. A path not in the table is a 404.
 */
export function testSite() {
  const requests: SiteRequest[] = [];
  let pages: Record<string, SitePage> = {};
  const site = loopbackServer(async (request: IncomingMessage, response) => {
    const path = request.url ?? '/';
    const page = pages[path];
    await page?.hold?.();
    const ifNoneMatch = request.headers['if-none-match'];
    const answer = (status: number, headers: Record<string, string>, body = '') => {
      requests.push({ path, status, ifNoneMatch });
      response.writeHead(status, headers).end(body);
    };
    if (!page) {
      answer(404, { 'content-type': 'text/html' }, '<h1>Not found</h1>');
      return;
    }
    const headers: Record<string, string> = { 'content-type': page.contentType ?? 'text/html; charset=utf-8' };
    if (page.etag) headers.etag = `"${page.etag}"`;
    if (page.etag && ifNoneMatch === headers.etag) answer(304, headers);
    else answer(page.status ?? 200, headers, page.body ?? '');
  });
  return {
    requests,
    /** Replaces the page table. */
    set pages(next: Record<string, SitePage>) {
      pages = next;
    },
    get origin() {
      return site.origin;
    },
    /** The requests answered with `status`. */
    answered: (status: number) => requests.filter((request) => request.status === status),
    listen: site.listen,
    close: site.close,
  };
}

/** A help-center page: header, navigation and footer around an article with a title, paragraphs and links. */
export function helpPage(title: string, paragraphs: string[], links: string[] = []): string {
  return `<!doctype html><html><head><title>${title} | Help</title></head><body>
<header><a href="/">Harbor &amp; Pine help center</a></header>
<main><article><h1>${title}</h1>${paragraphs.map((text) => `<p>${text}</p>`).join('\n')}
<ul>${links.map((href) => `<li><a href="${href}">More about ${href}</a></li>`).join('')}</ul></article></main>
<footer><p>© 2026 Harbor &amp; Pine. All rights reserved.</p></footer>
</body></html>`;
}
