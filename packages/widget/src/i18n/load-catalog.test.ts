import { describe, expect, it } from 'vitest';
import { ar } from './ar.js';
import { de } from './de.js';
import { en, type Catalog } from './en.js';
import { enExtras, withExtras } from './en-extras.js';
import { es } from './es.js';
import { fr } from './fr.js';
import { loadCatalog, pickLanguage } from './load-catalog.js';
import { pt } from './pt.js';

// English's words are in two chunks: the main chunk's and the extras chunk's.
const catalogs: Record<string, Catalog> = { en: withExtras(en), es, de, fr, pt, ar };

/** Every entry of a catalog as text: functions (a count, an address) called with sample values. */
function words(catalog: Catalog): Record<string, string> {
  return Object.fromEntries(
    Object.entries(catalog).map(([key, value]) => {
      if (key === 'queue') return [key, `${catalog.queue(2, null)} | ${catalog.queue(2, 3)}`];
      if (key === 'star') return [key, catalog.star(4)];
      if (key === 'transcriptSent') return [key, catalog.transcriptSent('ada@example.com')];
      if (key === 'unread') return [key, [1, 2, 3, 11, 105].map(catalog.unread).join(' | ')];
      if (key === 'newFrom') return [key, catalog.newFrom('Ada')];
      if (key === 'tooManyFiles') return [key, catalog.tooManyFiles(5)];
      if (key === 'fileTooLarge') return [key, catalog.fileTooLarge('video.mp4', 10)];
      return [key, value as string];
    }),
  );
}

describe('the catalogs', () => {
  it.each(Object.keys(catalogs))('%s has exactly the English keys', (language) => {
    expect(Object.keys(catalogs[language]!).toSorted()).toEqual(Object.keys({ ...en, ...enExtras }).toSorted());
  });

  it.each(Object.keys(catalogs))('%s has no empty entry, and is the language it says', (language) => {
    const catalog = catalogs[language]!;
    expect(catalog.lang).toBe(language);
    for (const [key, text] of Object.entries(words(catalog))) expect(text.trim(), key).not.toBe('');
  });

  it.each(['es', 'de', 'fr', 'pt', 'ar'])('%s words the visible sentences in its own language', (language) => {
    const translated = words(catalogs[language]!);
    const english = words(en);
    // The same in both only where the word is shared (French "Message", "Sources", "Assistant"; "E-mail") or is an
    // example address.
    const shared = Object.keys(english).filter((key) => key !== 'dir' && translated[key] === english[key]);
    for (const key of shared) {
      expect(['composer', 'log', 'sources', 'bot', 'email', 'emailPlaceholder'], `${language}.${key}`).toContain(key);
    }
  });

  it('mirrors Arabic only', () => {
    expect(
      Object.entries(catalogs)
        .filter(([, catalog]) => catalog.dir === 'rtl')
        .map(([language]) => language),
    ).toEqual(['ar']);
  });

  it('puts the wait and the place into the queue line', () => {
    expect(en.queue(2, 3)).toBe("You're number 2 in the queue. Usually within 3 min.");
    expect(en.queue(3, null)).toBe("You're number 3 in the queue.");
    // Intl's Arabic plural forms: two minutes is a dual, three to ten a plural.
    expect(ar.queue(1, 2)).toContain('دقيقتان');
    expect(ar.queue(1, 3)).toContain('3 دقائق');
  });
});

describe('pickLanguage', () => {
  it.each([
    [['de-AT', 'en'], 'de'],
    [['pt-BR'], 'pt'],
    [['FR_ca'], 'fr'],
    [['ar-SA'], 'ar'],
    [['ja', 'es-MX', 'de'], 'es'],
    [[undefined, 'ja', 'de'], 'de'],
    [['en-US', 'de'], 'en'],
    [['ja', 'zh-Hant'], undefined],
    [['constructor', '__proto__', ''], undefined],
    [[], undefined],
  ] as const)('picks from %j: %s', (tags, language) => {
    expect(pickLanguage(tags)).toBe(language);
  });
});

describe('loadCatalog', () => {
  it('gives English at once, with no chunk to wait for', () => {
    expect(loadCatalog('en')).toBe(en);
  });

  it.each([
    ['es', es],
    ['de', de],
    ['fr', fr],
    ['pt', pt],
    ['ar', ar],
  ])('loads %s from its own module', async (language, catalog) => {
    const loading = loadCatalog(language);
    expect(loading).toBeInstanceOf(Promise);
    expect(await loading).toBe(catalog);
  });
});
