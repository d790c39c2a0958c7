import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundFetch, type OutboundFetch } from '../../plugins/outbound.js';
import { loopbackServer } from '../../../test/helpers/loopback-server.js';
import { crawlSite, type CrawledPage, type PreviousPage } from './crawl-site.js';

interface Route {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Served with ETag `"<etag>"`; a request naming it gets 304. */
  etag?: string;
  /** Served as Last-Modified; a request with If-Modified-Since at or after it gets 304 (when there's no ETag). */
  lastModified?: string;
}

/** A loopback web server with a route table the tests change; it records every request. */
function testSite() {
  const requests: IncomingMessage[] = [];
  let routes: Record<string, Route | ((request: IncomingMessage, response: ServerResponse) => void)> = {};
  const site = loopbackServer((request, response) => {
    requests.push(request);
    const route = routes[request.url ?? ''];
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    if (typeof route === 'function') {
      route(request, response);
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8', ...route.headers };
    if (route.etag) headers.etag = `"${route.etag}"`;
    if (route.lastModified) headers['last-modified'] = route.lastModified;
    const notModified = route.etag
      ? request.headers['if-none-match'] === headers.etag
      : route.lastModified !== undefined &&
        request.headers['if-modified-since'] !== undefined &&
        Date.parse(request.headers['if-modified-since']) >= Date.parse(route.lastModified);
    if (notModified) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(route.status ?? 200, headers).end(route.body ?? '');
  });
  return {
    requests,
    paths: () => requests.map((request) => request.url),
    set routes(next: typeof routes) {
      routes = next;
    },
    get origin() {
      return site.origin;
    },
    listen: site.listen,
    close: site.close,
  };
}

const page = (title: string, body: string, links: string[] = []) => `<!doctype html><html><head><title>${title} | Help</title></head><body>
<header><a href="/">Harbor &amp; Pine help center</a></header>
<nav><a href="/">Home</a> <a href="/help/returns">Returns</a></nav>
<main><article><h1>${title}</h1>${body}
<ul>${links.map((href) => `<li><a href="${href}">Read more about ${href}</a></li>`).join('')}</ul></article></main>
<footer><p>© 2026 Harbor &amp; Pine. All rights reserved. Terms of service and cookie settings.</p></footer>
</body></html>`;

const sum = (sizes: number[]) => sizes.reduce((total, size) => total + size, 0);

const paragraph = (topic: string) =>
  `<p>Everything you need to know about ${topic}: how it works for orders placed in our shop, how long it takes, and what
  to do when something goes wrong along the way. Our support team answers every message within one working day.</p>`;

describe('crawlSite', () => {
  const site = testSite();
  const elsewhere = testSite();
  let outboundFetch: OutboundFetch;

  function siteRoutes(): Record<string, Route> {
    return {
      '/robots.txt': {
        headers: { 'content-type': 'text/plain' },
        // Everyone else is kept out; ParleyBot's own group lets it in, all but /private/.
        body: 'User-agent: *\nDisallow: /\n\nUser-agent: ParleyBot\nDisallow: /private/\n',
      },
      '/': {
        body: page('Help center', paragraph('our help center'), [
          '/help/returns',
          '/help/returns#damaged',
          '/help/shipping',
          '/private/staff-notes',
          '/files/manual.pdf',
          '/help/orders.json',
          '/help/export',
          '/help/big',
          `${elsewhere.origin}/competitor`,
          'mailto:help@example.com',
        ]),
        etag: 'home-1',
      },
      '/help/returns': { body: page('Returns', paragraph('returns'), ['/help/returns/glassware']), etag: 'returns-1' },
      '/help/shipping': {
        body: page('Shipping', paragraph('shipping'), ['/help/shipping/zones']),
        lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT',
      },
      '/help/returns/glassware': { body: page('Glassware', paragraph('glassware'), ['/help/returns/glassware/packing']), etag: 'glass-1' },
      '/help/shipping/zones': { body: page('Shipping zones', paragraph('shipping zones')), etag: 'zones-1' },
      '/help/returns/glassware/packing': { body: page('Packing glass', paragraph('packing glass')), etag: 'packing-1' },
      '/help/export': { headers: { 'content-type': 'application/json' }, body: '{"orders":[]}' },
      '/help/big': { body: page('Big', paragraph('big pages').repeat(400)) },
      '/private/staff-notes': { body: page('Staff notes', paragraph('secrets')) },
      '/sitemap.xml': {
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>${site.origin}/sitemaps/help.xml</loc></sitemap>
  <sitemap><loc>${elsewhere.origin}/sitemap.xml</loc></sitemap>
</sitemapindex>`,
      },
      '/sitemaps/help.xml': {
        headers: { 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>${site.origin}/help/shipping/zones</loc><lastmod>2026-11-01</lastmod></url>
  <url><loc>${site.origin}/help/returns/glassware?lang=en&amp;v=2</loc></url>
  <url><loc>${site.origin}/private/staff-notes</loc></url>
  <url><loc>${site.origin}/files/manual.pdf</loc></url>
  <url><loc>${elsewhere.origin}/competitor</loc></url>
</urlset>`,
      },
      '/help/returns/glassware?lang=en&v=2': { body: page('Glassware', paragraph('glassware')) },
    };
  }

  const byUrl = (pages: CrawledPage[]) => new Map(pages.map((crawled) => [crawled.url.replace(site.origin, ''), crawled]));

  beforeAll(async () => {
    await site.listen();
    await elsewhere.listen();
  });
  beforeEach(() => {
    // The tests' sites are on this machine, which the guard refuses unless told otherwise.
    outboundFetch = createOutboundFetch({ allow: ['loopback'] });
    site.routes = siteRoutes();
    elsewhere.routes = { '/competitor': { body: page('Elsewhere', paragraph('another site')) } };
  });
  afterEach(async () => {
    await outboundFetch.close();
    site.requests.length = 0;
    elsewhere.requests.length = 0;
  });
  afterAll(async () => {
    await site.close();
    await elsewhere.close();
  });

  it('follows links breadth first on its own site, within robots.txt and the depth limit', async () => {
    const seen: string[] = [];
    const result = await crawlSite({
      startUrl: `${site.origin}/`,
      fetch: outboundFetch,
      limits: { maxDepth: 2, maxBytesPerPage: 32 * 1024 },
      onPage: (crawled) => {
        seen.push(crawled.url);
      },
    });
    const pages = byUrl(result.pages);
    expect([...pages.entries()].map(([path, crawled]) => [path, crawled.status, crawled.reason ?? null, crawled.depth])).toEqual([
      ['/', 'fetched', null, 0],
      ['/files/manual.pdf', 'skipped', 'not_html', 1],
      ['/help/orders.json', 'skipped', 'not_html', 1],
      ['/help/returns', 'fetched', null, 1],
      ['/help/shipping', 'fetched', null, 1],
      ['/private/staff-notes', 'skipped', 'robots', 1],
      ['/help/export', 'skipped', 'not_html', 1],
      ['/help/big', 'skipped', 'too_large', 1],
      ['/help/returns/glassware', 'fetched', null, 2],
      ['/help/shipping/zones', 'fetched', null, 2],
    ]);
    expect(seen).toEqual(result.pages.map((crawled) => crawled.url));
    // robots.txt once; never the disallowed page, the files skipped by extension, or the other site.
    expect(site.paths()).toEqual([
      '/robots.txt',
      '/',
      '/help/returns',
      '/help/shipping',
      '/help/export',
      '/help/big',
      '/help/returns/glassware',
      '/help/shipping/zones',
    ]);
    expect(site.requests.every((request) => request.headers['user-agent'] === 'ParleyBot/1.0')).toBe(true);
    expect(elsewhere.requests).toHaveLength(0);
    // The page three links away was found but not visited.
    expect(result.stoppedBy).toBe('maxDepth');
    expect(result.totals).toMatchObject({ fetched: 5, unchanged: 0, skipped: 5, failed: 0, requests: 7 });
    expect(pages.get('/help/big')?.message).toMatch(/sent more than 32 KiB/);
    expect(pages.get('/help/export')?.message).toBe(`${site.origin}/help/export is application/json, not a web page.`);
  });

  it('keeps the main text of each page, without the navigation and footer', async () => {
    const result = await crawlSite({ startUrl: `${site.origin}/help/returns`, fetch: outboundFetch, limits: { maxDepth: 0 } });
    const returns = result.pages[0];
    expect(returns).toMatchObject({ status: 'fetched', title: 'Returns', source: 'article', etag: '"returns-1"', canonicalUrl: null });
    expect(returns?.document?.url).toBe(`${site.origin}/help/returns`);
    const text = returns?.document?.blocks.map((block) => block.text).join('\n') ?? '';
    expect(text).toContain('Everything you need to know about returns');
    expect(text).not.toMatch(/All rights reserved|help center/);
    expect(returns?.content).toContain('<title>Returns | Help</title>');
    expect(returns?.links).toEqual([`${site.origin}/`, `${site.origin}/help/returns`, `${site.origin}/help/returns/glassware`]);
  });

  it('asks again with ETag and Last-Modified, reports 304s as unchanged and still follows their links', async () => {
    const first = await crawlSite({
      startUrl: `${site.origin}/`,
      fetch: outboundFetch,
      limits: { maxDepth: 2, maxBytesPerPage: 32 * 1024 },
    });
    const previous = new Map<string, PreviousPage>(
      first.pages
        .filter((crawled) => crawled.status === 'fetched')
        .map((crawled) => [crawled.url, { etag: crawled.etag, lastModified: crawled.lastModified, links: crawled.links }]),
    );
    expect(previous.get(`${site.origin}/help/shipping`)).toMatchObject({ etag: undefined, lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT' });
    site.requests.length = 0;
    site.routes = {
      ...siteRoutes(),
      '/help/returns': { body: page('Returns', paragraph('returns, updated'), ['/help/returns/glassware']), etag: 'returns-2' },
    };

    const second = await crawlSite({
      startUrl: `${site.origin}/`,
      fetch: outboundFetch,
      previous,
      limits: { maxDepth: 2, maxBytesPerPage: 32 * 1024 },
    });
    const pages = byUrl(second.pages);
    expect(pages.get('/')).toMatchObject({ status: 'unchanged', httpStatus: 304, etag: '"home-1"' });
    expect(pages.get('/')?.content).toBeUndefined();
    expect(pages.get('/help/returns')).toMatchObject({ status: 'fetched', etag: '"returns-2"' });
    expect(pages.get('/help/shipping')).toMatchObject({ status: 'unchanged', lastModified: 'Tue, 03 Nov 2026 10:00:00 GMT' });
    // Reached only through pages that came back unchanged: their links came from the previous crawl.
    expect(pages.get('/help/shipping/zones')?.status).toBe('unchanged');
    expect(pages.get('/help/returns/glassware')?.status).toBe('unchanged');
    const request = (path: string) => site.requests.find((candidate) => candidate.url === path);
    expect(request('/')?.headers['if-none-match']).toBe('"home-1"');
    expect(request('/help/shipping')?.headers['if-modified-since']).toBe('Tue, 03 Nov 2026 10:00:00 GMT');
    expect(request('/help/big')?.headers['if-none-match']).toBeUndefined();
    expect(second.totals).toMatchObject({ fetched: 1, unchanged: 4 });
  });

  it('stops after maxPages requests and says so', async () => {
    const result = await crawlSite({ startUrl: `${site.origin}/`, fetch: outboundFetch, limits: { maxPages: 2 } });
    expect(result.stoppedBy).toBe('maxPages');
    expect(result.totals.requests).toBe(2);
    expect(result.pages.filter((crawled) => crawled.status === 'fetched').map((crawled) => crawled.url)).toEqual([
      `${site.origin}/`,
      `${site.origin}/help/returns`,
    ]);
    expect(site.paths()).toEqual(['/robots.txt', '/', '/help/returns']);
  });

  it('crawls the start page alone with maxDepth 0', async () => {
    const result = await crawlSite({ startUrl: `${site.origin}/`, fetch: outboundFetch, limits: { maxDepth: 0 } });
    expect(result.pages.map((crawled) => [crawled.url, crawled.status])).toEqual([[`${site.origin}/`, 'fetched']]);
    expect(result.stoppedBy).toBe('maxDepth');
  });

  it('stops once the pages read add up to maxTotalBytes', async () => {
    const result = await crawlSite({ startUrl: `${site.origin}/`, fetch: outboundFetch, limits: { maxTotalBytes: 3000 } });
    expect(result.stoppedBy).toBe('maxTotalBytes');
    const read = result.pages.map((crawled) => crawled.bytes ?? 0);
    // It stopped right after the page that crossed the limit.
    expect(sum(read)).toBe(result.totals.bytes);
    expect(sum(read)).toBeGreaterThanOrEqual(3000);
    expect(sum(read.slice(0, -1))).toBeLessThan(3000);
    expect(result.totals.requests).toBeLessThan(7);
  });

  it('reads the pages of a sitemap index, on the sitemap’s site only', async () => {
    const result = await crawlSite({ sitemapUrl: `${site.origin}/sitemap.xml`, fetch: outboundFetch });
    expect(result.pages.map((crawled) => [crawled.url.replace(site.origin, ''), crawled.status, crawled.reason ?? null])).toEqual([
      ['/files/manual.pdf', 'skipped', 'not_html'],
      ['/help/shipping/zones', 'fetched', null],
      ['/help/returns/glassware?lang=en&v=2', 'fetched', null],
      ['/private/staff-notes', 'skipped', 'robots'],
    ]);
    // No link of a sitemap's page is followed, and nothing of the other site is read, not even its sitemap.
    expect(site.paths()).toEqual([
      '/robots.txt',
      '/sitemap.xml',
      '/sitemaps/help.xml',
      '/help/shipping/zones',
      '/help/returns/glassware?lang=en&v=2',
    ]);
    expect(elsewhere.requests).toHaveLength(0);
    expect(result.stoppedBy).toBeNull();
  });

  it('reports a sitemap that is not one', async () => {
    const result = await crawlSite({ sitemapUrl: `${site.origin}/help/returns`, fetch: outboundFetch });
    expect(result.pages).toEqual([]);
    expect(result.problems).toEqual([
      {
        url: `${site.origin}/help/returns`,
        reason: 'unreadable',
        message: `${site.origin}/help/returns is not a sitemap: it has no <urlset> or <sitemapindex>.`,
      },
    ]);
  });

  it('reports a page that fails and goes on with the others', async () => {
    site.routes = {
      ...siteRoutes(),
      '/': { body: page('Help center', paragraph('our help center'), ['/help/gone', '/help/returns']) },
    };
    const result = await crawlSite({ startUrl: `${site.origin}/`, fetch: outboundFetch, limits: { maxDepth: 1 } });
    const pages = byUrl(result.pages);
    expect(pages.get('/help/gone')).toMatchObject({ status: 'failed', reason: 'http_error', httpStatus: 404 });
    expect(pages.get('/help/gone')?.message).toBe(`${new URL(site.origin).host} answered 404 Not Found for ${site.origin}/help/gone.`);
    expect(pages.get('/help/returns')?.status).toBe('fetched');
  });

  it('skips a page that redirects to another site', async () => {
    site.routes = {
      ...siteRoutes(),
      '/': { body: page('Help center', paragraph('our help center'), ['/moved']) },
      '/moved': { status: 301, headers: { location: `${elsewhere.origin}/competitor` } },
    };
    const result = await crawlSite({ startUrl: `${site.origin}/`, fetch: outboundFetch, limits: { maxDepth: 1 } });
    expect(byUrl(result.pages).get('/moved')).toMatchObject({
      status: 'skipped',
      reason: 'off_site',
      finalUrl: `${elsewhere.origin}/competitor`,
    });
  });

  it('treats a missing robots.txt as no rules, and an unreadable one as a closed site', async () => {
    site.routes = { ...siteRoutes(), '/robots.txt': { status: 404, body: 'none' } };
    const open = await crawlSite({ startUrl: `${site.origin}/private/staff-notes`, fetch: outboundFetch, limits: { maxDepth: 0 } });
    expect(open.pages[0]?.status).toBe('fetched');

    site.requests.length = 0;
    site.routes = { ...siteRoutes(), '/robots.txt': { status: 503, body: 'down' } };
    const closed = await crawlSite({ startUrl: `${site.origin}/`, fetch: outboundFetch });
    expect(closed.stoppedBy).toBe('robotsUnavailable');
    expect(closed.pages).toEqual([]);
    expect(closed.problems[0]?.message).toMatch(
      /^Parley could not read http:\/\/127\.0\.0\.1:\d+\/robots\.txt, so it fetches nothing from/,
    );
    expect(site.paths()).toEqual(['/robots.txt']);
  });

  it('goes through the guard it is given: without a loopback allowance nothing is fetched', async () => {
    const guarded = createOutboundFetch();
    try {
      const result = await crawlSite({ startUrl: `${site.origin}/`, fetch: guarded });
      expect(result.stoppedBy).toBe('robotsUnavailable');
      expect(result.problems[0]).toMatchObject({ reason: 'blocked_address' });
      expect(result.problems[0]?.message).toBe(
        "127.0.0.1 is a loopback address (this machine); Parley doesn't fetch loopback addresses unless PARLEY_OUTBOUND_ALLOW says so.",
      );
      expect(site.requests).toHaveLength(0);
    } finally {
      await guarded.close();
    }
  });

  it("waits the site's Crawl-delay, cut to the maximum, between requests", async () => {
    site.routes = {
      ...siteRoutes(),
      '/robots.txt': { headers: { 'content-type': 'text/plain' }, body: 'User-agent: *\nCrawl-delay: 30\n' },
    };
    const startedAt = Date.now();
    const result = await crawlSite({
      startUrl: `${site.origin}/help/returns`,
      fetch: outboundFetch,
      limits: { maxDepth: 1, maxCrawlDelayMs: 150 },
    });
    expect(result.totals.requests).toBe(3);
    // Three requests, two pauses of 150 ms: far from the 60 s that robots.txt asked for.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('stops at the time limit, and when the caller aborts', async () => {
    site.routes = {
      ...siteRoutes(),
      '/help/shipping': () => {
        // Never answers: the crawl's clock must end it.
      },
    };
    const timed = await crawlSite({
      startUrl: `${site.origin}/`,
      fetch: outboundFetch,
      limits: { timeLimitMs: 400, maxBytesPerPage: 32 * 1024 },
    });
    expect(timed.stoppedBy).toBe('timeLimit');
    expect(timed.pages.map((crawled) => crawled.url)).not.toContain(`${site.origin}/help/shipping`);

    const controller = new AbortController();
    const aborted = await crawlSite({
      startUrl: `${site.origin}/`,
      fetch: outboundFetch,
      signal: controller.signal,
      onPage: () => controller.abort(),
    });
    expect(aborted.stoppedBy).toBe('aborted');
    expect(aborted.pages).toHaveLength(1);
  });

  it('reports a start address that is a file, not a page, without fetching it', async () => {
    const result = await crawlSite({ startUrl: `${site.origin}/files/manual.pdf`, fetch: outboundFetch });
    expect(result.pages).toMatchObject([{ status: 'skipped', reason: 'not_html' }]);
    expect(site.paths()).toEqual(['/robots.txt']);
  });

  it('refuses a start address that is no web address', async () => {
    await expect(crawlSite({ startUrl: 'ftp://files.example.com/', fetch: outboundFetch })).rejects.toMatchObject({ reason: 'bad_scheme' });
    await expect(crawlSite({ startUrl: 'help center', fetch: outboundFetch })).rejects.toMatchObject({ reason: 'bad_url' });
  });
});
