import { describe, expect, it } from 'vitest';
import { parseSitemap } from './sitemap.js';

describe('parseSitemap', () => {
  it('lists the pages of a urlset, entities and CDATA decoded, blanks left out', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc> https://help.example.com/search?q=returns&amp;lang=en </loc><lastmod>2026-11-01</lastmod></url>
  <url><loc><![CDATA[https://help.example.com/shipping]]></loc></url>
  <url><loc>   </loc></url>
</urlset>`;
    expect(parseSitemap(xml)).toEqual({
      type: 'urlset',
      locations: ['https://help.example.com/search?q=returns&lang=en', 'https://help.example.com/shipping'],
    });
  });

  it('lists the sitemaps of an index, with or without a namespace prefix', () => {
    const xml = `<sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sm:sitemap><sm:loc>https://help.example.com/sitemap-articles.xml</sm:loc></sm:sitemap>
</sm:sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({ type: 'sitemapindex', locations: ['https://help.example.com/sitemap-articles.xml'] });
  });

  it('says when a file is no sitemap', () => {
    expect(parseSitemap('<html><body><a href="/">Home</a></body></html>')).toEqual({ type: 'unknown', locations: [] });
    expect(parseSitemap('')).toEqual({ type: 'unknown', locations: [] });
  });
});
