import { describe, expect, it } from 'vitest';
import { visitorLocale } from './visitor-locale.js';

describe('visitorLocale', () => {
  it.each([
    // The visitor's language, when the server has sentences in it, whatever the widget's.
    ['es', 'en', 'es'],
    ['de', 'fr', 'de'],
    // As given: a regional tag keeps its region for dates.
    ['pt-BR', 'en', 'pt-BR'],
    ['es-MX', 'de', 'es-MX'],
    // Languages the widget has no catalog for, but the server has sentences in.
    ['it', 'en', 'it'],
    ['nl-BE', 'de', 'nl-BE'],
    // One the server has no sentences in: the widget's locale.
    ['ja', 'de', 'de'],
    ['zh-Hant-TW', 'fr-CA', 'fr-CA'],
    // Not known: the widget's locale.
    [null, 'de', 'de'],
    [undefined, 'ar', 'ar'],
    ['', 'es', 'es'],
    // Neither: English.
    ['ja', 'ko', 'en'],
    [null, undefined, 'en'],
    [null, null, 'en'],
    // A tag that names a property of Object.prototype is no language.
    ['constructor', 'toString', 'en'],
  ])('writes to a visitor reading %j on a widget in %j in %j', (visitorLanguage, widgetLocale, expected) => {
    expect(visitorLocale(visitorLanguage, widgetLocale)).toBe(expected);
  });
});
