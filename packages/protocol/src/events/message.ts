/**
 * `message:send`, `messages:sync` and `message:created`.
 * @module
 */
import { z } from 'zod';
import { clientIdSchema, messageBodySchema, messageSchema, quickRepliesSchema, seqSchema } from '../models.js';
import { attachmentIdsSchema } from '../attachment.js';
import { proactiveRuleIdSchema } from '../proactive.js';
import { topicIdSchema } from '../topic.js';

/**
 * What every sent message carries. A message with files (`attachments`, uploaded first: `attachment.ts`) still has a
 * body: the widget sends the files' names when the visitor wrote nothing.
 */
const messageSendSchema = z.object({
  clientId: clientIdSchema,
  body: messageBodySchema,
});

/**
 * A visitor sends a message. `topic`, one of the session's `topics`, and `proactive`, the id of the widget's proactive
 * message the visitor answers, are read only when the message starts a conversation: the topic's team gets it, and the
 * proactive message is written first, as the bot's. A topic or rule the widget no longer has is ignored, so the message
 * is never lost.
 */
export const visitorMessageSendSchema = messageSendSchema.extend({
  topic: topicIdSchema.optional(),
  proactive: proactiveRuleIdSchema.optional(),
  attachments: attachmentIdsSchema.optional(),
});
/** A visitor sends a message. */
export type VisitorMessageSend = z.infer<typeof visitorMessageSendSchema>;

/**
 * An agent sends a message into a conversation, optionally with quick replies: buttons the visitor sees under it while
 * it is the latest, a click sending the button's text as their message.
 */
export const agentMessageSendSchema = messageSendSchema.extend({
  conversationId: z.uuid(),
  quickReplies: quickRepliesSchema.optional(),
  attachments: attachmentIdsSchema.optional(),
});
/** An agent sends a message into a conversation. */
export type AgentMessageSend = z.infer<typeof agentMessageSendSchema>;

/** The ack of a send; the same for a repeated `clientId`. */
export const messageSentSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  seq: z.number().int().positive(),
  createdAt: z.string(),
});
/** The ack of a send. */
export type MessageSent = z.infer<typeof messageSentSchema>;

/**
 * A visitor asks for every message after the last `seq` it saw: of their current conversation, or of the one of theirs
 * `conversationId` names (a past one, from `conversations:list`; another visitor's is `not_found`).
 */
export const visitorMessagesSyncSchema = z.object({
  conversationId: z.uuid().optional(),
  afterSeq: seqSchema,
  limit: z.number().int().min(1).max(500).default(200),
});
/** A visitor asks for every message after the last `seq` it saw. */
export type VisitorMessagesSync = z.input<typeof visitorMessagesSyncSchema>;

/** Answer to a sync: messages in `seq` order; `hasMore` when `limit` cut the list. */
export const messagesPageSchema = z.object({
  messages: z.array(messageSchema),
  hasMore: z.boolean(),
});
/** Answer to a sync. */
export type MessagesPage = z.infer<typeof messagesPageSchema>;
