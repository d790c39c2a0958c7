import Anthropic from '@anthropic-ai/sdk';
import { parseToolInput, type ChatModel, type ChatRequest, type ChatStreamPart, type Usage } from './model.js';

/** Options of {@link createAnthropicModel}; the key comes from the environment only and is never logged. */
export interface AnthropicModelOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** Per request, including the stream. */
  timeoutMs: number;
  /** Retries of 408/409/429/5xx/529 (overloaded) and connection errors, with the SDK's exponential backoff. */
  maxRetries: number;
}

/**
 * Claude through `@anthropic-ai/sdk`, streaming. The system prompt and the tool definitions are marked for prompt
 * caching: they are the same on every turn of a widget, and cached reads cost a tenth of fresh input.
 */
export function createAnthropicModel(options: AnthropicModelOptions): ChatModel {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseUrl ?? null,
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });

  return {
    async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamPart> {
      const tools = request.tools.map((tool, index) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.inputSchema as Anthropic.Tool.InputSchema,
        ...(index === request.tools.length - 1 ? { cache_control: { type: 'ephemeral' as const } } : {}),
      }));
      const stream = await client.messages.create(
        {
          model: request.model,
          max_tokens: request.maxTokens,
          system: [{ type: 'text', text: request.system, cache_control: { type: 'ephemeral' } }],
          messages: request.messages as Anthropic.MessageParam[],
          ...(tools.length > 0 ? { tools } : {}),
          ...(request.toolChoice ? { tool_choice: { type: 'tool' as const, name: request.toolChoice } } : {}),
          stream: true,
        },
        { signal },
      );

      const usage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
      let stopReason: string | null = null;
      // Tool inputs arrive as JSON fragments per content block; they are parsed once the block stops.
      const toolBlocks = new Map<number, { id: string; name: string; json: string }>();
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start':
            usage.inputTokens = event.message.usage.input_tokens;
            usage.outputTokens = event.message.usage.output_tokens;
            usage.cacheReadTokens = event.message.usage.cache_read_input_tokens ?? 0;
            usage.cacheWriteTokens = event.message.usage.cache_creation_input_tokens ?? 0;
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              toolBlocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
            }
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') yield { type: 'text-delta', text: event.delta.text };
            else if (event.delta.type === 'input_json_delta') {
              const block = toolBlocks.get(event.index);
              if (block) block.json += event.delta.partial_json;
            }
            break;
          case 'content_block_stop': {
            const block = toolBlocks.get(event.index);
            if (block) {
              toolBlocks.delete(event.index);
              yield { type: 'tool-call', id: block.id, name: block.name, input: parseToolInput(block.json) };
            }
            break;
          }
          case 'message_delta':
            stopReason = event.delta.stop_reason ?? stopReason;
            usage.outputTokens = event.usage.output_tokens ?? usage.outputTokens;
            if (event.usage.input_tokens != null) usage.inputTokens = event.usage.input_tokens;
            if (event.usage.cache_read_input_tokens != null) usage.cacheReadTokens = event.usage.cache_read_input_tokens;
            if (event.usage.cache_creation_input_tokens != null) usage.cacheWriteTokens = event.usage.cache_creation_input_tokens;
            break;
          default:
            break;
        }
      }
      // A stream that ends without a stop reason was cut off: report it as a failure, not as an answer.
      if (stopReason === null) throw new Error('The model stream ended before the message was complete.');
      yield { type: 'finish', stopReason, usage };
    },
  };
}
