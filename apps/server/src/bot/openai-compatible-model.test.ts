import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mockOpenAICompatible } from '../../test/helpers/openai-compatible.js';
import type { ChatModel, ChatRequest, ChatStreamPart } from './model.js';
import { createOpenAICompatibleModel, toCompletionMessages } from './openai-compatible-model.js';

const BASE_URL = 'http://llm.test/v1';
const endpoint = mockOpenAICompatible(BASE_URL);
beforeAll(() => endpoint.listen());
afterEach(() => {
  endpoint.queue.length = 0;
  endpoint.requests.length = 0;
  endpoint.authorizations.length = 0;
});
afterAll(() => endpoint.close());

const request = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'llama3.1',
  system: 'You are the shop assistant.',
  messages: [{ role: 'user', content: 'Where is my order?' }],
  tools: [],
  maxTokens: 512,
  knowledge: { greeting: '', passages: [] },
  ...overrides,
});

async function collect(parts: AsyncIterable<ChatStreamPart>): Promise<ChatStreamPart[]> {
  const collected: ChatStreamPart[] = [];
  for await (const part of parts) collected.push(part);
  return collected;
}

describe('toCompletionMessages', () => {
  it('puts the system prompt first, tool calls on the assistant message and each result in a tool message', () => {
    const messages = toCompletionMessages('Be brief.', [
      { role: 'user', content: 'Where is order 1001?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me look.' },
          { type: 'tool_use', id: 'call_1', name: 'lookup_order', input: { number: '1001' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '{"status":"shipped"}' },
          { type: 'text', text: 'And the other one?' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'call_2', name: 'lookup_order', input: { number: 'x' } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_2', content: 'No such order.', is_error: true }] },
    ]);
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Where is order 1001?' },
      {
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"number":"1001"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '{"status":"shipped"}' },
      { role: 'user', content: 'And the other one?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'lookup_order', arguments: '{"number":"x"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error: No such order.' },
    ]);
  });

  it('sends images as data URLs next to the text, and text alone as a string', () => {
    const [, withImage] = toCompletionMessages('s', [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Is this broken?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
    ]);
    expect(withImage).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Is this broken?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      ],
    });
  });
});

describe('createOpenAICompatibleModel', () => {
  // Made once msw listens: the SDK takes `fetch` when it is created.
  let model: ChatModel;
  beforeAll(() => {
    model = createOpenAICompatibleModel({ baseUrl: BASE_URL, apiKey: 'sk-local', timeoutMs: 5000, maxRetries: 0 });
  });

  it('streams text, then finishes with the stop reason and usage in Anthropic’s terms (cached tokens apart)', async () => {
    endpoint.reply({ text: ['Your order ', 'shipped.'], usage: { prompt: 200, completion: 12, cached: 150 } });
    const parts = await collect(model.stream(request(), new AbortController().signal));
    expect(parts).toEqual([
      { type: 'text-delta', text: 'Your order ' },
      { type: 'text-delta', text: 'shipped.' },
      { type: 'finish', stopReason: 'end_turn', usage: { inputTokens: 50, outputTokens: 12, cacheReadTokens: 150, cacheWriteTokens: 0 } },
    ]);
    const [sent] = endpoint.requests;
    expect(sent).toMatchObject({
      model: 'llama3.1',
      max_tokens: 512,
      stream: true,
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'You are the shop assistant.' },
        { role: 'user', content: 'Where is my order?' },
      ],
    });
    expect(sent).not.toHaveProperty('tools');
    expect(endpoint.authorizations).toEqual(['Bearer sk-local']);
  });

  it('offers the tools as functions and assembles streamed tool calls, in order, ids made up where a server leaves them out', async () => {
    endpoint.reply({
      toolCalls: [
        { id: 'call_a', name: 'lookup_order', input: { number: '1001', email: 'ada@example.com' } },
        { name: 'handoff_to_human', input: { reason: 'refund' } },
      ],
    });
    const tools = [
      { name: 'lookup_order', description: 'Finds an order.', inputSchema: { type: 'object', properties: { number: { type: 'string' } } } },
    ];
    const parts = await collect(model.stream(request({ tools }), new AbortController().signal));
    expect(parts).toEqual([
      { type: 'tool-call', id: 'call_a', name: 'lookup_order', input: { number: '1001', email: 'ada@example.com' } },
      { type: 'tool-call', id: 'call_1', name: 'handoff_to_human', input: { reason: 'refund' } },
      { type: 'finish', stopReason: 'tool_use', usage: expect.objectContaining({ inputTokens: 150, outputTokens: 25 }) },
    ]);
    expect(endpoint.requests[0]!.tools).toEqual([
      { type: 'function', function: { name: 'lookup_order', description: 'Finds an order.', parameters: tools[0]!.inputSchema } },
    ]);
  });

  it('forces the named tool when the request chooses one (the triage step), and leaves the choice to the model otherwise', async () => {
    endpoint.reply({ toolCalls: [{ id: 'call_t', name: 'choose_assistant', input: { assistant: 'Billing' } }] });
    const tools = [{ name: 'choose_assistant', description: 'Chooses.', inputSchema: { type: 'object', properties: {} } }];
    const parts = await collect(model.stream(request({ tools, toolChoice: 'choose_assistant' }), new AbortController().signal));
    expect(parts[0]).toEqual({ type: 'tool-call', id: 'call_t', name: 'choose_assistant', input: { assistant: 'Billing' } });
    expect(endpoint.requests[0]!.tool_choice).toEqual({ type: 'function', function: { name: 'choose_assistant' } });
    endpoint.reply({ text: ['Hi'] });
    await collect(model.stream(request({ tools }), new AbortController().signal));
    expect(endpoint.requests[1]).not.toHaveProperty('tool_choice');
  });

  it('reads tool calls finished with `stop` (some local servers) as asking for the tools to run', async () => {
    endpoint.reply({ toolCalls: [{ id: 'call_a', name: 'lookup_order', input: {} }], finishReason: 'stop' });
    const parts = await collect(model.stream(request(), new AbortController().signal));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', stopReason: 'tool_use' });
  });

  it('maps a cut-off answer (`length`) to max_tokens', async () => {
    endpoint.reply({ text: ['Your order'], finishReason: 'length' });
    const parts = await collect(model.stream(request(), new AbortController().signal));
    expect(parts.at(-1)).toMatchObject({ type: 'finish', stopReason: 'max_tokens' });
  });

  it('fails a stream that ends without a finish reason instead of passing it off as an answer', async () => {
    endpoint.reply({ text: ['Your order', ' shipped'], cutAfterFirstDelta: true });
    await expect(collect(model.stream(request(), new AbortController().signal))).rejects.toThrow(/ended before the message was complete/);
  });

  it('throws the endpoint’s HTTP error with its status', async () => {
    endpoint.reply({ httpError: { status: 404, message: 'model "llama9" not found' } });
    await expect(collect(model.stream(request(), new AbortController().signal))).rejects.toMatchObject({ status: 404 });
  });
});
