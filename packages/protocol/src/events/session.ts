/**
 * `session:get`: the visitor's session, conversation and widget settings.
 * @module
 */
import { z } from 'zod';
import { visitorConversationSchema, widgetAgentsSchema, widgetSettingsSchema } from '../models.js';
import { topicSchema } from '../topic.js';

/** Answer to `session:get`. Keep `sessionToken` to resume the same visitor and conversation later. */
export const sessionSchema = z.object({
  sessionToken: z.string(),
  visitorId: z.string(),
  conversation: visitorConversationSchema.nullable(),
  /** The widget's settings, with `agents` (up to three who may answer, by first name) when its `showAgents` is on. */
  widget: widgetSettingsSchema.extend({ agents: widgetAgentsSchema.optional() }),
  /** What the visitor may pick before their first message (sent as its `topic`); none: no choice. */
  topics: z.array(topicSchema).optional(),
  /** Whether this server sends e-mail: the widget offers the transcript by e-mail only then. */
  email: z.boolean().optional(),
});
/** Answer to `session:get`. */
export type Session = z.infer<typeof sessionSchema>;
