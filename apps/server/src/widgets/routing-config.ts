import { z } from 'zod';

/**
 * How a widget's queued conversations reach agents (the `widgets.routing` column), validated on every read.
 * `round_robin`: the online agent with free capacity who was given a conversation least recently; `least_loaded`: the one
 * with the fewest open conversations (ties: least recently given one); `manual`: nobody is given anything, agents claim
 * from the queue.
 */
export const routingConfigSchema = z.object({
  strategy: z.enum(['round_robin', 'least_loaded', 'manual']).default('round_robin'),
});
/** A widget's routing configuration. */
export type RoutingConfig = z.infer<typeof routingConfigSchema>;
/** A routing strategy. */
export type RoutingStrategy = RoutingConfig['strategy'];
