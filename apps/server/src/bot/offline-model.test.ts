import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from './model.js';
import { keywords } from './keywords.js';
import { createOfflineModel, offlineAnswer, PASSAGE_THRESHOLD, previousReply } from './offline-model.js';
import { asksForHuman } from './handoff-rule.js';
import { offlineLanguages, offlinePhrases } from './offline-phrases.js';
import type { SourcePassage } from './turn-sources.js';

const knowledge = { greeting: 'Hi! How can we help?', passages: [] };

function passage(body: string, coverage: number): SourcePassage {
  return {
    index: 3,
    chunkId: 7,
    documentId: 'd',
    sourceKey: 'returns.md',
    title: 'Returns',
    headingPath: [],
    body,
    url: null,
    page: null,
    score: 4,
    coverage,
    similarity: null,
  };
}

/** The German widget's reply to a question it can't answer, after the bot's `previous` reply. */
function ask(previous: string | null): string {
  return offlineAnswer('Verkaufen Sie Kajaks?', knowledge, { locale: 'de', previousReply: previous }).text;
}

describe('offline answerer', () => {
  it('drops stop words, accents and plural s', () => {
    expect([...keywords('How long do the Tents take to arrive? Café')]).toEqual(['long', 'tent', 'take', 'arrive', 'cafe']);
  });

  it('answers from the first relevant knowledge-base passage and cites it', () => {
    const withPassage = { ...knowledge, passages: [passage('Returns are free within 30 days of delivery.', PASSAGE_THRESHOLD)] };
    expect(offlineAnswer('Can I return an item?', withPassage)).toEqual({
      text: 'Returns are free within 30 days of delivery.',
      citations: [3],
    });
  });

  it('passes over a passage that covers too little of the message, and answers nothing but the knowledge base', () => {
    const weak = { ...knowledge, passages: [passage('Returns are free.', PASSAGE_THRESHOLD - 0.01)] };
    const offer = { text: offlinePhrases('en').fallback, citations: [], quickReplies: ['Talk to a person'] };
    expect(offlineAnswer('Do you sell kayaks?', weak)).toEqual(offer);
    // A question without a passage gets the offer of a person, never an answer without a citation.
    expect(offlineAnswer('How long does shipping take?', knowledge)).toEqual(offer);
  });

  it('gives a long passage up to a sentence end', () => {
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const long = { ...knowledge, passages: [passage(sentence.repeat(20).trim(), 1)] };
    const answer = offlineAnswer('anything', long).text;
    expect(answer).toBe(sentence.repeat(Math.floor(700 / sentence.length)).trim());
  });

  it('greets a greeting and offers a human for anything else', () => {
    expect(offlineAnswer('Hello!', knowledge)).toEqual({ text: 'Hi! How can we help?', citations: [] });
    expect(offlineAnswer('Do you sell kayaks?', knowledge).text).toMatch(/talk to a person/);
  });

  it("offers a person in the widget's language, and greets in it when the widget's greeting is the English default", () => {
    expect(offlineAnswer('Verkaufen Sie Kajaks?', knowledge, { locale: 'de' }).text).toBe(offlinePhrases('de').fallback);
    expect(offlineAnswer('Vendez-vous des kayaks ?', knowledge, { locale: 'fr-CA' }).text).toBe(offlinePhrases('fr').fallback);
    expect(offlineAnswer('Do you sell kayaks?', knowledge, { locale: 'ja' }).text).toBe(offlinePhrases('en').fallback);
    expect(offlineAnswer('Guten Tag!', knowledge, { locale: 'de' }).text).toBe('Hallo! Wie können wir Ihnen helfen?');
    expect(offlineAnswer('Olá', knowledge, { locale: 'pt-BR' }).text).toBe('Olá! Como podemos ajudar?');
    // The owner's own greeting is quoted as it is, in any language; an empty one gets the catalog's.
    expect(offlineAnswer('Hallo', { ...knowledge, greeting: 'Moin! Was können wir tun?' }, { locale: 'de' }).text).toBe(
      'Moin! Was können wir tun?',
    );
    expect(offlineAnswer('hi', { ...knowledge, greeting: ' ' }).text).toBe('Hi! How can we help?');
  });

  it('does not repeat its offer of a person: a shorter one follows, never the same sentence twice in a row', () => {
    const german = offlinePhrases('de');
    expect(ask(null)).toBe(german.fallback);
    expect(ask(german.fallback)).toBe(german.fallbackAgain[0]);
    expect(ask(german.fallbackAgain[0])).toBe(german.fallbackAgain[1]);
    expect(ask(german.fallbackAgain[1])).toBe(german.fallbackAgain[0]);
    expect(ask('Orders ship within 2 business days.')).toBe(german.fallback);
  });

  it.each(offlineLanguages)('in %s, offers a person with one quick reply that asks for one, each time', (language) => {
    const phrases = offlinePhrases(language);
    let previous: string | null = null;
    for (let turn = 0; turn < 3; turn++) {
      const answer = offlineAnswer('Do you sell kayaks?', knowledge, { locale: language, previousReply: previous });
      expect(answer.quickReplies).toEqual([phrases.button]);
      // Sent by the visitor, it hands off by the ask-for-a-person rule, in the widget's language.
      expect(asksForHuman(answer.quickReplies![0]!, language)).toBe(true);
      previous = answer.text;
    }
    // An answer from the knowledge base has none.
    const withPassage = { ...knowledge, passages: [passage('Returns are free within 30 days of delivery.', 1)] };
    expect(offlineAnswer('Can I return an item?', withPassage, { locale: language })).not.toHaveProperty('quickReplies');
  });

  it("reads the bot's previous reply from the history: the last assistant paragraph", () => {
    expect(previousReply([{ role: 'user', content: 'hi' }])).toBeNull();
    const history: ChatMessage[] = [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'first' },
      { role: 'user', content: 'b' },
      { role: 'assistant', content: 'second\n\n(Robin from the team wrote) hello' },
      {
        role: 'user',
        content: [
          { type: 'text', text: '<knowledge_base/>' },
          { type: 'text', text: 'c' },
        ],
      },
    ];
    expect(previousReply(history)).toBe('(Robin from the team wrote) hello');
    expect(previousReply(history.slice(0, 3))).toBe('first');
  });

  it('streams a shorter offer after its own offer, in the request’s locale', async () => {
    const german = offlinePhrases('de');
    const request: ChatRequest = {
      model: 'offline',
      system: '',
      messages: [
        { role: 'user', content: 'Verkaufen Sie Kajaks?' },
        { role: 'assistant', content: german.fallback },
        { role: 'user', content: 'Und Kanus?' },
      ],
      tools: [],
      maxTokens: 100,
      knowledge,
      locale: 'de',
    };
    let text = '';
    let quickReplies: readonly string[] | undefined;
    for await (const part of createOfflineModel().stream(request, new AbortController().signal)) {
      if (part.type === 'text-delta') text += part.text;
      else if (part.type === 'finish') quickReplies = part.quickReplies;
    }
    expect(text).toBe(german.fallbackAgain[0]);
    // The quick reply travels in the finish part, as citations do.
    expect(quickReplies).toEqual(['Mit einem Mitarbeiter sprechen']);
  });

  it('streams an answer whose deltas concatenate to it, citing its passage', async () => {
    const parts: string[] = [];
    let cited: readonly number[] = [];
    const model = createOfflineModel();
    const withPassage = { ...knowledge, passages: [passage('Yes, within 30 days of delivery.', 1)] };
    for await (const part of model.stream(
      {
        model: 'offline',
        system: '',
        messages: [{ role: 'user', content: 'Can I return it?' }],
        tools: [],
        maxTokens: 100,
        knowledge: withPassage,
      },
      new AbortController().signal,
    )) {
      if (part.type === 'text-delta') parts.push(part.text);
      else if (part.type === 'finish') {
        expect(part.stopReason).toBe('end_turn');
        cited = part.citations ?? [];
        expect(part.quickReplies).toBeUndefined();
      }
    }
    expect(parts.join('')).toBe('Yes, within 30 days of delivery.');
    expect(parts.length).toBeGreaterThan(1);
    expect(cited).toEqual([3]);
  });
});
