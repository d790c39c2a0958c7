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
  storableTextSchema,
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
 * Body of `PATCH /api/conversations/:conversationId`: resolve, reopen, take a conversation, hand it back to the bot
 * (`status: 'bot'`), or put it back in the queue (`status: 'queued'`: an assigned conversation is unassigned).
 */
export const conversationUpdateSchema = z
  .object({
    status: z.enum(['bot', 'queued', 'agent', 'resolved']).optional(),
    assignToMe: z.literal(true).optional(),
  })
  .refine((update) => update.status !== undefined || update.assignToMe !== undefined, 'Nothing to update.');
/** Body of `PATCH /api/conversations/:conversationId`. */
export type ConversationUpdate = z.infer<typeof conversationUpdateSchema>;

/** The longest note an agent can leave with a transfer. */
export const TRANSFER_NOTE_MAX_LENGTH = 2000;

/**
 * Body of `POST /api/conversations/:conversationId/transfer`: to another agent of the organization (who owns it at
 * once), or to a team (whose queue it joins), with an optional note for the next agent, never shown to the visitor.
 */
export const transferRequestSchema = z.object({
  target: z.discriminatedUnion('to', [
    z.object({ to: z.literal('agent'), agentId: z.uuid() }),
    z.object({ to: z.literal('team'), teamId: z.uuid() }),
  ]),
  note: storableTextSchema(TRANSFER_NOTE_MAX_LENGTH).optional(),
});
/** Body of `POST /api/conversations/:conversationId/transfer`. */
export type TransferRequest = z.infer<typeof transferRequestSchema>;
