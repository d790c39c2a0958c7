/**
 * `/api/conversations/:conversationId/bot-replies`: how each bot message of a conversation was produced — the model,
 * what it cost, and every knowledge-base passage the model was shown, cited or not — so that an answer can be audited
 * against its sources. For the organization's agents only: no visitor route or event carries them.
 * @module
 */
import { z } from 'zod';
import { citationSchema } from '../models.js';
import { botReplyProfileSchema } from './bot-profiles.js';

/**
 * A passage a bot turn showed the model: its citation data (`index` is the number the model could cite it by), the
 * search evidence it came with, and whether the reply cited it.
 */
export const shownSourceSchema = citationSchema.extend({
  /** The share (0–1) of the searched words' weight the passage contains; 0 for a passage found by semantic search alone. */
  coverage: z.number(),
  /** Cosine similarity to the search when semantic search found it; null otherwise. */
  similarity: z.number().nullable(),
  cited: z.boolean(),
});
/** A passage a bot turn showed the model. */
export type ShownSource = z.infer<typeof shownSourceSchema>;

/** How one bot message was produced. */
export const botReplySchema = z.object({
  messageId: z.string(),
  /** The Anthropic model id, or `offline` for the offline answerer. */
  model: z.string(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  latencyMs: z.number().int().nonnegative(),
  /** Model rounds (one more per tool call). */
  rounds: z.number().int().positive(),
  /** The passages shown to the model in the order it met them; empty when it was shown none. */
  sources: z.array(shownSourceSchema),
  /** The bot profile that answered; null: the widget's own bot settings. */
  profile: botReplyProfileSchema.nullable(),
  createdAt: z.string(),
});
/** How one bot message was produced. */
export type BotReply = z.infer<typeof botReplySchema>;

/** Answer of `GET /api/conversations/:conversationId/bot-replies`: oldest first. */
export const botReplyListSchema = z.object({ botReplies: z.array(botReplySchema) });
/** Answer of `GET /api/conversations/:conversationId/bot-replies`. */
export type BotReplyList = z.infer<typeof botReplyListSchema>;
