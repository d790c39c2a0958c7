/**
 * AI help for agents: `assist:request` asks for a summary of a conversation or a suggested reply; the answer streams
 * back to the requesting socket alone as `assist:delta` events, then one `assist:end`.
 * @module
 */
import { z } from 'zod';
import { errorCodes } from '../errors.js';
import { citationSchema } from '../models.js';

/** What an agent asks for: a summary of the conversation so far, or a reply they can insert and edit. */
export const assistKindSchema = z.enum(['summary', 'reply']);
/** What an agent asks for. */
export type AssistKind = z.infer<typeof assistKindSchema>;

/** An agent asks for AI help on a conversation of their organization. */
export const assistRequestSchema = z.object({ conversationId: z.uuid(), kind: assistKindSchema });
/** An agent asks for AI help. */
export type AssistRequest = z.infer<typeof assistRequestSchema>;

/** The ack of `assist:request`: the id its `assist:delta` and `assist:end` events carry. They follow the ack. */
export const assistAcceptedSchema = z.object({ requestId: z.string() });
/** The ack of `assist:request`. */
export type AssistAccepted = z.infer<typeof assistAcceptedSchema>;

/** More text of the answer, in order; the final text is the concatenation of every delta. */
export const assistDeltaSchema = z.object({ requestId: z.string(), text: z.string() });
/** More text of the answer. */
export type AssistDelta = z.infer<typeof assistDeltaSchema>;

/**
 * The answer ended. `text` is the whole answer (every delta); `sources` are the knowledge-base passages it used (cited
 * by `[n]` in the text when Claude wrote it). With `error` the answer failed: `text` is what arrived before it.
 */
export const assistEndSchema = z.object({
  requestId: z.string(),
  text: z.string(),
  sources: z.array(citationSchema),
  /**
   * False when the text is a note to the agent rather than a reply to send (offline, no passage matched the question):
   * the console offers no "Insert" for it. Absent: true.
   */
  insertable: z.boolean().optional(),
  error: z.object({ code: z.enum(errorCodes), message: z.string() }).optional(),
});
/** The answer ended. */
export type AssistEnd = z.infer<typeof assistEndSchema>;
