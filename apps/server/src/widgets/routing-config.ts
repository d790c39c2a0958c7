import { businessHoursSettingSchema, routedTopicsSchema } from '@parley/protocol';
import { z } from 'zod';

/**
 * How a widget's queued conversations reach agents (the `widgets.routing` column), validated on every read.
 * - `strategy`: `round_robin`, the online agent with free capacity who was given a conversation least recently;
 *   `least_loaded`, the one with the fewest open conversations (ties: least recently given one); `manual`, nobody is
 *   given anything, agents claim from the queue.
 * - `teamId`: the team whose agents its conversations go to (null: any agent of the organization).
 * - `hours`: the widget's business hours (null: always open). Outside them, as when nobody of the team is online, a
 *   visitor who joins the queue is told so and asked for an e-mail address or phone number.
 * - `reopen`: where a resolved conversation goes when the visitor writes again. `last_agent` (default): the agent who
 *   had it when they are online, else the queue, and the bot when no agent had it; `queue`; or `bot` (the queue when
 *   the widget's bot is off).
 * - `topics`: what a visitor may pick before their first message, each naming a team (null: the widget's team).
 */
export const routingConfigSchema = z.object({
  strategy: z.enum(['round_robin', 'least_loaded', 'manual']).default('round_robin'),
  teamId: z.uuid().nullable().default(null),
  reopen: z.enum(['last_agent', 'queue', 'bot']).default('last_agent'),
  hours: businessHoursSettingSchema,
  topics: routedTopicsSchema.default([]),
});
/** A widget's routing configuration. */
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
/** A routing strategy. */
export type RoutingStrategy = RoutingConfig['strategy'];
