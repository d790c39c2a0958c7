/**
 * `GET /api/events`: the organization's conversation history (the audit log) as a cursor, so that an integration that
 * was down can catch up on what its webhooks would have told it.
 * @module
 */
import { z } from 'zod';
import { conversationStatusSchema, queryIntegerSchema } from '../models.js';

/** What an audit event records. */
export const auditEventTypeSchema = z.enum([
  'created',
  'status_changed',
  'assigned',
  'unassigned',
  'transferred',
  'ticket_opened',
  'ticket_updated',
  'sla_warning',
  'sla_breached',
]);

/** One change of a conversation, as the audit log recorded it in the change's transaction. */
export const auditEventSchema = z.object({
  /** Increasing: pass the last one seen as `after`. */
  id: z.string(),
  conversationId: z.string(),
  type: auditEventTypeSchema,
  fromStatus: conversationStatusSchema.nullable(),
  toStatus: conversationStatusSchema.nullable(),
  /** Who did it: `id` is the agent's for an agent, the contact's for a visitor, null for the bot and the system. */
  actor: z.object({ kind: z.enum(['visitor', 'agent', 'bot', 'system']), id: z.string().nullable() }),
  /** What else the event carries (the state machine's event, a handoff's reason, a transfer's target, …). */
  data: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
/** One audit event. */
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** Query of `GET /api/events`: the events after `after` (an event's id; 0 or absent: from the first), oldest first. */
export const auditEventQuerySchema = z.object({
  after: z
    .string()
    .regex(/^\d{1,18}$/, 'An event id: decimal digits.')
    .default('0'),
  limit: queryIntegerSchema(1, 1000).default(100),
});
/** Query of `GET /api/events`. */
export type AuditEventQuery = z.input<typeof auditEventQuerySchema>;

/**
 * Answer of `GET /api/events`: a page of events, oldest first. `next` is what to pass as `after` next time (the last
 * event's id, or the `after` asked when there was none); `hasMore` says whether more are waiting now.
 */
export const auditEventListSchema = z.object({ events: z.array(auditEventSchema), next: z.string(), hasMore: z.boolean() });
/** Answer of `GET /api/events`. */
export type AuditEventList = z.infer<typeof auditEventListSchema>;
