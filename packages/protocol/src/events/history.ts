/**
 * A visitor's conversations: `conversations:list` (their past ones, to read again with `messages:sync`'s
 * `conversationId`) and `conversation:close` (done with a resolved conversation: the next message starts a new one).
 * @module
 */
import { z } from 'zod';
import { authorKindSchema, conversationStatusSchema } from '../models.js';

/** At most this many conversations in `conversations:list`'s answer, the newest first. */
export const VISITOR_CONVERSATIONS_LIMIT = 50;
/** A conversation's preview in the list: at most this many characters of its last message. */
export const CONVERSATION_PREVIEW_LENGTH = 200;

/** One of the visitor's conversations, as their list of past conversations shows it. */
export const visitorConversationSummarySchema = z.object({
  id: z.string(),
  status: conversationStatusSchema,
  createdAt: z.string(),
  /**
   * The conversation's last message that isn't a status line: who wrote it (`visitor`, `agent`, `bot`) and the start of
   * its text (at most {@link CONVERSATION_PREVIEW_LENGTH} characters); null while it has none.
   */
  lastMessage: z
    .object({
      authorKind: authorKindSchema,
      body: z.string(),
      createdAt: z.string(),
    })
    .nullable(),
});
/** One of the visitor's conversations, as their list shows it. */
export type VisitorConversationSummary = z.infer<typeof visitorConversationSummarySchema>;

/** Answer to `conversations:list`: the visitor's conversations, the newest first, the current one included. */
export const visitorConversationListSchema = z.object({
  conversations: z.array(visitorConversationSummarySchema).max(VISITOR_CONVERSATIONS_LIMIT),
});
/** Answer to `conversations:list`. */
export type VisitorConversationList = z.infer<typeof visitorConversationListSchema>;
