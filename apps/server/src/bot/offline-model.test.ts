import { describe, expect, it } from 'vitest';
import { bestFaqMatch, createOfflineModel, keywords, offlineAnswer, PASSAGE_THRESHOLD } from './offline-model.js';
import type { SourcePassage } from './turn-sources.js';

const faq = [
  { question: 'How long does shipping take?', answer: 'Two to five days.' },
  { question: 'Can I return an item?', answer: 'Yes, within 30 days.' },
];
const knowledge = { faq, greeting: 'Hi! How can we help?', passages: [] };

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
    score: 4,
    coverage,
    similarity: null,
  };
}

describe('offline answerer', () => {
  it('drops stop words, accents and plural s', () => {
    expect([...keywords('How long do the Tents take to arrive? Café')]).toEqual(['long', 'tent', 'take', 'arrive', 'cafe']);
  });

  it.each([
    ['shipping, how long?', 'Two to five days.'],
    ['I want to return this item', 'Yes, within 30 days.'],
  ])('answers %j from the FAQ', (text, answer) => {
    expect(offlineAnswer(text, knowledge)).toEqual({ text: answer, citations: [] });
  });

  it('answers from the best knowledge-base passage and cites it, before the FAQ', () => {
    const withPassage = { ...knowledge, passages: [passage('Returns are free within 30 days of delivery.', PASSAGE_THRESHOLD)] };
    expect(offlineAnswer('Can I return an item?', withPassage)).toEqual({
      text: 'Returns are free within 30 days of delivery.',
      citations: [3],
    });
  });

  it('passes over a passage that covers too little of the message', () => {
    const weak = { ...knowledge, passages: [passage('Returns are free.', PASSAGE_THRESHOLD - 0.01)] };
    expect(offlineAnswer('Do you sell kayaks?', weak).text).toMatch(/talk to a person/);
  });

  it('gives a long passage up to a sentence end', () => {
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const long = { ...knowledge, passages: [passage(sentence.repeat(20).trim(), 1)] };
    const answer = offlineAnswer('anything', long).text;
    expect(answer).toBe(sentence.repeat(Math.floor(700 / sentence.length)).trim());
  });

  it('greets a greeting and offers a human for anything else', () => {
    expect(offlineAnswer('Hello!', knowledge).text).toBe('Hi! How can we help?');
    expect(offlineAnswer('Do you sell kayaks?', knowledge).text).toMatch(/talk to a person/);
  });

  it('scores by the share of the question found', () => {
    expect(bestFaqMatch('shipping', faq)).toEqual({ entry: faq[0], score: 1 / 3 });
    expect(bestFaqMatch('nothing relevant', faq)).toBeNull();
  });

  it('streams an answer whose deltas concatenate to it', async () => {
    const parts: string[] = [];
    const model = createOfflineModel();
    for await (const part of model.stream(
      { model: 'offline', system: '', messages: [{ role: 'user', content: 'Can I return it?' }], tools: [], maxTokens: 100, knowledge },
      new AbortController().signal,
    )) {
      if (part.type === 'text-delta') parts.push(part.text);
      else if (part.type === 'finish') expect(part.stopReason).toBe('end_turn');
    }
    expect(parts.join('')).toBe('Yes, within 30 days.');
  });
});
