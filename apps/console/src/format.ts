/**
 * How conversations, people and times are named on screen.
 * @module
 */
import type {
  AuthorKind,
  ConversationStatus,
  ConversationSummary,
  SlaClock,
  SlaMetric,
  TicketPriority,
  TicketStatus,
} from '@parley/protocol';

/** The first eight characters of an id: enough to tell visitors apart at a glance. */
export function shortId(id: string): string {
  return id.replaceAll('-', '').slice(0, 8);
}

/** The contact's name, or `Visitor <short id>` for an anonymous visitor. */
export function contactLabel(contact: ConversationSummary['contact']): string {
  const name = contact.name?.trim();
  return name ? name : `Visitor ${shortId(contact.id)}`;
}

const statusLabels: Record<ConversationStatus, string> = {
  bot: 'Bot',
  queued: 'Waiting',
  agent: 'Open',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** A status as agents read it. */
export function statusLabel(status: ConversationStatus): string {
  return statusLabels[status];
}

// The bot's fallback is the widget's default bot name: its messages also carry a "Bot" tag, so "Bot" would repeat.
const authorLabels: Record<AuthorKind, string> = { visitor: 'Visitor', agent: 'Agent', bot: 'Assistant', system: 'System' };

/** The name shown above a message: the author's own name when known, else their role (for the bot, "Assistant"). */
export function authorLabel(author: { kind: AuthorKind; name: string | null }, visitorName?: string): string {
  if (author.kind === 'visitor') return visitorName ?? author.name ?? authorLabels.visitor;
  return author.name ?? authorLabels[author.kind];
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A short time for lists: the time of day for today, else the date. */
export function formatListTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return sameDay(date, now) ? timeFormat.format(date) : dayFormat.format(date);
}

/** The time of day of a message. */
export function formatMessageTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : timeFormat.format(date);
}

/** The full date and time, for tooltips. */
export function formatFullTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : fullFormat.format(date);
}

const ticketStatusLabels: Record<TicketStatus, string> = {
  open: 'Open',
  pending: 'Waiting on customer',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** A follow-up's status as agents read it. */
export function ticketStatusLabel(status: TicketStatus): string {
  return ticketStatusLabels[status];
}

const priorityLabels: Record<TicketPriority, string> = { low: 'Low', normal: 'Normal', high: 'High', urgent: 'Urgent' };

/**
 * The priorities, least urgent first, for menus. Listed here rather than read from the protocol's schema, which would
 * bring zod into the console's bundle.
 */
export const ticketPriorities = Object.keys(priorityLabels) as TicketPriority[];

/** A follow-up's priority as agents read it. */
export function priorityLabel(priority: TicketPriority): string {
  return priorityLabels[priority];
}

const slaMetricLabels: Record<SlaMetric, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
};

// The same words in the inbox and in the follow-up panel, so the state never rests on colour alone.
const slaStateLabels: Record<SlaClock['state'], string | null> = { running: null, warning: 'Due soon', breached: 'Overdue' };

/** "Due soon" or "Overdue"; null for a clock that is on time. */
export function slaStateLabel(state: SlaClock['state']): string | null {
  return slaStateLabels[state];
}

const MINUTE_MS = 60_000;
// A due time closer than this reads best as a countdown; a later one (often the next business day) as a time.
const COUNTDOWN_MS = 4 * 60 * MINUTE_MS;

/** A duration to the minute below: "less than a minute", "12 min", "3 h 20 min", "2 d 4 h". */
export function formatDuration(milliseconds: number): string {
  const minutes = Math.floor(milliseconds / MINUTE_MS);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/**
 * Where an SLA clock stands at `now`, as one line: "First response due in 3 h 20 min", "Next response due at 14:30",
 * "Resolution due Jan 3 at 09:00", "Resolution overdue by 12 min", or, without a due time (the business never opens
 * again), "Resolution: no due time (outside business hours)".
 */
export function slaClockText(clock: SlaClock, now: Date): string {
  const metric = slaMetricLabels[clock.metric];
  if (clock.dueAt === null) return `${metric}: no due time (outside business hours)`;
  const due = new Date(clock.dueAt);
  const remaining = due.getTime() - now.getTime();
  if (Number.isNaN(remaining)) return metric;
  if (remaining <= 0) return `${metric} overdue by ${formatDuration(-remaining)}`;
  // The server saw the breach, yet this device's clock is behind its own: the breach stands, without an amount.
  if (clock.state === 'breached') return `${metric} overdue`;
  if (remaining < COUNTDOWN_MS) return `${metric} due in ${formatDuration(remaining)}`;
  const day = sameDay(due, now) ? '' : `${dayFormat.format(due)} `;
  return `${metric} due ${day}at ${timeFormat.format(due)}`;
}
