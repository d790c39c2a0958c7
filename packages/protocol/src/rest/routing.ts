/**
 * `/api/routing` (admins): how queued conversations reach agents, per widget, and how many each agent takes at once.
 * @module
 */
import { z } from 'zod';
import { MAX_CAPACITY } from '../constants.js';
import { businessHoursSchema } from '../business-hours.js';
import { routedTopicsSchema } from '../topic.js';

const capacitySchema = z.number().int().min(1).max(MAX_CAPACITY);

/** A widget's routing: strategy, team and where a reopened conversation goes (see docs/configuration.md). */
export const widgetRoutingSchema = z.object({
  strategy: z.enum(['round_robin', 'least_loaded', 'manual']),
  teamId: z.uuid().nullable(),
  reopen: z.enum(['last_agent', 'queue', 'bot']),
  /** Business hours; null: always open. */
  hours: businessHoursSchema.nullable(),
  /** What a visitor may pick before their first message, each with its team; empty: no choice offered. */
  topics: routedTopicsSchema,
});
/** A widget's routing. */
export type WidgetRouting = z.infer<typeof widgetRoutingSchema>;

/** Answer of `GET /api/routing`. */
export const routingSettingsSchema = z.object({
  /** Conversations an agent takes at once unless their own capacity says otherwise. */
  defaultMaxConversations: capacitySchema,
  agents: z.array(z.object({ userId: z.string(), name: z.string(), maxConversations: capacitySchema.nullable() })),
  widgets: z.array(z.object({ id: z.string(), name: z.string(), routing: widgetRoutingSchema })),
});
/** Answer of `GET /api/routing`. */
export type RoutingSettings = z.infer<typeof routingSettingsSchema>;

/** Body of `PATCH /api/routing`: the organization's default capacity. */
export const routingDefaultsUpdateSchema = z.object({ defaultMaxConversations: capacitySchema });

/** Body of `PATCH /api/routing/agents/:userId`: the agent's own capacity, or null for the organization's default. */
export const agentCapacityUpdateSchema = z.object({ maxConversations: capacitySchema.nullable() });

/** Body of `PATCH /api/routing/widgets/:widgetId`: any of the widget's routing fields. */
export const widgetRoutingUpdateSchema = widgetRoutingSchema
  .partial()
  .refine((update) => Object.keys(update).length > 0, 'Nothing to update.');
/** Body of `PATCH /api/routing/widgets/:widgetId`. */
export type WidgetRoutingUpdate = z.infer<typeof widgetRoutingUpdateSchema>;

/** Path parameters of `/api/routing/agents/:userId`. */
export const routingAgentParamsSchema = z.object({ userId: z.uuid() });
/** Path parameters of `/api/routing/widgets/:widgetId`. */
export const routingWidgetParamsSchema = z.object({ widgetId: z.uuid() });
