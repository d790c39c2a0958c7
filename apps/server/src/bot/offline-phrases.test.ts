import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quickRepliesSchema } from '@parley/protocol';
import { asksForHuman } from './handoff-rule.js';
import { fallbackReply, offlineLanguages, offlinePhrases } from './offline-phrases.js';

// The widget's "Talk to a person" label in the language's catalog (`packages/widget/src/i18n/<language>.ts`);
// undefined where the widget has no catalog for the language.
function widgetButton(language: string): string | undefined {
  const catalog = new URL(`../../../../packages/widget/src/i18n/${language}.ts`, import.meta.url);
  if (!existsSync(catalog)) return undefined;
  return /^ {2}human: '([^']+)',$/m.exec(readFileSync(catalog, 'utf8'))?.[1];
}

describe('the offline answerer’s phrases', () => {
  it('speak the languages of the system lines', () => {
    expect(offlineLanguages).toEqual(['en', 'de', 'fr', 'es', 'it', 'pt', 'nl', 'ar']);
  });

  it.each(offlineLanguages)('has every phrase in %s, each different from the others', (language) => {
    const phrases = offlinePhrases(language);
    const sentences = [phrases.fallback, ...phrases.fallbackAgain, phrases.greeting];
    for (const sentence of sentences) expect(sentence.trim()).not.toBe('');
    expect(new Set(sentences).size).toBe(sentences.length);
    // Every other language has its own sentences, not English ones.
    if (language !== 'en') for (const sentence of sentences) expect(Object.values(offlinePhrases('en'))).not.toContain(sentence);
  });

  it.each(offlineLanguages)('in %s, offers a person with words the ask-for-a-person rule understands, never a place', (language) => {
    const phrases = offlinePhrases(language);
    expect(asksForHuman(phrases.askForPerson, language)).toBe(true);
    for (const sentence of [phrases.fallback, ...phrases.fallbackAgain]) {
      expect(sentence).toContain(phrases.askForPerson);
      expect(sentence).not.toMatch(/\b(below|above|unten|oben|ci-dessous|abajo|sotto|abaixo|hieronder)\b|أدناه|أعلاه/i);
    }
    // The first offer names its quick reply by its label; the later ones are shorter.
    expect(phrases.fallback.toLowerCase()).toContain(phrases.button.toLowerCase());
    for (const again of phrases.fallbackAgain) expect(again.length).toBeLessThan(phrases.fallback.length);
  });

  it.each(offlineLanguages)('in %s, labels its quick reply with words that hand off when the visitor sends them', (language) => {
    const { button } = offlinePhrases(language);
    // Clicking the quick reply sends its label: the ask-for-a-person rule must hand off on it, in this language.
    expect(asksForHuman(button, language)).toBe(true);
    expect(quickRepliesSchema.parse([button])).toEqual([button]);
    // The widget's own label where it speaks the language; the language's own words where it doesn't, never English.
    const widgetLabel = widgetButton(language);
    if (widgetLabel !== undefined) expect(button).toBe(widgetLabel);
    if (language !== 'en') expect(button).not.toBe(offlinePhrases('en').button);
  });

  it.each(offlineLanguages)('in %s, has the bot’s fixed replies: handing off, the apologies, an interrupted turn', (language) => {
    const phrases = offlinePhrases(language);
    const replies = [phrases.handingOff, phrases.failed, phrases.failedHandingOff, phrases.interrupted];
    for (const reply of replies) expect(reply.trim()).not.toBe('');
    expect(new Set(replies).size).toBe(replies.length);
    // The apology that doesn't hand off says what to write to get a person, as the fallback does.
    expect(phrases.failed).toContain(phrases.askForPerson);
    if (language !== 'en') for (const reply of replies) expect(Object.values(offlinePhrases('en'))).not.toContain(reply);
  });

  it.each([
    ['de-AT', 'de'],
    ['pt-BR', 'pt'],
    ['fr_CA', 'fr'],
    ['NL', 'nl'],
    ['ar-EG', 'ar'],
    ['ja', 'en'],
    ['', 'en'],
    ['constructor', 'en'],
    [undefined, 'en'],
  ])('picks the language of %j: %s', (locale, language) => {
    expect(offlinePhrases(locale)).toBe(offlinePhrases(language));
  });

  it('keeps the English fallback that the end-to-end tests look for', () => {
    const english = offlinePhrases('en');
    for (const sentence of [english.fallback, ...english.fallbackAgain]) expect(sentence).toContain('talk to a person');
  });
});

describe('fallbackReply', () => {
  const phrases = offlinePhrases('en');
  const [again, againOther] = phrases.fallbackAgain;

  it('offers a person in full first, or after any other reply', () => {
    expect(fallbackReply(phrases, null)).toBe(phrases.fallback);
    expect(fallbackReply(phrases, 'Orders ship within 2 business days.')).toBe(phrases.fallback);
  });

  it('answers a fallback with a shorter one, and takes turns with the shorter ones', () => {
    expect(fallbackReply(phrases, phrases.fallback)).toBe(again);
    expect(fallbackReply(phrases, `${phrases.fallback}\n`)).toBe(again);
    expect(fallbackReply(phrases, again)).toBe(againOther);
    expect(fallbackReply(phrases, againOther)).toBe(again);
  });

  it('never says the same sentence twice in a row, over many turns', () => {
    let previous: string | null = null;
    for (let turn = 0; turn < 6; turn++) {
      const reply = fallbackReply(phrases, previous);
      expect(reply).not.toBe(previous);
      previous = reply;
    }
  });
});
