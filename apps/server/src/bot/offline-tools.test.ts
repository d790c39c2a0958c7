import { describe, expect, it } from 'vitest';
import { asksForHuman } from './handoff-rule.js';
import type { ContentBlock, ToolSpec } from './model.js';
import { offlineLanguages, offlinePhrases } from './offline-phrases.js';
import { offlineToolCall, toolResultAnswer } from './offline-tools.js';

type ToolResult = Extract<ContentBlock, { type: 'tool_result' }>;

const lookupOrder: ToolSpec = {
  name: 'lookup_order',
  description: 'Looks up an order by its number and tells its status.',
  inputSchema: {
    type: 'object',
    properties: { order_number: { type: 'string', pattern: '^[0-9]{3,10}$' } },
    required: ['order_number'],
  },
};

const refundOrder: ToolSpec = {
  name: 'refund_order',
  description: 'Refunds an amount of an order that arrived damaged or wrong.',
  inputSchema: {
    type: 'object',
    properties: { order_number: { type: 'string', pattern: '^[0-9]{3,10}$' }, amount: { type: 'number' } },
    required: ['order_number', 'amount'],
  },
};

function result(content: unknown, isError?: boolean): ToolResult {
  return {
    type: 'tool_result',
    tool_use_id: 'x',
    content: typeof content === 'string' ? content : JSON.stringify(content),
    ...(isError === undefined ? {} : { is_error: isError }),
  };
}

describe('offlineToolCall', () => {
  it('calls the action whose required input the message gives', () => {
    expect(offlineToolCall('Where is my order 1001?', [lookupOrder, refundOrder])).toEqual({
      name: 'lookup_order',
      input: { order_number: '1001' },
    });
  });

  it('calls the action that shares the most words with the message, with a number for a number input', () => {
    const text = 'Please refund 20 USD on order 1001, it arrived damaged';
    // Both actions have their inputs; the refund shares "refund", "order", "arrived" and "damaged", the lookup only "order".
    expect(offlineToolCall(text, [lookupOrder, refundOrder])).toEqual({
      name: 'refund_order',
      input: { order_number: '1001', amount: 20 },
    });
    expect(offlineToolCall(text, [refundOrder, lookupOrder])?.name).toBe('refund_order');
  });

  it('takes the first action on a tie', () => {
    const trackOrder: ToolSpec = { ...lookupOrder, name: 'track_order', description: 'Finds a parcel.' };
    const findOrder: ToolSpec = { ...lookupOrder, name: 'find_order', description: 'Finds a parcel.' };
    expect(offlineToolCall('order 1001', [trackOrder, findOrder])?.name).toBe('track_order');
    expect(offlineToolCall('order 1001', [findOrder, trackOrder])?.name).toBe('find_order');
  });

  it('calls nothing without the required input', () => {
    expect(offlineToolCall('Where is my order?', [lookupOrder, refundOrder])).toBeNull();
    // 12 is too short for an order number.
    expect(offlineToolCall('Where is my order 12?', [lookupOrder])).toBeNull();
    // The refund needs an amount besides the order number: the one number is taken by the order.
    expect(offlineToolCall('Refund my damaged order 1001', [refundOrder])).toBeNull();
    expect(offlineToolCall('Where is my order 1001?', [])).toBeNull();
  });

  it("calls nothing when the message shares no word with the action's name or description", () => {
    expect(offlineToolCall('I am 1001 years old', [lookupOrder])).toBeNull();
    // The order number itself is no shared word, even if the description says it.
    const numbered: ToolSpec = { ...lookupOrder, name: 'check', description: 'Checks 1001.' };
    expect(offlineToolCall('1001 please', [numbered])).toBeNull();
  });

  it('finds the words of a name written with underscores, in any case, plurals and accents aside', () => {
    const reservation: ToolSpec = {
      ...lookupOrder,
      name: 'cancel_réservation',
      description: 'Does it.',
      inputSchema: { properties: { code: { type: 'string', pattern: '[A-Z]{2}[0-9]{4}' } }, required: ['code'] },
    };
    expect(offlineToolCall('CANCEL my reservations AB1234 now', [reservation])).toEqual({
      name: 'cancel_réservation',
      input: { code: 'AB1234' },
    });
  });

  it('never calls an action with a required string without a pattern', () => {
    const byEmail: ToolSpec = {
      name: 'lookup_order_by_email',
      description: 'Looks up an order by email.',
      inputSchema: { properties: { email: { type: 'string' } }, required: ['email'] },
    };
    expect(offlineToolCall('Look up my order, my email is ann@example.com', [byEmail])).toBeNull();
  });

  it('never calls an action whose pattern is not a valid regular expression, and does not throw', () => {
    const broken: ToolSpec = {
      ...lookupOrder,
      inputSchema: { properties: { order_number: { type: 'string', pattern: '(' } }, required: ['order_number'] },
    };
    expect(() => offlineToolCall('Where is my order 1001?', [broken])).not.toThrow();
    expect(offlineToolCall('Where is my order 1001?', [broken])).toBeNull();
    // A valid action beside it is still called.
    expect(offlineToolCall('Where is my order 1001?', [broken, lookupOrder])?.name).toBe('lookup_order');
  });

  it('never calls an action without required inputs, or with a required input of another kind', () => {
    const noRequired: ToolSpec = { ...lookupOrder, inputSchema: { properties: lookupOrder.inputSchema.properties } };
    expect(offlineToolCall('Where is my order 1001?', [noRequired])).toBeNull();
    const flag: ToolSpec = {
      ...lookupOrder,
      inputSchema: { properties: { express: { type: 'boolean' } }, required: ['express'] },
    };
    expect(offlineToolCall('Order 1001 express', [flag])).toBeNull();
    const unknown: ToolSpec = { ...lookupOrder, inputSchema: { properties: {}, required: ['order_number'] } };
    expect(offlineToolCall('Where is my order 1001?', [unknown])).toBeNull();
  });

  it('matches a pattern to a whole word only', () => {
    // "10012345678901" is too long for the pattern: no part of it is taken.
    expect(offlineToolCall('Where is my order 10012345678901?', [lookupOrder])).toBeNull();
  });

  it('reads a decimal amount written with a comma or a point', () => {
    expect(offlineToolCall('Refund 12,50 on my damaged order 1001', [refundOrder])).toEqual({
      name: 'refund_order',
      input: { order_number: '1001', amount: 12.5 },
    });
    expect(offlineToolCall('Refund 7.25 on my damaged order 1001', [refundOrder])?.input).toEqual({
      order_number: '1001',
      amount: 7.25,
    });
  });

  it('takes only a whole number for an integer input', () => {
    const refundItems: ToolSpec = {
      ...refundOrder,
      inputSchema: {
        properties: { order_number: { type: 'string', pattern: '^[0-9]{3,10}$' }, quantity: { type: 'integer' } },
        required: ['order_number', 'quantity'],
      },
    };
    expect(offlineToolCall('Refund 2,5 or 3 of damaged order 1001', [refundItems])?.input).toEqual({
      order_number: '1001',
      quantity: 3,
    });
    expect(offlineToolCall('Refund 2,5 of damaged order 1001', [refundItems])).toBeNull();
  });

  it('gives each number input its own number, in order', () => {
    const split: ToolSpec = {
      name: 'split_refund',
      description: 'Refunds part of an order.',
      inputSchema: {
        properties: { order_number: { type: 'string', pattern: '^[0-9]{3,10}$' }, first: { type: 'number' }, second: { type: 'number' } },
        required: ['order_number', 'first', 'second'],
      },
    };
    expect(offlineToolCall('Refund order 1001: 5 now and 7 later', [split])?.input).toEqual({ order_number: '1001', first: 5, second: 7 });
  });

  it('does not read an amount out of the word a string input took', () => {
    // The order number AB1234 holds the digits 1234, but the visitor gave no amount.
    const refundByCode: ToolSpec = {
      ...refundOrder,
      inputSchema: {
        properties: { order_number: { type: 'string', pattern: '[A-Z]{2}[0-9]{4}' }, amount: { type: 'number' } },
        required: ['order_number', 'amount'],
      },
    };
    expect(offlineToolCall('Refund my damaged order AB1234', [refundByCode])).toBeNull();
  });
});

describe('toolResultAnswer', () => {
  const english = offlinePhrases('en');

  it("lists an HTTP action's data as fields, leaving out empty ones", () => {
    const answer = toolResultAnswer(
      [result('{"status":200,"data":{"orderNumber":"1001","estimatedDelivery":"2026-12-02","items":["Tent","Stakes"],"note":null}}')],
      english,
    );
    expect(answer.failed).toBe(false);
    expect(answer.text.startsWith(english.toolResult)).toBe(true);
    const lines = answer.text.split('\n');
    expect(lines).toEqual([english.toolResult, '- Order number: 1001', '- Estimated delivery: 2026-12-02', '- Items: Tent, Stakes']);
    expect(answer.text).not.toContain('Note');
  });

  it('labels snake_case and kebab-case keys, and writes nested objects as JSON', () => {
    const answer = toolResultAnswer(
      [result({ tracking_number: 'Z9', 'carrier-name': 'DHL', address: { city: 'Berlin' }, empty: '', count: 0, ok: false })],
      english,
    );
    expect(answer.text.split('\n').slice(1)).toEqual([
      '- Tracking number: Z9',
      '- Carrier name: DHL',
      '- Address: {"city":"Berlin"}',
      '- Count: 0',
      '- Ok: false',
    ]);
  });

  it('lists at most 12 fields', () => {
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`field${index}`, index]));
    const lines = toolResultAnswer([result(many)], english).text.split('\n');
    expect(lines).toHaveLength(13);
    expect(lines.at(-1)).toBe('- Field11: 11');
  });

  it('says a result that is not an object after the introduction', () => {
    expect(toolResultAnswer([result('Shipped yesterday.')], english)).toEqual({
      text: `${english.toolResult} Shipped yesterday.`,
      failed: false,
    });
    expect(toolResultAnswer([result({ status: 200, data: ['Tent', 'Stakes'] })], english).text).toBe(`${english.toolResult} Tent, Stakes`);
  });

  it("says a failed HTTP action in its words, with the service's message, then offers a person", () => {
    const answer = toolResultAnswer([result({ status: 404, data: { error: { message: 'No order 4242.' } } })], english);
    expect(answer.failed).toBe(true);
    expect(answer.text).toContain(english.toolFailed);
    expect(answer.text).toContain('No order 4242.');
    expect(answer.text).toContain(english.offerPerson);
    expect(answer.text).toBe(`${english.toolFailed} No order 4242. ${english.offerPerson}`);
  });

  it("takes the service's message from its text, `message` or `error`, and goes without one", () => {
    expect(toolResultAnswer([result({ status: 500, data: '  Service down.  ' })], english).text).toBe(
      `${english.toolFailed} Service down. ${english.offerPerson}`,
    );
    expect(toolResultAnswer([result({ status: 400, data: { message: 'Bad order number.' } })], english).text).toBe(
      `${english.toolFailed} Bad order number. ${english.offerPerson}`,
    );
    expect(toolResultAnswer([result({ status: 409, data: { error: 'Already refunded.' } })], english).text).toBe(
      `${english.toolFailed} Already refunded. ${english.offerPerson}`,
    );
    expect(toolResultAnswer([result({ status: 503, data: null })], english)).toEqual({
      text: `${english.toolFailed} ${english.offerPerson}`,
      failed: true,
    });
    const long = toolResultAnswer([result({ status: 500, data: 'x'.repeat(1000) })], english).text;
    expect(long).toBe(`${english.toolFailed} ${'x'.repeat(300)} ${english.offerPerson}`);
  });

  it("never gives the visitor Parley's words about a failed call, written for the model", () => {
    const answer = toolResultAnswer([result('Tell the visitor.', true)], english);
    expect(answer).toEqual({ text: `${english.toolFailed} ${english.offerPerson}`, failed: true });
    expect(answer.text).not.toContain('Tell the visitor.');
  });

  it('answers the last result of the round', () => {
    const answer = toolResultAnswer([result({ first: 'a' }), result({ second: 'b' })], english);
    expect(answer.text).toBe(`${english.toolResult}\n- Second: b`);
  });

  it("answers in the widget's language", () => {
    const german = offlinePhrases('de');
    const found = toolResultAnswer([result({ status: 200, data: { orderNumber: '1001' } })], german);
    expect(found).toEqual({ text: `${german.toolResult}\n- Order number: 1001`, failed: false });
    expect(found.text).toContain('Das habe ich gefunden:');
    const failed = toolResultAnswer([result('boom', true)], german);
    expect(failed).toEqual({ text: `${german.toolFailed} ${german.offerPerson}`, failed: true });
    expect(failed.text).not.toContain(english.toolFailed);
  });
});

describe('the offline answerer’s action phrases', () => {
  it.each(offlineLanguages)('in %s, says results and failures, and offers a person in words that hand off', (language) => {
    const phrases = offlinePhrases(language);
    for (const sentence of [phrases.toolResult, phrases.toolFailed, phrases.offerPerson]) expect(sentence.trim()).not.toBe('');
    expect(new Set([phrases.toolResult, phrases.toolFailed, phrases.offerPerson]).size).toBe(3);
    // The offer names what to write, as the fallback does, and the ask-for-a-person rule hands off on it.
    expect(phrases.offerPerson).toContain(phrases.askForPerson);
    expect(asksForHuman(phrases.askForPerson, language)).toBe(true);
    // Every other language has its own sentences, not English ones.
    if (language !== 'en') {
      const en = offlinePhrases('en');
      expect([en.toolResult, en.toolFailed, en.offerPerson]).not.toContain(phrases.toolResult);
      expect([en.toolResult, en.toolFailed, en.offerPerson]).not.toContain(phrases.toolFailed);
      expect([en.toolResult, en.toolFailed, en.offerPerson]).not.toContain(phrases.offerPerson);
    }
  });
});
