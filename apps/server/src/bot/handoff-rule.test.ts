import type { Message } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { naughtyStrings } from '../../test/helpers/naughty-strings.js';
import { asksForHuman, describeFailure, notHelpfulCount, repliesWithoutSource, saysNotHelpful } from './handoff-rule.js';

describe('asksForHuman', () => {
  it.each([
    ['Can I talk to a person?', 'en'],
    ['AGENT please', 'en'],
    ['I want a real person', 'fr'],
    ['Kann ich mit einem Mitarbeiter sprechen?', 'de'],
    ['Je voudrais parler à un conseiller', 'fr'],
    ['Quiero hablar con un humano', 'es-MX'],
    ['أريد التحدث إلى موظف من فضلك', 'ar'],
    ['اريد انسان حقيقي', 'ar-EG'],
  ])('hears %j (%s)', (text, locale) => {
    expect(asksForHuman(text, locale)).toBe(true);
  });

  it.each([
    ['How long does shipping take?', 'en'],
    ['The agentur sent it', 'de'],
    ['Personal data request', 'en'],
    ['متى يصل طلبي؟', 'ar'],
  ])('does not hear %j (%s)', (text, locale) => {
    expect(asksForHuman(text, locale)).toBe(false);
  });

  it("hears the words of each language it is given (the visitor's and the widget's), and English, and no other", () => {
    expect(asksForHuman('Quiero hablar con un humano', ['es', 'de'])).toBe(true);
    expect(asksForHuman('Kann ich mit einem Mitarbeiter sprechen?', ['es', 'de'])).toBe(true);
    expect(asksForHuman('Can I talk to a person?', ['es', 'de'])).toBe(true);
    expect(asksForHuman('Je voudrais parler à un conseiller', ['es', 'de'])).toBe(false);
    expect(saysNotHelpful('Eso no me ayudó', ['en', 'es-MX'])).toBe(true);
  });
});

describe('saysNotHelpful', () => {
  it.each([
    ["That didn't help.", 'en'],
    ['that didn’t help at all', 'en'],
    ['This is NOT HELPFUL', 'en'],
    ["It doesn't help me", 'en'],
    ["That's not what I asked!", 'en'],
    ['useless', 'en'],
    ['No, that is wrong.', 'en'],
    // Punctuation is dropped: a question says the same to a person reading the chat.
    ['Is this really not helpful?', 'en'],
    // English is always heard, whatever the widget's language.
    ["didn't help", 'de'],
    ['Das hat mir nicht geholfen', 'de'],
    ['Das ist falsch', 'de-AT'],
    ["Ça ne m'a pas aidé", 'fr'],
    ['ce n’est pas ce que j’ai demandé', 'fr-CA'],
    ['Eso no me ayudó', 'es'],
    ['No es útil', 'es-MX'],
    ['Non mi ha aiutato', 'it'],
    ['Não ajudou nada', 'pt-BR'],
    ['Dat heeft niet geholpen', 'nl'],
    ['هذا لم يساعدني', 'ar'],
    ['الجواب غير مفيد', 'ar-SA'],
  ])('hears %j (%s)', (text, locale) => {
    expect(saysNotHelpful(text, locale)).toBe(true);
  });

  it.each([
    ['This helped, thanks!', 'en'],
    ['That was helpful', 'en'],
    ['Can you help me with my order?', 'en'],
    ['Helpfulness is great', 'en'],
    ['Das hat geholfen, danke', 'de'],
    // Another language's phrase is not heard: only English and the widget's own.
    ['Non mi ha aiutato', 'de'],
    ['', 'en'],
  ])('does not hear %j (%s)', (text, locale) => {
    expect(saysNotHelpful(text, locale)).toBe(false);
  });

  it('takes any string without throwing', () => {
    for (const text of naughtyStrings()) {
      expect(typeof saysNotHelpful(text, 'en')).toBe('boolean');
      expect(typeof saysNotHelpful('useless', text)).toBe('boolean');
    }
  });
});

let seq = 0;
function message(kind: Message['author']['kind'], body: string, extra: Partial<Message> = {}): Message {
  seq++;
  return {
    id: `m${seq}`,
    conversationId: 'c1',
    seq,
    clientId: null,
    author: { kind, id: null, name: null },
    body,
    createdAt: new Date(0).toISOString(),
    ...extra,
  };
}
const cited: Partial<Message> = {
  citations: [{ index: 1, documentId: 'd1', chunkId: 1, title: 'Returns', section: 'Return policy', url: null }],
};
const backToBot: Partial<Message> = { event: { type: 'handed_back_to_bot' } };
const reopened: Partial<Message> = { event: { type: 'reopened' } };

describe('repliesWithoutSource', () => {
  it('counts the bot replies in a row without citations, skipping the visitor and system lines', () => {
    const history = [
      message('visitor', 'Hi'),
      message('bot', 'Hello!'),
      message('visitor', 'Shipping?'),
      message('system', 'Something happened.'),
      message('bot', 'Two days.'),
      message('visitor', 'Returns?'),
    ];
    expect(repliesWithoutSource(history)).toBe(2);
  });

  it('stops at a reply with a source', () => {
    const history = [message('bot', 'a'), message('bot', 'b', cited), message('visitor', 'q'), message('bot', 'c')];
    expect(repliesWithoutSource(history)).toBe(1);
    expect(repliesWithoutSource([...history, message('bot', 'd', cited)])).toBe(0);
  });

  it('stops at an agent message and where the bot took the conversation over again', () => {
    expect(repliesWithoutSource([message('bot', 'a'), message('agent', 'Robin here'), message('bot', 'b')])).toBe(1);
    expect(repliesWithoutSource([message('bot', 'a'), message('system', 'The assistant is back.', backToBot), message('bot', 'b')])).toBe(
      1,
    );
    expect(repliesWithoutSource([message('bot', 'a'), message('system', 'Reopened.', reopened), message('visitor', 'q')])).toBe(0);
  });

  it('is 0 for a conversation without bot replies', () => {
    expect(repliesWithoutSource([])).toBe(0);
    expect(repliesWithoutSource([message('visitor', 'Hi')])).toBe(0);
  });
});

describe('notHelpfulCount', () => {
  it("counts the visitor's messages saying so, not the bot's", () => {
    const history = [
      message('visitor', "That didn't help"),
      message('bot', "Sorry that didn't help."),
      message('visitor', 'Still useless'),
    ];
    expect(notHelpfulCount(history, history[1]!.seq, 'en')).toBe(2);
  });

  it('counts since the bot last took over, with the message that reopened the conversation', () => {
    const before = [message('visitor', 'useless'), message('agent', 'Let me check.')];
    const handedBack = [...before, message('system', 'The assistant is back.', backToBot), message('visitor', 'not helpful')];
    expect(notHelpfulCount(handedBack, handedBack[2]!.seq - 1, 'en')).toBe(1);
    // A reopening visitor message is stored before the "reopened" line; the bot's answered seq is before both.
    const answered = seq;
    const reopening = [...before, message('visitor', "that didn't help"), message('system', 'Reopened.', reopened)];
    expect(notHelpfulCount(reopening, answered, 'en')).toBe(1);
  });
});

describe('describeFailure', () => {
  it("names the error's class and HTTP status, never its message", () => {
    class OverloadedError extends Error {
      override readonly name = 'OverloadedError';
      readonly status = 529;
    }
    const described = describeFailure(new OverloadedError('sk-ant-secret in a message'));
    expect(described).toBe('OverloadedError, HTTP 529');
    expect(describeFailure(new DOMException('The operation timed out.', 'TimeoutError'))).toBe('TimeoutError');
    expect(describeFailure(new Error('x-api-key: sk-ant-secret'))).toBe('Error');
    expect(describeFailure({ name: 'Weird' })).toBe('unknown error');
    const odd = new Error('boom');
    odd.name = 'sk-ant secret <b>';
    expect(describeFailure(odd)).toBe('Error');
  });
});
