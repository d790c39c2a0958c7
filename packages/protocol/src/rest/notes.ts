/**
 * `/api/conversations/:conversationId/notes`: agents' internal notes, never shown to the visitor.
 * @module
 */
import { z } from 'zod';
import { clientIdSchema, messageBodySchema } from '../models.js';
import { asAgentIdSchema } from './conversations.js';

/** An internal note, placed in the transcript after the message with seq `afterSeq`. */
export const noteSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  afterSeq: z.number().int().nonnegative(),
  body: z.string(),
  /** Null once the agent who wrote it was deleted. */
  author: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
});
/** An internal note. */
export type Note = z.infer<typeof noteSchema>;

/** Answer of `GET /api/conversations/:conversationId/notes`: oldest first. */
export const noteListSchema = z.object({ notes: z.array(noteSchema) });
/** Answer of `GET /api/conversations/:conversationId/notes`. */
export type NoteList = z.infer<typeof noteListSchema>;

/**
 * Body of `POST /api/conversations/:conversationId/notes`; `clientId` makes a retry store the note once. A note has no
 * quick replies (the visitor never sees it): a body with `quickReplies` is refused, not stored without them.
 */
export const noteCreateSchema = z.object({
  clientId: clientIdSchema,
  body: messageBodySchema,
  quickReplies: z.undefined({ error: 'An internal note cannot carry quick replies.' }).optional(),
  /** The agent an API token writes the note as (see `asAgentIdSchema`). */
  asAgentId: asAgentIdSchema,
});
/** Body of `POST /api/conversations/:conversationId/notes`. */
export type NoteCreate = z.infer<typeof noteCreateSchema>;
