import { describe, expect, it } from 'vitest';
import { visitorHandshakeSchema } from './handshake.js';

const widgetKey = 'pk_test';

describe('visitorHandshakeSchema', () => {
  it('keeps where the visitor is, with the language tag in its canonical form', () => {
    expect(
      visitorHandshakeSchema.parse({
        widgetKey,
        page: 'https://shop.example/checkout?step=2#pay',
        referrer: 'http://www.google.com/',
        timeZone: 'America/New_York',
        language: 'pt-br',
      }),
    ).toEqual({
      widgetKey,
      page: 'https://shop.example/checkout?step=2#pay',
      referrer: 'http://www.google.com/',
      timeZone: 'America/New_York',
      language: 'pt-BR',
    });
  });

  it.each([
    ['javascript:alert(1)'],
    ['data:text/html,hi'],
    ['ftp://files.example/'],
    ['//shop.example/'],
    ['https://'],
    ['https:///path'],
    ['https://shop.example/a b'],
    ['https://shop.example/\u0007'],
    [`https://shop.example/${'a'.repeat(2000)}`],
    [''],
    [42],
    [{ href: 'https://shop.example/' }],
    [null],
  ])('drops the page and referrer %j without refusing the handshake', (value) => {
    const parsed = visitorHandshakeSchema.safeParse({ widgetKey, page: value, referrer: value });
    expect(parsed.success).toBe(true);
    expect(parsed.data?.page).toBeUndefined();
    expect(parsed.data?.referrer).toBeUndefined();
  });

  it('drops an unknown time zone and a language that is no tag', () => {
    for (const [timeZone, language] of [
      ['Mars/Olympus', 'not a tag!'],
      ['', ''],
      [7, ['en']],
      ['x'.repeat(100), 'x'.repeat(100)],
    ] as const) {
      const parsed = visitorHandshakeSchema.parse({ widgetKey, timeZone, language });
      expect(parsed).toEqual({ widgetKey });
    }
  });

  it('still refuses a missing widget key', () => {
    expect(visitorHandshakeSchema.safeParse({ page: 'https://shop.example/' }).success).toBe(false);
  });
});
