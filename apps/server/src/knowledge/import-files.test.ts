import { describe, expect, it } from 'vitest';
import { pageUrl, slugUnder } from './document-url.js';
import { documentUrl, titleFromKey } from './import-document.js';
import { formatOfFile, urlUnder } from './import-files.js';

describe('import-files', () => {
  it.each([
    ['a/b/Returns.MD', 'markdown'],
    ['docs/billing.mdx', 'mdx'],
    ['page.htm', 'html'],
    ['notes.txt', 'text'],
    ['faq.csv', 'faq'],
    ['faq.jsonl', 'faq'],
    ['manual.PDF', 'pdf'],
    ['manual.docx', undefined],
  ])('reads %s as %s', (path, format) => {
    expect(formatOfFile(path)).toBe(format);
  });

  it('derives a document URL from the base URL and the source key, without the extension', () => {
    expect(urlUnder('https://help.example.com', { path: '/x/returns.md', sourceKey: 'returns.md' })).toBe(
      'https://help.example.com/returns',
    );
    expect(urlUnder('https://help.example.com/docs/', { path: '/x/a b/ü.md', sourceKey: 'a b/ü.md' })).toBe(
      'https://help.example.com/docs/a%20b/%C3%BC',
    );
  });

  it('keeps the extension of a PDF, which is served as the file itself', () => {
    expect(urlUnder('https://help.example.com/', { path: '/x/manuals/dryer.pdf', sourceKey: 'manuals/dryer.pdf' })).toBe(
      'https://help.example.com/manuals/dryer.pdf',
    );
    expect(documentUrl({ sourceKey: 'dryer.pdf', baseUrl: 'https://help.example.com/', format: 'pdf' }, { url: null, slug: null })).toBe(
      'https://help.example.com/dryer.pdf',
    );
  });
});

describe('document URLs', () => {
  it.each([
    ['/billing/invoices', 'guides/pay.md', 'https://help.example.com/docs/billing/invoices'],
    ['invoices', 'guides/pay.md', 'https://help.example.com/docs/guides/invoices'],
    ['../faq', 'guides/pay.md', 'https://help.example.com/docs/faq'],
    ['/', 'index.md', 'https://help.example.com/docs/'],
    ['/a b/ü', 'x.md', 'https://help.example.com/docs/a%20b/%C3%BC'],
  ])('resolves the slug %s of %s under the base URL, as Docusaurus does', (slug, sourceKey, url) => {
    expect(slugUnder('https://help.example.com/docs', sourceKey, slug)).toBe(url);
  });

  it('prefers the given URL, then the document own address, then its slug, then its path under the base URL', () => {
    const input = { sourceKey: 'billing/pay.md', baseUrl: 'https://help.example.com/' };
    expect(documentUrl({ ...input, url: 'https://x.example/given' }, { url: 'https://x.example/own', slug: 'y' })).toBe(
      'https://x.example/given',
    );
    expect(documentUrl(input, { url: 'https://x.example/own', slug: 'y' })).toBe('https://x.example/own');
    expect(documentUrl(input, { url: null, slug: 'invoices' })).toBe('https://help.example.com/billing/invoices');
    expect(documentUrl(input, { url: null, slug: null })).toBe('https://help.example.com/billing/pay');
    expect(documentUrl({ sourceKey: 'pay.md' }, { url: null, slug: '/pay' })).toBeNull();
  });
});

describe('pageUrl', () => {
  it.each([
    ['https://help.example.com/dryer.pdf', 3, 'https://help.example.com/dryer.pdf#page=3'],
    ['https://help.example.com/dryer.pdf#page=1', 2, 'https://help.example.com/dryer.pdf#page=2'],
    ['https://help.example.com/returns', null, 'https://help.example.com/returns'],
    [null, 4, null],
  ])('addresses %s at page %s as %s', (url, page, expected) => {
    expect(pageUrl(url, page)).toBe(expected);
  });
});

describe('titleFromKey', () => {
  it.each([
    ['faq/product-care.csv', 'Product care'],
    ['shipping_rates.md', 'Shipping rates'],
    ['.md', '.md'],
  ])('makes %s into %s', (key, title) => {
    expect(titleFromKey(key)).toBe(title);
  });
});
