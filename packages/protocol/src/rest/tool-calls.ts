/**
 * `/api/conversations/:conversationId/tool-calls`: the tools the bot called in a conversation, for its agents only. A
 * visitor never receives one: no visitor route or event carries them.
 * @module
 */
import { z } from 'zod';

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * Any JSON value, as the tool-call log stored it. Not `z.json()`: that one refers to itself, which a generated
 * document (the OpenAPI one) can't write inline; this one is "any value" there, which is what it is.
 */
export const jsonValueSchema = z.custom<JsonValue>((value) => value !== undefined, 'A JSON value.');

/**
 * One tool call of the bot as agents see it: what it was given and what came back (or why it failed). `input` is what
 * the log kept of the model's input, which for tools taking personal details is only what they accepted.
 */
export const toolCallSchema = z.object({
  /** The log's own id (a number in the database, a string on the wire like every other id). */
  id: z.string(),
  /** The bot message the call led to; null when its turn stored none (cancelled, failed, handed off before replying). */
  messageId: z.string().nullable(),
  tool: z.string(),
  input: jsonValueSchema,
  /** What the tool returned; null when it failed. */
  output: jsonValueSchema.nullable(),
  /** Why the call failed, as the model was told; null when it succeeded. */
  error: z.string().nullable(),
  success: z.boolean(),
  /** The policy an admin's action was called under (`auto`, `confirm`, `approve`); null for the bot's own tools. */
  policy: z.string().nullable(),
  /** For a `confirm` or `approve` call: the decision and who made it ("the visitor", an agent's name, "timeout"). */
  decision: z.object({ status: z.string(), by: z.string().nullable() }).nullable(),
  durationMs: z.number().int().nonnegative(),
  /** When the call was stored, ISO 8601: calls are stored together when their turn ends. */
  createdAt: z.string(),
});
/** One tool call of the bot. */
export type ToolCall = z.infer<typeof toolCallSchema>;

/** Answer of `GET /api/conversations/:conversationId/tool-calls`: in the order they were called, newest last. */
export const toolCallListSchema = z.object({ toolCalls: z.array(toolCallSchema) });
/** Answer of `GET /api/conversations/:conversationId/tool-calls`. */
export type ToolCallList = z.infer<typeof toolCallListSchema>;
