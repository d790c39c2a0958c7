/**
 * Pre-chat topics: what a visitor picks before their first message ("Billing", "Technical help"), each naming the
 * team its conversations go to.
 * @module
 */
import { z } from 'zod';
import { storableTextSchema } from './models.js';

/** A topic's id: lowercase letters, digits and dashes, as a visitor's message names it. */
export const topicIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'Expected a topic id: lowercase letters, digits and "-".');

/** A topic as the widget shows it. */
export const topicSchema = z.object({ id: topicIdSchema, label: storableTextSchema(60).pipe(z.string().min(1)) });
/** A topic as the widget shows it. */
export type Topic = z.infer<typeof topicSchema>;

/** A topic as an admin sets it in the widget's routing: the team it routes to (null: the widget's team). */
export const routedTopicSchema = topicSchema.extend({ teamId: z.uuid().nullable() });
/** A topic in the widget's routing. */
export type RoutedTopic = z.infer<typeof routedTopicSchema>;

/** At most this many topics per widget: a choice, not a menu. */
export const MAX_TOPICS = 8;

/** A widget's topics: distinct ids. */
export const routedTopicsSchema = z
  .array(routedTopicSchema)
  .max(MAX_TOPICS)
  .refine((topics) => new Set(topics.map((topic) => topic.id)).size === topics.length, 'Topic ids must be distinct.');
