/**
 * `typing:set` and `typing:changed`.
 * @module
 */
import { z } from 'zod';

/** A visitor starts or stops typing. */
export const visitorTypingSetSchema = z.object({ typing: z.boolean() });
/** A visitor starts or stops typing. */
export type VisitorTypingSet = z.infer<typeof visitorTypingSetSchema>;

/** An agent starts or stops typing in a conversation. */
export const agentTypingSetSchema = z.object({ conversationId: z.uuid(), typing: z.boolean() });
/** An agent starts or stops typing in a conversation. */
export type AgentTypingSet = z.infer<typeof agentTypingSetSchema>;

/** Someone on the other side started or stopped typing. */
export const typingChangedSchema = z.object({
  conversationId: z.string(),
  author: z.object({ kind: z.enum(['visitor', 'agent']), name: z.string().nullable() }),
  typing: z.boolean(),
});
/** Someone on the other side started or stopped typing. */
export type TypingChanged = z.infer<typeof typingChangedSchema>;
