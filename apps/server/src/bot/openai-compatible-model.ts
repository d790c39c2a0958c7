/**
 * Any OpenAI-compatible chat completions endpoint (OpenAI, a local Ollama or vLLM, LM Studio, a gateway) behind the
 * bot's {@link ChatModel}, streaming, with tool calling. The bot speaks Anthropic's shapes everywhere else
 * (`model.ts`); this module translates them both ways, so the model/tool loop, the prompt and the offline answerer
 * don't know which provider answers.
 * @module
 */
import OpenAI from 'openai';
import {
  parseToolInput,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatStreamPart,
  type ContentBlock,
  type Usage,
} from './model.js';

/** Options of {@link createOpenAICompatibleModel}; the key comes from the environment only and is never logged. */
export interface OpenAICompatibleModelOptions {
  /** The API's base URL, up to and including its version (`http://localhost:11434/v1` for Ollama). */
  baseUrl: string;
  /** Sent as a bearer token; local servers usually need none. */
  apiKey?: string | undefined;
  /** Per request, including the stream. */
  timeoutMs: number;
  /** Retries of 408/409/429/5xx and connection errors, with the SDK's exponential backoff. */
  maxRetries: number;
}

type CompletionMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;
type CompletionContentPart = OpenAI.Chat.Completions.ChatCompletionContentPart;

/**
 * Anthropic's stop reasons for chat completions' finish reasons: the model/tool loop reads `tool_use` to run tools,
 * and the stored reply keeps the name agents already know.
 */
const STOP_REASONS: Record<string, string> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
  content_filter: 'refusal',
};

/** Creates the model. One client (and its connection pool) serves every turn. */
export function createOpenAICompatibleModel(options: OpenAICompatibleModelOptions): ChatModel {
  const client = new OpenAI({
    baseURL: options.baseUrl,
    // The SDK insists on a key; servers that take none ignore the header.
    apiKey: options.apiKey ?? 'none',
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
  });

  return {
    async *stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamPart> {
      const stream = await client.chat.completions.create(
        {
          model: request.model,
          max_tokens: request.maxTokens,
          messages: toCompletionMessages(request.system, request.messages),
          ...(request.tools.length > 0
            ? {
                tools: request.tools.map((tool) => ({
                  type: 'function' as const,
                  function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
                })),
              }
            : {}),
          ...(request.toolChoice ? { tool_choice: { type: 'function' as const, function: { name: request.toolChoice } } } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );

      const usage: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
      let stopReason: string | null = null;
      // A tool call's id and name come in its first fragment, its arguments as JSON pieces keyed by the call's index.
      const calls = new Map<number, { id: string; name: string; json: string }>();
      for await (const chunk of stream) {
        if (chunk.usage) {
          const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
          // Anthropic counts cached tokens apart from input tokens; chat completions count them in prompt_tokens.
          usage.inputTokens = chunk.usage.prompt_tokens - cached;
          usage.cacheReadTokens = cached;
          usage.outputTokens = chunk.usage.completion_tokens;
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        const { delta } = choice;
        if (delta?.content) yield { type: 'text-delta', text: delta.content };
        for (const fragment of delta?.tool_calls ?? []) {
          // Some older servers leave out `index`: their calls are told apart by id, or are one call.
          const key = fragment.index ?? (fragment.id ? calls.size : Math.max(0, calls.size - 1));
          const call = calls.get(key) ?? { id: '', name: '', json: '' };
          if (fragment.id) call.id = fragment.id;
          // Some servers repeat the name in every fragment: it is set once, not appended.
          if (fragment.function?.name) call.name ||= fragment.function.name;
          if (fragment.function?.arguments) call.json += fragment.function.arguments;
          calls.set(key, call);
        }
        if (choice.finish_reason) stopReason = STOP_REASONS[choice.finish_reason] ?? choice.finish_reason;
      }
      // A stream that ends without a finish reason was cut off: report it as a failure, not as an answer.
      if (stopReason === null) throw new Error('The model stream ended before the message was complete.');
      for (const [index, call] of [...calls.entries()].toSorted(([a], [b]) => a - b)) {
        // Some servers (older Ollama) leave out the id; the loop needs one to pair the call with its result.
        yield { type: 'tool-call', id: call.id || `call_${index}`, name: call.name, input: parseToolInput(call.json) };
      }
      // Servers that finish with `stop` after tool calls (some local ones) still asked for them to run.
      if (calls.size > 0 && stopReason === 'end_turn') stopReason = 'tool_use';
      yield { type: 'finish', stopReason, usage };
    },
  };
}

/**
 * The conversation in chat completions' shapes: the system prompt first; an assistant turn's tool_use blocks become its
 * `tool_calls`; a user turn's tool_result blocks become `tool` messages (before its other content, which chat
 * completions wants right after the calls); images become data URLs.
 */
export function toCompletionMessages(system: string, messages: readonly ChatMessage[]): CompletionMessage[] {
  const result: CompletionMessage[] = [{ role: 'system', content: system }];
  for (const message of messages) {
    const blocks: ContentBlock[] = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    if (message.role === 'assistant') {
      const text = blocks.flatMap((block) => (block.type === 'text' ? [block.text] : [])).join('');
      const toolCalls = blocks.flatMap((block) =>
        block.type === 'tool_use'
          ? [{ id: block.id, type: 'function' as const, function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
          : [],
      );
      result.push({ role: 'assistant', content: text || null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
      continue;
    }
    for (const block of blocks) {
      if (block.type === 'tool_result') {
        const content = block.is_error ? `Error: ${block.content}` : block.content;
        result.push({ role: 'tool', tool_call_id: block.tool_use_id, content });
      }
    }
    const parts: CompletionContentPart[] = blocks.flatMap((block): CompletionContentPart[] => {
      if (block.type === 'text') return [{ type: 'text', text: block.text }];
      if (block.type === 'image') {
        return [{ type: 'image_url', image_url: { url: `data:${block.source.media_type};base64,${block.source.data}` } }];
      }
      return [];
    });
    if (parts.length === 0) continue;
    // Plain text stays a string: servers without vision often take nothing else.
    const textOnly = parts.every((part) => part.type === 'text');
    result.push({ role: 'user', content: textOnly ? parts.map((part) => (part as { text: string }).text).join('\n\n') : parts });
  }
  return result;
}
