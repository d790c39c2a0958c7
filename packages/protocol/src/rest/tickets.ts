/**
 * `/api/conversations/:conversationId/ticket` (agents) and the organization's SLA policy in `/api/routing/sla` (admins).
 * @module
 */
import { z } from 'zod';
import { ticketPrioritySchema } from '../ticket.js';

/** A year, in minutes: the longest SLA target. */
const MAX_TARGET_MINUTES = 525_600;
const targetSchema = z.number().int().min(1).max(MAX_TARGET_MINUTES).nullable();

/** One priority's SLA targets in business minutes; null: no target for that metric. */
export const slaTargetsSchema = z.object({
  firstResponseMinutes: targetSchema,
  nextResponseMinutes: targetSchema,
  resolutionMinutes: targetSchema,
});
/** One priority's SLA targets. */
export type SlaTargets = z.infer<typeof slaTargetsSchema>;

/**
 * An organization's follow-up policy: SLA targets per priority, how long before a due time agents are warned (in
 * business minutes), and the inactivity timer that resolves a follow-up left pending on a customer who never wrote
 * back (wall-clock hours; null: never).
 */
export const slaPolicySchema = z.object({
  targets: z.object({ low: slaTargetsSchema, normal: slaTargetsSchema, high: slaTargetsSchema, urgent: slaTargetsSchema }),
  warnBeforeMinutes: z.number().int().min(0).max(MAX_TARGET_MINUTES),
  resolvePendingAfterHours: z.number().int().min(1).max(8760).nullable(),
});
/** An organization's follow-up policy. */
export type SlaPolicy = z.infer<typeof slaPolicySchema>;

/** The policy of an organization that never set one. */
export const defaultSlaPolicy: SlaPolicy = {
  targets: {
    urgent: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240 },
    high: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
    normal: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 1440 },
    low: { firstResponseMinutes: 480, nextResponseMinutes: 1440, resolutionMinutes: 4320 },
  },
  warnBeforeMinutes: 30,
  resolvePendingAfterHours: 72,
};

/** Body of `PUT /api/routing/sla`: the whole policy. */
export const slaPolicyUpdateSchema = slaPolicySchema;

/** Body of `POST /api/conversations/:conversationId/ticket`: make the conversation a follow-up. */
export const ticketCreateSchema = z.object({ priority: ticketPrioritySchema.default('normal') });
/** Body of `POST /api/conversations/:conversationId/ticket`. */
export type TicketCreate = z.infer<typeof ticketCreateSchema>;

/** Body of `PATCH /api/conversations/:conversationId/ticket`: the priority, or waiting on the customer (or not). */
export const ticketUpdateSchema = z
  .object({ priority: ticketPrioritySchema, pending: z.boolean() })
  .partial()
  .refine((update) => Object.keys(update).length > 0, 'Nothing to update.');
/** Body of `PATCH /api/conversations/:conversationId/ticket`. */
export type TicketUpdate = z.infer<typeof ticketUpdateSchema>;
