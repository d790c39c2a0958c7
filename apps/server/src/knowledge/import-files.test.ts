import { describe, expect, it } from 'vitest';
import { titleFromKey } from './import-document.js';
import { formatOfFile, urlUnder } from './import-files.js';

describe('import-files', () => {
  it.each([
    ['a/b/Returns.MD', 'markdown'],
    ['page.htm', 'html'],
    ['notes.txt', 'text'],
    ['faq.csv', 'faq'],
    ['faq.jsonl', 'faq'],
    ['manual.pdf', undefined],
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
