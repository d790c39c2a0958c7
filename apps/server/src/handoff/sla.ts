/**
 * A follow-up's SLA clocks, computed from facts (when it opened, when an agent first replied, since when the visitor
 * waits, whether it is pending or done), the organization's policy and the widget's business hours. Pure: no I/O, no
 * clock of its own. Because the clocks are derived rather than kept, a check that runs late or twice reaches the same
 * answer, and a missed notification only makes a check late, never wrong.
 * @module
 */
import type { BusinessHours, SlaClock, SlaMetric, SlaPolicy, TicketPriority, TicketStatus } from '@parley/protocol';
import { addBusinessTime } from '../widgets/business-hours.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** What the clocks of one follow-up are computed from. */
export interface TicketFacts {
  priority: TicketPriority;
  status: TicketStatus;
  openedAt: Date;
  /** Since when an agent waits on the customer (status `pending`). */
  pendingSince: Date | null;
  /** The first agent reply since the follow-up opened; null while none. */
  firstReplyAt: Date | null;
  /** The oldest visitor message after the newest agent reply, once an agent has replied; null when nobody waits. */
  waitingSince: Date | null;
}

/** Order of a clock's states: a check records only a state later than the one stored. */
export const slaStateRank: Record<SlaClock['state'], number> = { running: 0, warning: 1, breached: 2 };

/** The target of `metric` for `priority`, in minutes; null: none. */
function targetMinutes(policy: SlaPolicy, priority: TicketPriority, metric: SlaMetric): number | null {
  const targets = policy.targets[priority];
  if (metric === 'first_response') return targets.firstResponseMinutes;
  if (metric === 'next_response') return targets.nextResponseMinutes;
  return targets.resolutionMinutes;
}

/**
 * The clocks running at `now`, each with its due and warning instants counted in business time from its start, and
 * its state. A resolved or closed follow-up has none; a pending one only its resolution clock (the team owes no reply
 * while it waits on the customer). A clock whose business never opens again has null instants and keeps running.
 */
export function slaClocks(facts: TicketFacts, policy: SlaPolicy, hours: BusinessHours | null, now: Date): SlaClock[] {
  if (facts.status === 'resolved' || facts.status === 'closed') return [];
  const started: { metric: SlaMetric; startedAt: Date }[] = [];
  if (facts.status === 'open') {
    if (facts.firstReplyAt === null) started.push({ metric: 'first_response', startedAt: facts.openedAt });
    else if (facts.waitingSince !== null) started.push({ metric: 'next_response', startedAt: facts.waitingSince });
  }
  started.push({ metric: 'resolution', startedAt: facts.openedAt });
  const clocks: SlaClock[] = [];
  for (const { metric, startedAt } of started) {
    const minutes = targetMinutes(policy, facts.priority, metric);
    if (minutes === null) continue;
    const dueAt = addBusinessTime(hours, startedAt, minutes * MINUTE_MS);
    const warnAt = addBusinessTime(hours, startedAt, Math.max(0, minutes - policy.warnBeforeMinutes) * MINUTE_MS);
    const state = dueAt !== null && now >= dueAt ? 'breached' : warnAt !== null && now >= warnAt ? 'warning' : 'running';
    clocks.push({
      metric,
      startedAt: startedAt.toISOString(),
      dueAt: dueAt?.toISOString() ?? null,
      warnAt: warnAt?.toISOString() ?? null,
      state,
    });
  }
  return clocks;
}

/** When a follow-up left pending on the customer is resolved for inactivity; null: never (no timer, or not pending). */
export function pendingExpiresAt(facts: TicketFacts, policy: SlaPolicy): Date | null {
  if (facts.status !== 'pending' || facts.pendingSince === null || policy.resolvePendingAfterHours === null) return null;
  return new Date(facts.pendingSince.getTime() + policy.resolvePendingAfterHours * HOUR_MS);
}

/** The next instant after `now` at which a clock warns or breaches, or the pending timer runs out; null: none. */
export function nextCheckAt(clocks: readonly SlaClock[], pendingExpiry: Date | null, now: Date): Date | null {
  const instants = clocks
    .flatMap((clock) => [clock.warnAt, clock.dueAt])
    .filter((instant): instant is string => instant !== null)
    .map((instant) => new Date(instant));
  if (pendingExpiry !== null) instants.push(pendingExpiry);
  const future = instants.filter((instant) => instant > now).map((instant) => instant.getTime());
  return future.length === 0 ? null : new Date(Math.min(...future));
}
