/**
 * The visitor's side of e-mail: `conversation:seen` says how far they have read in the widget (a reply they have
 * seen is never e-mailed), and `transcript:request` asks for the conversation by e-mail.
 * @module
 */
import { z } from 'zod';
import { seqSchema } from '../models.js';

/** Payload of `conversation:seen`: the newest seq on the visitor's screen, with the widget open and the page visible. */
export const conversationSeenSchema = z.object({ seq: seqSchema });
/** Payload of `conversation:seen`. */
export type ConversationSeen = z.infer<typeof conversationSeenSchema>;

/** Answer to `conversation:seen`: the newest seq the server counts as seen (never lower than before). */
export const conversationSeenAckSchema = z.object({ seenSeq: seqSchema });
/** Answer to `conversation:seen`. */
export type ConversationSeenAck = z.infer<typeof conversationSeenAckSchema>;

/**
 * Sent to the organization's agents (`conversation:seen`) when a visitor's `conversation:seen` raised the conversation's
 * `visitorSeenSeq`: the agents' and the bot's messages up to it have been seen. Never sent when the value stayed.
 */
export const visitorSeenSchema = z.object({ conversationId: z.string(), visitorSeenSeq: seqSchema });
/** Payload of the agents' `conversation:seen`. */
export type VisitorSeen = z.infer<typeof visitorSeenSchema>;

/**
 * Payload of `transcript:request`: the address to send the transcript to; without one, the address the visitor left
 * before. A new address is stored on the contact, as `contact:update` would.
 */
export const transcriptRequestSchema = z.object({ email: z.email('That is not an e-mail address.').max(254).optional() });
/** Payload of `transcript:request`. */
export type TranscriptRequest = z.infer<typeof transcriptRequestSchema>;

/** Answer to `transcript:request`: where the transcript goes (it is sent within a minute). */
export const transcriptRequestAckSchema = z.object({ email: z.string() });
/** Answer to `transcript:request`. */
export type TranscriptRequestAck = z.infer<typeof transcriptRequestAckSchema>;
