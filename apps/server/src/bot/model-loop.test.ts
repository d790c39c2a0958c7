import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatModel, ChatRequest, ChatStreamPart } from './model.js';
import { emptyProgress, runModelLoop, type ModelLoopOptions, type ToolCall } from './model-loop.js';
import { offerQuickReplies } from './tools/offer-quick-replies.js';
import { defineTool, runTool, type BotTool, type ToolContext, type ToolOutcome } from './tools/registry.js';

const usage = { inputTokens: 10, outputTokens: 5, cacheReadTokens: 1, cacheWriteTokens: 0 };
const finish = (stopReason: string): ChatStreamPart => ({ type: 'finish', stopReason, usage });
/** A round that asks for one more lookup. */
const lookupRound = (id: string): ChatStreamPart[] => [{ type: 'tool-call', id, name: 'lookup', input: { order: id } }, finish('tool_use')];

/** A model that answers each round with the next scripted parts, and remembers every request. */
function scriptedModel(rounds: Array<ChatStreamPart[] | Error>): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async *stream(request) {
      requests.push(structuredClone(request));
      const parts = rounds[requests.length - 1];
      if (!parts) throw new Error('no scripted round');
      if (parts instanceof Error) throw parts;
      for (const part of parts) yield part;
    },
  };
}

const lookup = defineTool({
  name: 'lookup',
  description: 'Looks up an order.',
  input: z.object({ order: z.string() }),
  handler: async () => ({}),
});
const handoff = defineTool({
  name: 'handoff',
  description: 'Hands off.',
  kind: 'handoff',
  input: z.object({ reason: z.string() }),
  handler: async () => ({}),
});
/** An action an agent must approve: a call pauses the turn instead of running. */
const refund = defineTool({
  name: 'refund',
  description: 'Refunds an order.',
  input: z.object({ order: z.string(), amount: z.number().max(500) }),
  kind: 'external',
  policy: 'approve',
  pause: { policy: 'approve', summary: (input) => `Refund ${JSON.stringify(input)}`, teamId: null, timeoutSeconds: 60 },
  handler: async () => {
    throw new Error('a paused call never runs in the loop');
  },
});
const tools = [lookup, handoff, refund] as readonly BotTool[];

function options(model: ChatModel, overrides: Partial<ModelLoopOptions> = {}) {
  const texts: string[] = [];
  const calls: ToolCall[] = [];
  const result: ModelLoopOptions = {
    model,
    request: {
      model: 'test-model',
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'Where is order 42?' }],
      maxTokens: 100,
      knowledge: { greeting: '', passages: [] },
    },
    tools,
    maxToolRounds: 3,
    signal: new AbortController().signal,
    stallTimeoutMs: 1000,
    onText: (text) => texts.push(text),
    runToolCall: async (call): Promise<ToolOutcome> => {
      calls.push(call);
      return { ok: true, output: { status: 'shipped' }, tool: tools.find((tool) => tool.name === call.name)! };
    },
    progress: emptyProgress(),
    pauseRefusal: () => null,
    ...overrides,
  };
  return { options: result, texts, calls };
}

describe('runModelLoop', () => {
  it('streams a plain answer and adds up its usage', async () => {
    const model = scriptedModel([
      [
        { type: 'text-delta', text: 'Hello' },
        { type: 'text-delta', text: '' },
        { type: 'text-delta', text: ' there.' },
        finish('end_turn'),
      ],
    ]);
    const { options: loop, texts } = options(model);
    expect(await runModelLoop(loop)).toEqual({
      text: 'Hello there.',
      stopReason: 'end_turn',
      handoffReason: null,
      paused: null,
      rounds: 1,
    });
    expect(texts).toEqual(['Hello', ' there.']);
    expect(loop.progress.usage).toEqual(usage);
    expect(model.requests[0]!.tools.map((tool) => tool.name)).toEqual(['lookup', 'handoff', 'refund']);
  });

  it('runs the tool calls a round asks for and gives the results to the next round', async () => {
    const model = scriptedModel([
      [
        { type: 'text-delta', text: 'Checking. ' },
        { type: 'tool-call', id: 'call-1', name: 'lookup', input: { order: '42' } },
        finish('tool_use'),
      ],
      [{ type: 'text-delta', text: 'It shipped.' }, finish('end_turn')],
    ]);
    const { options: loop, calls } = options(model);
    const result = await runModelLoop(loop);
    expect(result).toEqual({ text: 'Checking. It shipped.', stopReason: 'end_turn', handoffReason: null, paused: null, rounds: 2 });
    expect(calls).toEqual([{ type: 'tool-call', id: 'call-1', name: 'lookup', input: { order: '42' } }]);
    expect(model.requests[1]!.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking. ' },
          { type: 'tool_use', id: 'call-1', name: 'lookup', input: { order: '42' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call-1', content: '{"status":"shipped"}' }] },
    ]);
    expect(loop.progress.toolLog).toMatchObject([
      { toolUseId: 'call-1', tool: 'lookup', input: { order: '42' }, success: true, error: null },
    ]);
    expect(loop.progress.usage.inputTokens).toBe(20);
    // The caller's request is not changed by later rounds.
    expect(loop.request.messages).toHaveLength(1);
  });

  it('returns a failed tool call to the model as an error it can correct', async () => {
    const model = scriptedModel([
      [{ type: 'tool-call', id: 'call-1', name: 'lookup', input: { order: 'x' } }, finish('tool_use')],
      [{ type: 'text-delta', text: 'Which order?' }, finish('end_turn')],
    ]);
    const { options: loop } = options(model, {
      runToolCall: async () => ({ ok: false, error: 'No such order.', tool: lookup as BotTool }),
    });
    await runModelLoop(loop);
    expect(model.requests[1]!.messages.at(-1)).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'call-1', content: 'No such order.', is_error: true }],
    });
    expect(loop.progress.toolLog[0]).toMatchObject({ success: false, error: 'No such order.', output: null });
  });

  it('ends the turn when a handoff tool succeeds', async () => {
    const model = scriptedModel([
      [{ type: 'tool-call', id: 'call-1', name: 'handoff', input: { reason: 'billing question' } }, finish('tool_use')],
    ]);
    const { options: loop } = options(model);
    expect(await runModelLoop(loop)).toEqual({
      text: '',
      stopReason: 'tool_use',
      handoffReason: 'billing question',
      paused: null,
      rounds: 1,
    });
    expect(model.requests).toHaveLength(1);
  });

  it('stops after maxToolRounds rounds that keep asking for tools', async () => {
    const model = scriptedModel([lookupRound('a'), lookupRound('b'), lookupRound('c'), lookupRound('d')]);
    const { options: loop } = options(model, { maxToolRounds: 2 });
    expect(await runModelLoop(loop)).toMatchObject({ stopReason: 'max_tool_rounds', rounds: 2 });
    expect(loop.progress.toolLog).toHaveLength(1);
  });

  it('keeps what was spent when a later round fails', async () => {
    const model = scriptedModel([
      [{ type: 'tool-call', id: 'call-1', name: 'lookup', input: { order: '42' } }, finish('tool_use')],
      new Error('overloaded'),
    ]);
    const { options: loop } = options(model);
    await expect(runModelLoop(loop)).rejects.toThrow('overloaded');
    expect(loop.progress.usage).toEqual(usage);
    expect(loop.progress.toolLog).toHaveLength(1);
  });

  it('keeps the quick replies a finish part carries, as it does its citations', async () => {
    const model = scriptedModel([
      [
        { type: 'text-delta', text: 'Say “talk to a person”.' },
        { type: 'finish', stopReason: 'end_turn', usage, citations: [], quickReplies: ['Talk to a person'] },
      ],
    ]);
    const { options: loop } = options(model);
    await runModelLoop(loop);
    expect(loop.progress.quickReplies).toEqual(['Talk to a person']);
  });

  it('keeps the quick replies of the last successful reply tool call, for the reply the turn stores', async () => {
    const model = scriptedModel([
      [
        { type: 'tool-call', id: 'call-1', name: 'offer_quick_replies', input: { replies: ['Yes', 'No'] } },
        { type: 'tool-call', id: 'call-2', name: 'offer_quick_replies', input: { replies: ['Refund', 'Replacement'] } },
        finish('tool_use'),
      ],
      [{ type: 'tool-call', id: 'call-3', name: 'offer_quick_replies', input: { replies: [''] } }, finish('tool_use')],
      [{ type: 'text-delta', text: 'A refund or a replacement?' }, finish('end_turn')],
    ]);
    const { options: loop } = options(model, {
      tools: [...tools, offerQuickReplies as BotTool],
      runToolCall: (call) => runTool([offerQuickReplies as BotTool], call.name, call.input, {} as ToolContext),
    });
    expect(await runModelLoop(loop)).toMatchObject({ text: 'A refund or a replacement?', stopReason: 'end_turn', rounds: 3 });
    // The refused call (an empty reply) changes nothing; the model is told why and may correct it.
    expect(loop.progress.quickReplies).toEqual(['Refund', 'Replacement']);
    expect(loop.progress.toolLog.map((entry) => entry.success)).toEqual([true, true, false]);
    expect(model.requests[2]!.messages.at(-1)).toMatchObject({ content: [{ type: 'tool_result', is_error: true }] });
  });

  it('has no quick replies when nothing attached any', async () => {
    const model = scriptedModel([[{ type: 'text-delta', text: 'Hi.' }, finish('end_turn')]]);
    const { options: loop } = options(model);
    await runModelLoop(loop);
    expect(loop.progress.quickReplies).toBeNull();
  });

  it('pauses on a call that waits for a decision: the calls before it ran, the ones after it do not', async () => {
    const model = scriptedModel([
      [
        { type: 'text-delta', text: 'Checking.' },
        { type: 'tool-call', id: 'a', name: 'lookup', input: { order: '1' } },
        { type: 'tool-call', id: 'b', name: 'refund', input: { order: '1', amount: 20 } },
        { type: 'tool-call', id: 'c', name: 'lookup', input: { order: '2' } },
        finish('tool_use'),
      ],
    ]);
    const { options: loopOptions, calls } = options(model);
    const result = await runModelLoop(loopOptions);
    expect(result.paused).toMatchObject({ id: 'b', name: 'refund', input: { order: '1', amount: 20 } });
    expect(result.paused?.tool.pause.policy).toBe('approve');
    expect(result.text).toBe('Checking.');
    expect(calls.map((call) => call.id)).toEqual(['a']);
    // The one after it is logged as not run.
    expect(loopOptions.progress.toolLog.map((entry) => [entry.toolUseId, entry.success])).toEqual([
      ['a', true],
      ['c', false],
    ]);
    expect(loopOptions.progress.toolLog[1]!.error).toMatch(/^Not run: it came after a call that waits/);
    expect(model.requests).toHaveLength(1);
  });

  it('gives the model the refusal instead of pausing when the input is invalid or another call waits', async () => {
    const refusals = ['Another action waits.'];
    const model = scriptedModel([
      [{ type: 'tool-call', id: 'x', name: 'refund', input: { order: '1', amount: 9000 } }, finish('tool_use')],
      [{ type: 'tool-call', id: 'y', name: 'refund', input: { order: '1', amount: 20 } }, finish('tool_use')],
      [{ type: 'text-delta', text: 'It is waiting.' }, finish('end_turn')],
    ]);
    const { options: loopOptions } = options(model, { pauseRefusal: () => refusals.shift() ?? null });
    // The first call is invalid (checked before the refusal is asked for); the second meets the waiting one.
    const result = await runModelLoop(loopOptions);
    expect(result.paused).toBeNull();
    expect(result.text).toBe('It is waiting.');
    const logged = loopOptions.progress.toolLog;
    expect(logged.map((entry) => [entry.toolUseId, entry.success, entry.policy])).toEqual([
      ['x', false, 'approve'],
      ['y', false, 'approve'],
    ]);
    expect(logged[0]!.error).toMatch(/^Invalid input: amount/);
    expect(logged[1]!.error).toBe('Another action waits.');
  });
});
