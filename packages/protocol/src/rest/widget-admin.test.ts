import { describe, expect, it } from 'vitest';
import { allowedOriginsSchema, widgetAdminUpdateSchema, widgetLocaleSchema } from './widget-admin.js';

describe('allowed origins', () => {
  it('keep the origin of each URL, in the form browsers send it, once', () => {
    expect(
      allowedOriginsSchema.parse([
        'HTTPS://Shop.Example:443/',
        ' https://shop.example ',
        'http://localhost:3000',
        'https://bücher.example',
        'http://[::1]:8080',
      ]),
    ).toEqual(['https://shop.example', 'http://localhost:3000', 'https://xn--bcher-kva.example', 'http://[::1]:8080']);
  });

  it('refuse anything more or other than an origin, saying which item and why', () => {
    const refused = [
      ['javascript:alert(1)', 'not a web origin'],
      ['https://shop.example/path', 'has a path'],
      ['https://shop.example/?a=1', 'has a path, query or fragment'],
      ['https://shop.example#top', 'has a path, query or fragment'],
      ['https://user:pw@shop.example', 'user name'],
      ['https://*.shop.example', 'wildcard'],
      ['shop.example', 'not a URL'],
      ['ftp://shop.example', 'not a web origin'],
      ['', 'cannot be empty'],
    ] as const;
    for (const [value, reason] of refused) {
      const result = allowedOriginsSchema.safeParse(['https://ok.example', value]);
      expect(result.success, value).toBe(false);
      expect(result.error!.issues[0]!.path, value).toEqual([1]);
      expect(result.error!.issues[0]!.message, value).toContain(reason);
    }
    expect(allowedOriginsSchema.safeParse(Array.from({ length: 51 }, (_, i) => `https://s${i}.example`)).success).toBe(false);
  });
});

describe('widget update', () => {
  it('canonicalises a language tag and refuses what is none', () => {
    expect(widgetLocaleSchema.parse('EN-us')).toBe('en-US');
    expect(widgetLocaleSchema.parse('zh-hant-tw')).toBe('zh-Hant-TW');
    for (const bad of ['en_US', 'english!', 'e', '12', 'x-private-only'])
      expect(widgetLocaleSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('keeps titles as written, refuses blank, multi-line and unstorable ones, and unknown fields', () => {
    expect(widgetAdminUpdateSchema.parse({ settings: { title: '  Hi <b>&amp;</b> ' } }).settings?.title).toBe('  Hi <b>&amp;</b> ');
    for (const title of ['', '   ', 'a\nb', 'nul\u0000', '\ud800', 'x'.repeat(81)]) {
      expect(widgetAdminUpdateSchema.safeParse({ settings: { title } }).success, JSON.stringify(title)).toBe(false);
    }
    expect(widgetAdminUpdateSchema.safeParse({}).success).toBe(false);
    expect(widgetAdminUpdateSchema.safeParse({ settings: { faq: [] } }).success).toBe(false);
    expect(widgetAdminUpdateSchema.safeParse({ bot: { model: 'x' } }).success).toBe(false);
    expect(widgetAdminUpdateSchema.safeParse({ bot: { handoff: { afterNotHelpful: 11 } } }).success).toBe(false);
    expect(widgetAdminUpdateSchema.parse({ bot: { handoff: { afterNotHelpful: 0 } } })).toEqual({
      bot: { handoff: { afterNotHelpful: 0 } },
    });
    expect(widgetAdminUpdateSchema.safeParse({ settings: { defaultCountry: 'XX1' } }).success).toBe(false);
    expect(widgetAdminUpdateSchema.parse({ settings: { defaultCountry: null } })).toEqual({ settings: { defaultCountry: null } });
  });
});
