/**
 * `rating:submit`: the visitor rates a resolved conversation.
 * @module
 */
import { z } from 'zod';
import { seqSchema, storableTextSchema } from '../models.js';

/** The longest comment a visitor can leave with a rating. */
export const RATING_COMMENT_MAX_LENGTH = 1000;

/**
 * The visitor rates the resolution announced by the `resolved` system line at `resolvedSeq` (the newest one, while the
 * conversation is still resolved): 1 (bad) to 5 (great), with an optional comment. Once per resolution.
 */
export const ratingSubmitSchema = z.object({
  resolvedSeq: seqSchema.min(1),
  rating: z.number().int().min(1).max(5),
  comment: storableTextSchema(RATING_COMMENT_MAX_LENGTH).optional(),
});
/** The visitor rates a resolved conversation. */
export type RatingSubmit = z.infer<typeof ratingSubmitSchema>;
