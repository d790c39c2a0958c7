/**
 * `/api/saved-replies`: canned answers agents insert with `/shortcut`, shared with the organization or personal.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from '../models.js';
import { SAVED_REPLY_BODY_MAX_LENGTH, SAVED_REPLY_SHORTCUT_MAX_LENGTH, SAVED_REPLY_TITLE_MAX_LENGTH } from '../saved-reply-text.js';

/** Who sees a saved reply: everyone in the organization (admins manage it), or only the agent who owns it. */
export const savedReplyScopeSchema = z.enum(['shared', 'personal']);
/** Who sees a saved reply. */
export type SavedReplyScope = z.infer<typeof savedReplyScopeSchema>;

/** A saved reply; `personal` ones are always the caller's own. */
export const savedReplySchema = z.object({
  id: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  scope: savedReplyScopeSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A saved reply. */
export type SavedReply = z.infer<typeof savedReplySchema>;

/** Answer of `GET /api/saved-replies`: the organization's shared replies and the caller's personal ones, by shortcut. */
export const savedReplyListSchema = z.object({ savedReplies: z.array(savedReplySchema) });
/** Answer of `GET /api/saved-replies`. */
export type SavedReplyList = z.infer<typeof savedReplyListSchema>;

/** What follows `/` in the reply box: lowercase letters, digits and dashes, starting with a letter or digit. */
export const savedReplyShortcutSchema = z
  .string()
  .max(SAVED_REPLY_SHORTCUT_MAX_LENGTH, `At most ${SAVED_REPLY_SHORTCUT_MAX_LENGTH} characters.`)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'A shortcut is lowercase letters, digits and dashes, starting with a letter or digit.');

/** The title the picker shows next to the shortcut: trimmed, not blank, one line. */
const titleSchema = storableTextSchema(SAVED_REPLY_TITLE_MAX_LENGTH)
  .refine((title) => title.length > 0, 'A saved reply needs a title.')
  .refine((title) => !/\p{Cc}/u.test(title), 'A title cannot contain control characters.');

/** The text inserted into the reply: kept as it is written (like a message), not blank. */
const bodySchema = z
  .string()
  .max(SAVED_REPLY_BODY_MAX_LENGTH * 2)
  .refine((body) => [...body].length <= SAVED_REPLY_BODY_MAX_LENGTH, `At most ${SAVED_REPLY_BODY_MAX_LENGTH} characters.`)
  .refine((body) => body.trim().length > 0, 'A saved reply needs a body.')
  .refine((body) => body.isWellFormed(), 'Text contains an unpaired surrogate.')
  .refine((body) => !body.includes('\u0000'), 'Text contains a NUL character.');

/** Body of `POST /api/saved-replies`: `shared` ones only by admins. */
export const savedReplyCreateSchema = z.object({
  shortcut: savedReplyShortcutSchema,
  title: titleSchema,
  body: bodySchema,
  scope: savedReplyScopeSchema,
});
/** Body of `POST /api/saved-replies`. */
export type SavedReplyCreate = z.input<typeof savedReplyCreateSchema>;

/** Body of `PATCH /api/saved-replies/:savedReplyId`: any of the fields, at least one. */
export const savedReplyUpdateSchema = z
  .object({
    shortcut: savedReplyShortcutSchema.optional(),
    title: titleSchema.optional(),
    body: bodySchema.optional(),
    scope: savedReplyScopeSchema.optional(),
  })
  .refine((update) => Object.values(update).some((value) => value !== undefined), 'Nothing to update.');
/** Body of `PATCH /api/saved-replies/:savedReplyId`. */
export type SavedReplyUpdate = z.input<typeof savedReplyUpdateSchema>;

/** Path parameters of `/api/saved-replies/:savedReplyId`. */
export const savedReplyParamsSchema = z.object({ savedReplyId: z.uuid() });
