import { describe, expect, it } from 'vitest';
import { MAX_PAGE_URL_LENGTH, normalizePageUrl } from './site-url.js';

describe('normalizePageUrl', () => {
  it('resolves a link against its page, drops the fragment, and refuses what is no web page or too long to store', () => {
    expect(normalizePageUrl('../billing#invoices', 'https://help.example.com/guides/start')).toBe('https://help.example.com/billing');
    expect(normalizePageUrl('mailto:help@example.com', 'https://help.example.com/')).toBeNull();
    expect(normalizePageUrl('http://[::1', 'https://help.example.com/')).toBeNull();
    const base = 'https://help.example.com/search?q=';
    const longest = base + 'a'.repeat(MAX_PAGE_URL_LENGTH - base.length);
    expect(normalizePageUrl(longest, base)).toBe(longest);
    expect(normalizePageUrl(`${longest}a`, base)).toBeNull();
  });
});
