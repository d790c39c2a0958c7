/**
 * Follow-ups: conversations someone must come back to, as tickets with a status, a priority and SLA clocks.
 * @module
 */
import { z } from 'zod';

/** How urgent a follow-up is; each priority has its own SLA targets. */
export const ticketPrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
/** How urgent a follow-up is. */
export type TicketPriority = z.infer<typeof ticketPrioritySchema>;

/**
 * Where a follow-up stands: `open` (the team owes an answer), `pending` (waiting on the customer, until they write),
 * `resolved` and `closed` (the conversation's own status).
 */
export const ticketStatusSchema = z.enum(['open', 'pending', 'resolved', 'closed']);
/** Where a follow-up stands. */
export type TicketStatus = z.infer<typeof ticketStatusSchema>;

/** What an SLA clock measures: the first agent reply, each later reply to a waiting visitor, or resolving it. */
export const slaMetricSchema = z.enum(['first_response', 'next_response', 'resolution']);
/** What an SLA clock measures. */
export type SlaMetric = z.infer<typeof slaMetricSchema>;

/**
 * A running SLA clock: since when it runs, when it is due (counted in the widget's business hours; null when the
 * business never opens again), when it warns, and whether it warned or was breached already.
 */
export const slaClockSchema = z.object({
  metric: slaMetricSchema,
  startedAt: z.string(),
  dueAt: z.string().nullable(),
  warnAt: z.string().nullable(),
  state: z.enum(['running', 'warning', 'breached']),
});
/** A running SLA clock. */
export type SlaClock = z.infer<typeof slaClockSchema>;

/** A follow-up as the console shows it. */
export const ticketSchema = z.object({
  status: ticketStatusSchema,
  priority: ticketPrioritySchema,
  createdAt: z.string(),
  pendingSince: z.string().nullable(),
  /** The clocks still running; a met or stopped one is gone. */
  sla: z.array(slaClockSchema),
});
/** A follow-up as the console shows it. */
export type Ticket = z.infer<typeof ticketSchema>;
