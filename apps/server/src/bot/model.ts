/**
 * The narrow interface between the bot and a language model, so the runner doesn't know whether Claude or the
 * offline answerer replies. A model streams parts: text deltas as they arrive, complete tool calls, then one finish.
 * @module
 */

import type { SourcePassage } from './turn-sources.js';

/** A content block of the conversation sent to the model (Anthropic's shapes, which the offline answerer also reads). */
/** The image types Claude reads. */
export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export type ContentBlock =
  | { type: 'text'; text: string }
  /** An image the visitor sent, in Anthropic's shape (models that can't see ignore it). */
  | { type: 'image'; source: { type: 'base64'; media_type: ImageMediaType; data: string } }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string; is_error?: boolean };

/** One turn of the conversation as the model sees it. */
export interface ChatMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

/** A tool the model may call: name, description and JSON schema of its input. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** What the bot asks a model for. */
export interface ChatRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** The tool the model must call (by name), for a call whose answer is a choice (the triage step); unset: its choice. */
  toolChoice?: string;
  maxTokens: number;
  /**
   * The widget's greeting and the knowledge-base passages found for the visitor's message, for models that answer
   * without a language model (the offline answerer). Claude sees the passages in `messages`.
   */
  knowledge: { greeting: string; passages: SourcePassage[] };
  /**
   * The language of the visitor's sentences (a BCP 47 tag: theirs, else the widget's locale; see
   * `conversations/visitor-locale.ts`), for models that write their own sentences without a language model (the
   * offline answerer's are in this language; English when absent). Claude is told the visitor's language in `system`.
   */
  locale?: string;
}

/** Token counts of one model call. */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** A part of a streamed answer. */
export type ChatStreamPart =
  | { type: 'text-delta'; text: string }
  | { type: 'tool-call'; id: string; name: string; input: unknown }
  | {
      type: 'finish';
      stopReason: string | null;
      usage: Usage;
      /** Passage numbers the answer relies on, for models that cite without `[n]` markers in the text. */
      citations?: number[];
      /**
       * Quick replies for the answer (buttons; a click sends the text as the visitor's message), for models that attach
       * them without a tool call (the offline answerer's offer of a person). Claude attaches them with its
       * `offer_quick_replies` tool.
       */
      quickReplies?: string[];
    };

/** A language model the bot can talk to. */
export interface ChatModel {
  /** Streams the answer to `request`; stops (throwing an AbortError) when `signal` aborts. */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatStreamPart>;
}

/** Who answers: Claude, an OpenAI-compatible endpoint, or the offline answerer (no language model, no tools). */
export type ModelProvider = 'anthropic' | 'openai-compatible' | 'offline';

/** Zero usage, for adding up. */
export const emptyUsage = (): Usage => ({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

/** Adds `part`'s tokens to `total`. */
export function addUsage(total: Usage, part: Usage): void {
  total.inputTokens += part.inputTokens;
  total.outputTokens += part.outputTokens;
  total.cacheReadTokens += part.cacheReadTokens;
  total.cacheWriteTokens += part.cacheWriteTokens;
}

/**
 * A tool call's streamed JSON arguments as its input. Invalid JSON is passed on as `{ invalidJson }`: the tool's zod
 * schema rejects it and the model gets an error it can correct.
 */
export function parseToolInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return { invalidJson: json };
  }
}
