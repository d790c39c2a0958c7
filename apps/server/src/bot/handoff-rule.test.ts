import { describe, expect, it } from 'vitest';
import { asksForHuman } from './handoff-rule.js';

describe('asksForHuman', () => {
  it.each([
    ['Can I talk to a person?', 'en'],
    ['AGENT please', 'en'],
    ['I want a real person', 'fr'],
    ['Kann ich mit einem Mitarbeiter sprechen?', 'de'],
    ['Je voudrais parler à un conseiller', 'fr'],
    ['Quiero hablar con un humano', 'es-MX'],
  ])('hears %j (%s)', (text, locale) => {
    expect(asksForHuman(text, locale)).toBe(true);
  });

  it.each([
    ['How long does shipping take?', 'en'],
    ['The agentur sent it', 'de'],
    ['Personal data request', 'en'],
  ])('does not hear %j (%s)', (text, locale) => {
    expect(asksForHuman(text, locale)).toBe(false);
  });
});
