/**
 * `session:get`: the visitor's session, conversation and widget settings.
 * @module
 */
import { z } from 'zod';
import { preChatSettingsSchema, visitorConversationSchema, widgetAgentsSchema, widgetSettingsSchema } from '../models.js';
import { topicSchema } from '../topic.js';
import { errorBodySchema } from '../ack.js';

/** Answer to `session:get`. Keep `sessionToken` to resume the same visitor and conversation later. */
export const sessionSchema = z.object({
  sessionToken: z.string(),
  visitorId: z.string(),
  conversation: visitorConversationSchema.nullable(),
  /** The widget's settings, with `agents` (up to three who may answer, by first name) when its `showAgents` is on. */
  widget: widgetSettingsSchema.extend({ agents: widgetAgentsSchema.optional() }),
  /** What the visitor may pick before their first message (sent as its `topic`); none: no choice. */
  topics: z.array(topicSchema).optional(),
  /**
   * The pre-chat form to show this visitor before their first message (the widget's `preChat`); absent when there is
   * none to show: the widget has no form, the visitor has a conversation, or the details the server holds for them
   * (their contact's, or those given on this connection: the handshake's `identity`, `contact:identify`) already answer
   * it (every required field; with only optional fields, any of them).
   */
  preChat: preChatSettingsSchema.optional(),
  /**
   * How many conversations the visitor had before the current one (or before none): the widget offers to read them
   * (`conversations:list`) when there are some. Absent from servers before it was added.
   */
  pastConversations: z.number().int().nonnegative().optional(),
  /** Whether this server sends e-mail: the widget offers the transcript by e-mail only then. */
  email: z.boolean().optional(),
  /**
   * What came of the identity token this connection's handshake presented (`identity.token`), when it presented one:
   * `verified`, or the error it was refused with (`identity_invalid`, `identity_expired`, `identity_replayed`); the
   * visitor then continues as they were.
   */
  identity: z.object({ verified: z.boolean(), error: errorBodySchema.optional() }).optional(),
});
/** Answer to `session:get`. */
export type Session = z.infer<typeof sessionSchema>;
