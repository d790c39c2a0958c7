import { describe, expect, it } from 'vitest';
import { readFrontMatter } from './front-matter.js';

describe('readFrontMatter: tags', () => {
  it('reads a YAML list of tags, each once, and still indexes them as keywords', () => {
    const { frontMatter, warning } = readFrontMatter('yaml', 'tags: [billing, Invoices, billing]\nkeywords: [receipts, billing]');
    expect(warning).toBeUndefined();
    expect(frontMatter.tags).toEqual(['billing', 'Invoices']);
    expect(frontMatter.keywords).toEqual(['billing', 'Invoices', 'receipts']);
  });

  it('reads Docusaurus tags, strings or objects with a label', () => {
    const { frontMatter } = readFrontMatter(
      'yaml',
      'tags:\n  - label: VAT\n    permalink: /tags/vat\n  - refunds\n  - { label: "  Sales   tax " }',
    );
    expect(frontMatter.tags).toEqual(['VAT', 'refunds', 'Sales tax']);
  });

  it('splits a Jekyll space-separated string of tags', () => {
    expect(readFrontMatter('yaml', 'tags: shipping  returns').frontMatter.tags).toEqual(['shipping', 'returns']);
  });

  it('reads Hugo TOML tags', () => {
    expect(readFrontMatter('toml', 'tags = ["onboarding", "accounts"]').frontMatter.tags).toEqual(['onboarding', 'accounts']);
  });

  it('gives no tags when the front matter has none: keywords alone are not tags', () => {
    const { frontMatter } = readFrontMatter('yaml', 'title: Refunds\nkeywords: [money]');
    expect(frontMatter.tags).toEqual([]);
    expect(frontMatter.keywords).toEqual(['money']);
    expect(readFrontMatter('yaml', '').frontMatter).toEqual({ keywords: [], tags: [] });
  });

  it('gives no tags, and a warning, for front matter that cannot be read', () => {
    const { frontMatter, warning } = readFrontMatter('yaml', 'tags: [billing');
    expect(frontMatter).toEqual({ keywords: [], tags: [] });
    expect(warning).toMatch(/not valid YAML/);
    expect(readFrontMatter('yaml', '- billing').frontMatter.tags).toEqual([]);
  });
});
