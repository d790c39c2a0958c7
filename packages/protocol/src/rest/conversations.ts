/**
 * `/api/conversations` routes.
 * @module
 */
import { z } from 'zod';
import { attachmentIdsSchema } from '../attachment.js';
import { TRANSFER_NOTE_MAX_LENGTH } from '../constants.js';
import {
  clientIdSchema,
  conversationStatusSchema,
  conversationSummarySchema,
  INT4_MAX,
  messageBodySchema,
  messageSchema,
  queryIntegerSchema,
  quickRepliesSchema,
  seqSchema,
  storableTextSchema,
} from '../models.js';

/**
 * The inbox's views, each a condition on conversations: `mine`, assigned to the caller and with them (status `agent`);
 * `unassigned`, in the queue; `open`, with the bot, queued or with an agent; `follow_ups`, follow-ups (tickets) of
 * conversations that are not resolved or closed; `resolved`, resolved or closed.
 */
export const inboxViewSchema = z.enum(['mine', 'unassigned', 'open', 'follow_ups', 'resolved']);
/** An inbox view. */
export type InboxView = z.infer<typeof inboxViewSchema>;

/**
 * The inbox's orders: `recent`, the latest change first (`updatedAt`); `waiting`, the conversations whose visitor waits
 * for an answer first, the longest waiting first (`waitingSince`), then the others, the longest idle first.
 */
export const inboxSortSchema = z.enum(['recent', 'waiting']);
/** An inbox order. */
export type InboxSort = z.infer<typeof inboxSortSchema>;

/** The longest search text the inbox accepts. */
export const INBOX_SEARCH_MAX_LENGTH = 200;

/**
 * Query of `GET /api/conversations`. Every condition given applies (and): the view, the filters (`status`,
 * `assigneeId`, `teamId`, `widgetId`, `contactId`, `updatedSince`) and the search `q`, which finds conversations by the
 * words of their messages (full-text) and by any part of the contact's name or e-mail address. `cursor` is the
 * `nextCursor` of the previous page, with the same query. The view `mine` is the signed-in agent's: an API token
 * filters with `assigneeId`.
 */
export const conversationListQuerySchema = z.object({
  view: inboxViewSchema.optional(),
  status: conversationStatusSchema.optional(),
  /** Assigned to this agent. */
  assigneeId: z.uuid().optional(),
  teamId: z.uuid().optional(),
  widgetId: z.uuid().optional(),
  /** The conversations of this contact. */
  contactId: z.uuid().optional(),
  /** Changed at or after this time (ISO 8601 with a time zone): what an integration syncs since its last run. */
  updatedSince: z.iso.datetime({ offset: true }).optional(),
  q: storableTextSchema(INBOX_SEARCH_MAX_LENGTH).optional(),
  sort: inboxSortSchema.default('recent'),
  /** Opaque: the `nextCursor` of the page before. */
  cursor: z.string().max(512).optional(),
  limit: queryIntegerSchema(1, 200).default(50),
});
/** Query of `GET /api/conversations`. */
export type ConversationListQuery = z.input<typeof conversationListQuerySchema>;

/**
 * Answer of `GET /api/conversations`, in the order `sort` asks. Each summary has the caller's `unreadCount`.
 * `nextCursor` fetches the next page (same query, `cursor=nextCursor`); null on the last page.
 */
export const conversationListSchema = z.object({
  conversations: z.array(conversationSummarySchema),
  nextCursor: z.string().nullable(),
});
/** Answer of `GET /api/conversations`. */
export type ConversationList = z.infer<typeof conversationListSchema>;

/** Answer of `GET /api/conversations/counts`: how many conversations each inbox view has, for the caller. */
export const inboxCountsSchema = z.object({
  mine: z.number().int().nonnegative(),
  unassigned: z.number().int().nonnegative(),
  open: z.number().int().nonnegative(),
  followUps: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
});
/** Answer of `GET /api/conversations/counts`. */
export type InboxCounts = z.infer<typeof inboxCountsSchema>;

/**
 * Body of `POST /api/conversations/:conversationId/read`: the caller has seen the conversation up to `seq`. The
 * server keeps the greatest seq read, at most the conversation's `lastSeq`.
 */
export const readRequestSchema = z.object({ seq: seqSchema });
/** Body of `POST /api/conversations/:conversationId/read`. */
export type ReadRequest = z.infer<typeof readRequestSchema>;

/** Answer of `POST /api/conversations/:conversationId/read`: what the caller has read now, and what is left. */
export const readStateSchema = z.object({
  conversationId: z.string(),
  lastReadSeq: seqSchema,
  unreadCount: z.number().int().nonnegative(),
});
/** Answer of `POST /api/conversations/:conversationId/read`. */
export type ReadState = z.infer<typeof readStateSchema>;

/** Path parameters of `/api/conversations/:conversationId/…`. */
export const conversationParamsSchema = z.object({ conversationId: z.uuid() });

/**
 * Answer of `GET /api/conversations/:conversationId`: the conversation and its first messages, oldest first; when
 * `hasMore`, `GET …/messages?afterSeq=` with the last one's seq pages on.
 */
export const conversationDetailSchema = z.object({
  conversation: conversationSummarySchema,
  messages: z.array(messageSchema),
  hasMore: z.boolean(),
});
/** Answer of `GET /api/conversations/:conversationId`. */
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

/** Query of `GET /api/conversations/:conversationId/messages`. */
export const messageListQuerySchema = z.object({
  afterSeq: queryIntegerSchema(0, INT4_MAX).default(0),
  limit: queryIntegerSchema(1, 500).default(200),
});
/** Query of `GET /api/conversations/:conversationId/messages`. */
export type MessageListQuery = z.input<typeof messageListQuerySchema>;

/**
 * Who an API token acts for when it changes a conversation: an active agent of its organization, written in the
 * conversation's history as that agent did it. An agent's session always acts as the agent, and may leave it out.
 */
export const asAgentIdSchema = z.uuid().optional();

/**
 * Body of `POST /api/conversations/:conversationId/messages`: an agent's reply, with quick replies if any. An API token
 * writes as an agent (`asAgentId`) or as the bot (`asBot`, while the bot has the conversation).
 */
export const replyRequestSchema = z
  .object({
    clientId: clientIdSchema,
    body: messageBodySchema,
    quickReplies: quickRepliesSchema.optional(),
    /** Files uploaded first (`POST /api/attachments`, then `PUT` to its `uploadPath`) by the agent it writes as. */
    attachments: attachmentIdsSchema.optional(),
    asAgentId: asAgentIdSchema,
    asBot: z.literal(true).optional(),
  })
  .refine((reply) => !(reply.asBot && reply.asAgentId), { message: 'Write as an agent or as the bot, not both.', path: ['asBot'] })
  .refine((reply) => !(reply.asBot && reply.attachments), { message: 'The bot sends no files.', path: ['attachments'] });
/** Body of `POST /api/conversations/:conversationId/messages`. */
export type ReplyRequest = z.infer<typeof replyRequestSchema>;

/**
 * Body of `PATCH /api/conversations/:conversationId`: resolve, reopen, take a conversation, hand it back to the bot
 * (`status: 'bot'`), or put it back in the queue (`status: 'queued'`: an assigned conversation is unassigned).
 */
export const conversationUpdateSchema = z
  .object({
    status: z.enum(['bot', 'queued', 'agent', 'resolved']).optional(),
    /** Takes it: for an API token, gives it to the agent `asAgentId` names. */
    assignToMe: z.literal(true).optional(),
    asAgentId: asAgentIdSchema,
  })
  .refine((update) => update.status !== undefined || update.assignToMe !== undefined, 'Nothing to update.');
/** Body of `PATCH /api/conversations/:conversationId`. */
export type ConversationUpdate = z.infer<typeof conversationUpdateSchema>;

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
  asAgentId: asAgentIdSchema,
});
/** Body of `POST /api/conversations/:conversationId/transfer`. */
export type TransferRequest = z.infer<typeof transferRequestSchema>;
