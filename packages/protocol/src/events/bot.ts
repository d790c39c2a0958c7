/**
 * The bot's streamed replies (`bot:reply-start`, `bot:reply-delta`, `bot:reply-end`) and the visitor's request for a
 * human (`handoff:request`).
 * @module
 */
import { z } from 'zod';
import { proactiveRuleIdSchema } from '../proactive.js';
import { topicIdSchema } from '../topic.js';

/** The bot started a reply; `messageId` is the id the stored message will have. */
export const botReplyStartSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  author: z.object({ kind: z.literal('bot'), id: z.null(), name: z.string() }),
  createdAt: z.string(),
});
/** The bot started a reply. */
export type BotReplyStart = z.infer<typeof botReplyStartSchema>;

/** More text of a reply, in order; the stored message's body is the concatenation of every delta. */
export const botReplyDeltaSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  delta: z.string(),
});
/** More text of a reply. */
export type BotReplyDelta = z.infer<typeof botReplyDeltaSchema>;

/**
 * A reply ended. `complete`: `message:created` with the same id follows (or preceded it) and holds the final text.
 * `cancelled` (a human took over) and `failed` (the model could not answer): the partial text must be dropped; nothing
 * was stored under this id.
 */
export const botReplyEndSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  status: z.enum(['complete', 'cancelled', 'failed']),
});
/** A reply ended. */
export type BotReplyEnd = z.infer<typeof botReplyEndSchema>;

/** The visitor asks for a human (e.g. a "Talk to a person" button). */
export const handoffRequestSchema = z.object({
  reason: z.string().max(500).optional(),
  /** As a message's `topic`: read only when the request starts the conversation. */
  topic: topicIdSchema.optional(),
  /** As a message's `proactive`: read only when the request starts the conversation. */
  proactive: proactiveRuleIdSchema.optional(),
});
/** The visitor asks for a human. */
export type HandoffRequest = z.infer<typeof handoffRequestSchema>;
