import { describe, expect, it } from 'vitest';
import { bestFaqMatch, createOfflineModel, keywords, offlineAnswer } from './offline-model.js';

const faq = [
  { question: 'How long does shipping take?', answer: 'Two to five days.' },
  { question: 'Can I return an item?', answer: 'Yes, within 30 days.' },
];
const knowledge = { faq, greeting: 'Hi! How can we help?' };

describe('offline answerer', () => {
  it('drops stop words, accents and plural s', () => {
    expect([...keywords('How long do the Tents take to arrive? Café')]).toEqual(['long', 'tent', 'take', 'arrive', 'cafe']);
  });

  it.each([
    ['shipping, how long?', 'Two to five days.'],
    ['I want to return this item', 'Yes, within 30 days.'],
  ])('answers %j from the FAQ', (text, answer) => {
    expect(offlineAnswer(text, knowledge)).toBe(answer);
  });

  it('greets a greeting and offers a human for anything else', () => {
    expect(offlineAnswer('Hello!', knowledge)).toBe('Hi! How can we help?');
    expect(offlineAnswer('Do you sell kayaks?', knowledge)).toMatch(/talk to a person/);
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
