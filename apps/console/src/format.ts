/**
 * How conversations, people and times are named on screen.
 * @module
 */
import type { AuthorKind, ConversationStatus, ConversationSummary } from '@parley/protocol';

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
