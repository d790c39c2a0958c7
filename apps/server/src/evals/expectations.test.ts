import { describe, expect, it } from 'vitest';
import type { EvalTranscript } from '@parley/protocol';
import { failedExpectations } from './expectations.js';

const returns = { title: 'Returns policy', sourceKey: 'help/returns.md', url: 'https://shop.example/Help/Returns' };
const shipping = { title: 'Shipping', sourceKey: 'help/shipping.md', url: null };

function transcript(overrides: Partial<EvalTranscript> = {}): EvalTranscript {
  return {
    messages: [
      { author: 'visitor', text: 'Can I return my tent? Is there a restocking fee?' },
      { author: 'bot', text: 'Returns are FREE within 30 days.', citations: [returns], profile: null },
      { author: 'visitor', text: 'And my order 1001?' },
      { author: 'bot', text: 'Order 1001 arrives on Tuesday.', citations: [shipping] },
    ],
    toolCalls: [
      {
        tool: 'lookup_order',
        input: { order_number: '1001', verbose: true },
        output: { status: 200, data: {} },
        error: null,
        policy: 'auto',
      },
    ],
    handedOff: false,
    tokens: { input: 100, output: 20 },
    ...overrides,
  };
}

describe('failedExpectations', () => {
  it('fails a scenario that expects nothing', () => {
    expect(failedExpectations({}, transcript())).toEqual(['The scenario expects nothing: add to `expect`.']);
    // An explicitly undefined field is nothing too.
    expect(failedExpectations({ cites: undefined }, transcript())[0]).toContain('expects nothing');
  });

  it('passes a transcript that meets every expectation', () => {
    const failures = failedExpectations(
      {
        cites: ['Returns policy', 'help/shipping.md'],
        handoff: false,
        calls: [{ tool: 'lookup_order', input: { order_number: '1001' } }],
        neverCalls: ['refund_order'],
        contains: ['free within 30 days'],
        notContains: ['restocking fee'],
      },
      transcript(),
    );
    expect(failures).toEqual([]);
  });

  it('leaves the rubric to the judge', () => {
    expect(failedExpectations({ rubric: ['Is polite'] }, transcript())).toEqual([]);
  });

  describe('cites', () => {
    it('finds a document by its title, source key or URL, in any case', () => {
      for (const document of [
        'Returns policy',
        'RETURNS POLICY',
        'help/returns.md',
        'HELP/Returns.MD',
        'https://shop.example/help/returns',
      ]) {
        expect(failedExpectations({ cites: [document] }, transcript())).toEqual([]);
      }
    });

    it('names the documents that were cited when the expected one was not', () => {
      expect(failedExpectations({ cites: ['Warranty'] }, transcript())).toEqual([
        'Expected a citation of "Warranty"; cited "Returns policy", "Shipping".',
      ]);
    });

    it('says nothing was cited', () => {
      const uncited = transcript({ messages: [{ author: 'bot', text: 'Hello.' }] });
      expect(failedExpectations({ cites: ['Warranty'] }, uncited)).toEqual(['Expected a citation of "Warranty"; cited nothing.']);
    });

    it('lists a title once however often it was cited, and fails each missing document', () => {
      const twice = transcript({
        messages: [
          { author: 'bot', text: 'a', citations: [returns] },
          { author: 'bot', text: 'b', citations: [returns] },
        ],
      });
      const failures = failedExpectations({ cites: ['Warranty', 'help/returns.md', 'Privacy'] }, twice);
      expect(failures).toEqual([
        'Expected a citation of "Warranty"; cited "Returns policy".',
        'Expected a citation of "Privacy"; cited "Returns policy".',
      ]);
    });

    it('does not match a null URL', () => {
      const failures = failedExpectations(
        { cites: ['null'] },
        transcript({ messages: [{ author: 'bot', text: 'x', citations: [shipping] }] }),
      );
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain('Expected a citation of "null"');
    });
  });

  describe('handoff', () => {
    it('passes when the conversation went where expected', () => {
      expect(failedExpectations({ handoff: true }, transcript({ handedOff: true }))).toEqual([]);
      expect(failedExpectations({ handoff: false }, transcript({ handedOff: false }))).toEqual([]);
    });

    it('fails an expected handoff the bot kept', () => {
      const failures = failedExpectations({ handoff: true }, transcript({ handedOff: false }));
      expect(failures).toEqual(['Expected a handoff to a person; the bot kept the conversation.']);
    });

    it('fails a handoff that was not expected', () => {
      const failures = failedExpectations({ handoff: false }, transcript({ handedOff: true }));
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatch(/Expected no handoff.*went to a person/);
    });
  });

  describe('calls', () => {
    it('passes a call of the tool, with or without expected input', () => {
      expect(failedExpectations({ calls: [{ tool: 'lookup_order' }] }, transcript())).toEqual([]);
      // The expected input is a subset of the actual one.
      expect(failedExpectations({ calls: [{ tool: 'lookup_order', input: { order_number: '1001' } }] }, transcript())).toEqual([]);
      expect(failedExpectations({ calls: [{ tool: 'lookup_order', input: {} }] }, transcript())).toEqual([]);
    });

    it('fails a tool that was not called, naming the ones that were', () => {
      expect(failedExpectations({ calls: [{ tool: 'refund_order' }] }, transcript())).toEqual([
        'Expected a call of refund_order; called lookup_order.',
      ]);
      expect(failedExpectations({ calls: [{ tool: 'refund_order' }] }, transcript({ toolCalls: [] }))).toEqual([
        'Expected a call of refund_order; no tool was called.',
      ]);
    });

    it('fails a call with other input, quoting both as JSON', () => {
      const failures = failedExpectations({ calls: [{ tool: 'lookup_order', input: { order_number: '2002' } }] }, transcript());
      expect(failures).toEqual([
        'Expected lookup_order with {"order_number":"2002"}; it was called with {"order_number":"1001","verbose":true}.',
      ]);
    });

    it('tells a string from a number: "1001" is not 1001', () => {
      const numeric = transcript({
        toolCalls: [{ tool: 'lookup_order', input: { order_number: 1001 }, output: null, error: null, policy: null }],
      });
      const failures = failedExpectations({ calls: [{ tool: 'lookup_order', input: { order_number: '1001' } }] }, numeric);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain('Expected lookup_order with {"order_number":"1001"}');
      expect(failures[0]).toContain('{"order_number":1001}');
      expect(failedExpectations({ calls: [{ tool: 'lookup_order', input: { order_number: 1001 } }] }, numeric)).toEqual([]);
    });

    it('compares nested input deeply, and passes when any call of the tool matches', () => {
      const calls = transcript({
        toolCalls: [
          { tool: 'refund_order', input: { order_number: '1', items: ['tent'] }, output: null, error: null, policy: 'confirm' },
          { tool: 'refund_order', input: { order_number: '2', items: ['stakes'] }, output: null, error: null, policy: 'confirm' },
        ],
      });
      expect(failedExpectations({ calls: [{ tool: 'refund_order', input: { items: ['stakes'] } }] }, calls)).toEqual([]);
      const failures = failedExpectations({ calls: [{ tool: 'refund_order', input: { items: ['poles'] } }] }, calls);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toContain('{"order_number":"1","items":["tent"]}, {"order_number":"2","items":["stakes"]}');
    });

    it('fails expected input against a call whose input is not an object', () => {
      const odd = transcript({ toolCalls: [{ tool: 'lookup_order', input: null, output: null, error: 'bad', policy: null }] });
      const failures = failedExpectations({ calls: [{ tool: 'lookup_order', input: { order_number: '1001' } }] }, odd);
      expect(failures).toEqual(['Expected lookup_order with {"order_number":"1001"}; it was called with null.']);
    });
  });

  describe('neverCalls', () => {
    it('passes when the tool was not called and fails when it was', () => {
      expect(failedExpectations({ neverCalls: ['refund_order'] }, transcript())).toEqual([]);
      expect(failedExpectations({ neverCalls: ['lookup_order', 'refund_order'] }, transcript())).toEqual([
        'Expected no call of lookup_order; it was called.',
      ]);
    });
  });

  describe('contains and notContains', () => {
    it("finds a phrase in the bot's messages in any case", () => {
      expect(failedExpectations({ contains: ['returns are free', 'ORDER 1001 ARRIVES'] }, transcript())).toEqual([]);
      expect(failedExpectations({ contains: ['Free Within'] }, transcript())).toEqual([]);
    });

    it('fails a phrase the bot did not say', () => {
      expect(failedExpectations({ contains: ['Refund issued'] }, transcript())).toEqual([
        'Expected the bot to say "Refund issued"; it did not.',
      ]);
    });

    it('fails a phrase the bot said that it should not have', () => {
      expect(failedExpectations({ notContains: ['returns are free'] }, transcript())).toEqual([
        'Expected the bot not to say "returns are free"; it did.',
      ]);
    });

    it("reads the bot's messages only: the visitor's and others' words do not count", () => {
      const others = transcript({
        messages: [
          { author: 'visitor', text: 'Is there a restocking fee?' },
          { author: 'agent', text: 'No restocking fee, I promise.' },
          { author: 'system', text: 'Restocking fee waived.' },
          { author: 'bot', text: 'Returns are free.' },
        ],
      });
      expect(failedExpectations({ notContains: ['restocking fee'] }, others)).toEqual([]);
      const failures = failedExpectations({ contains: ['restocking fee'] }, others);
      expect(failures).toEqual(['Expected the bot to say "restocking fee"; it did not.']);
    });
  });

  it('reports every failed expectation, in the order of the fields', () => {
    const failures = failedExpectations(
      {
        cites: ['Warranty'],
        handoff: true,
        calls: [{ tool: 'refund_order' }],
        neverCalls: ['lookup_order'],
        contains: ['refund issued'],
        notContains: ['free'],
      },
      transcript(),
    );
    expect(failures).toHaveLength(6);
    expect(failures[0]).toContain('citation of "Warranty"');
    expect(failures[1]).toContain('handoff');
    expect(failures[2]).toContain('call of refund_order');
    expect(failures[3]).toContain('no call of lookup_order');
    expect(failures[4]).toContain('to say "refund issued"');
    expect(failures[5]).toContain('not to say "free"');
  });
});
