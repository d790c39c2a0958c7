/**
 * `/api/conversations` routes.
 * @module
 */
import { z } from 'zod';
import {
  clientIdSchema,
  conversationStatusSchema,
  conversationSummarySchema,
  INT4_MAX,
  messageBodySchema,
  queryIntegerSchema,
} from '../models.js';

/** Query of `GET /api/conversations`. */
export const conversationListQuerySchema = z.object({
  status: conversationStatusSchema.optional(),
  limit: queryIntegerSchema(1, 200).default(50),
});
/** Query of `GET /api/conversations`. */
export type ConversationListQuery = z.input<typeof conversationListQuerySchema>;

/** Answer of `GET /api/conversations`: most recent activity first. */
export const conversationListSchema = z.object({
  conversations: z.array(conversationSummarySchema),
});
/** Answer of `GET /api/conversations`. */
export type ConversationList = z.infer<typeof conversationListSchema>;

/** Path parameters of `/api/conversations/:conversationId/…`. */
export const conversationParamsSchema = z.object({ conversationId: z.uuid() });

/** Query of `GET /api/conversations/:conversationId/messages`. */
export const messageListQuerySchema = z.object({
  afterSeq: queryIntegerSchema(0, INT4_MAX).default(0),
  limit: queryIntegerSchema(1, 500).default(200),
});
/** Query of `GET /api/conversations/:conversationId/messages`. */
export type MessageListQuery = z.input<typeof messageListQuerySchema>;

/** Body of `POST /api/conversations/:conversationId/messages` (an agent's reply). */
export const replyRequestSchema = z.object({
  clientId: clientIdSchema,
  body: messageBodySchema,
});
/** Body of `POST /api/conversations/:conversationId/messages`. */
export type ReplyRequest = z.infer<typeof replyRequestSchema>;

/**
 * Body of `PATCH /api/conversations/:conversationId`: resolve, reopen, take a conversation, or hand it back to the bot
 * (`status: 'bot'`).
 */
export const conversationUpdateSchema = z
  .object({
    status: z.enum(['bot', 'queued', 'agent', 'resolved']).optional(),
    assignToMe: z.literal(true).optional(),
  })
  .refine((update) => update.status !== undefined || update.assignToMe !== undefined, 'Nothing to update.');
/** Body of `PATCH /api/conversations/:conversationId`. */
export type ConversationUpdate = z.infer<typeof conversationUpdateSchema>;
